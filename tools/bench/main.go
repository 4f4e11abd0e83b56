// Bench measures what syscope adds to one syscall.Syscall(SYS_GETPID)
// round trip and to one of the runtime's own futex calls, for the
// toolchains named on the command line ("local" is the go on PATH).
//
// Usage:
//
//	go run ./tools/bench [-wall dir] [-pairs n] [-iters n] [-o file] [toolchain...]
//
// A toolchain is a release or a role that releases.Lookup resolves
// (local, oldest, newest, last-psyscall); the default is local.
//
// It builds a loop program vanilla and with the overlay and counts user
// instructions under callgrind (GODEBUG=asyncpreemptoff=1) for N and 2N
// iterations, so start-up cancels out: instrumented on, instrumented with
// SYSCOPE=off, and vanilla. For futex it passes a value back and forth
// between two goroutines locked to their threads, 20,000 times, and
// divides the instructions executed inside runtime.futex by its calls,
// both read from callgrind's output. With -wall it also writes paired
// wall-clock runs of the getpid loop and of a sync.Mutex contended by two
// goroutines on two Ps, interleaving vanilla, instrumented at the default
// profile rate, instrumented with SYSCOPE_PROFILE_RATE=0 and (getpid
// only) vanilla under runtime/trace, as RELEASE-vanilla.txt,
// RELEASE-syscope.txt, RELEASE-syscope-rate0.txt and RELEASE-trace.txt in
// dir, in the benchmark format that benchstat reads, and compares them
// with benchstat (the
// version go.mod's tool directive pins, run as `go tool benchstat`).
//
// -iters sets N (default 100,000; the futex run makes N/5 hand-offs) and
// -pairs the number of paired wall-clock runs (default 10), so a quick
// run can prove the pipeline. When every measurement succeeded the
// tables go to -o (docs/bench.md by default), with the date, the
// machine, the toolchains and the command that made them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

const prog = `package main

import (
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strconv"
	"syscall"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	if len(os.Args) > 3 && os.Args[3] == "trace" {
		trace.Start(io.Discard)
		defer trace.Stop()
	}
	t := time.Now()
	for i := 0; i < n; i++ {
		syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
	}
	if len(os.Args) > 2 {
		fmt.Printf("BenchmarkGetpid-2 %d %.1f ns/op\n", n, float64(time.Since(t).Nanoseconds())/float64(n))
	}
}
`

// mutexProg contends one sync.Mutex from two goroutines on two Ps: the
// lock-heavy case, where the runtime sleeps and wakes through futex.
const mutexProg = `package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(2)
	n, _ := strconv.Atoi(os.Args[1])
	var mu sync.Mutex
	var wg sync.WaitGroup
	shared := 0
	t := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/2; i++ {
				mu.Lock()
				shared++
				for j := 0; j < 50; j++ {
					shared += j
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(os.Args) > 2 {
		fmt.Printf("BenchmarkMutex-2 %d %.1f ns/op\n", n, float64(time.Since(t).Nanoseconds())/float64(n))
	}
}
`

// pingProg passes a value back and forth between two goroutines locked
// to their threads: every hand-off wakes the other thread and parks this
// one, through the runtime's futex.
const pingProg = `package main

import (
	"os"
	"runtime"
	"strconv"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	ping, pong := make(chan int), make(chan int)
	go func() {
		runtime.LockOSThread()
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	runtime.LockOSThread()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	close(ping)
}
`

// n is the number of getpid iterations of the shorter callgrind run.
var n int64 = 100000

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	wall := flag.String("wall", "", "write paired wall-clock results into `dir` and compare them with benchstat")
	pairs := flag.Int("pairs", 10, "paired wall-clock runs per program with -wall")
	flag.Int64Var(&n, "iters", n, "getpid iterations per callgrind run (the futex run makes a fifth as many hand-offs)")
	outDoc := flag.String("o", "docs/bench.md", "write the tables to `file` when every measurement succeeded (\"\" for none)")
	flag.Parse()
	if n < 10 || *pairs < 1 {
		log.Fatal("-iters must be at least 10 and -pairs at least 1")
	}
	tcs := flag.Args()
	if len(tcs) == 0 {
		tcs = []string{releases.Local}
	}
	doc := &measure.Doc{Title: "What syscope adds to a system call", Command: "go run ./tools/bench " + strings.Join(os.Args[1:], " ")}
	var table, stats bytes.Buffer
	out := io.MultiWriter(os.Stdout, &table)
	syscope, err := filepath.Abs("syscope.bin")
	check(err)
	run("", nil, "go", "build", "-o", syscope, "./tools/syscope")
	defer os.Remove(syscope)
	fmt.Fprintf(out, "%-10s %-8s %8s %8s %8s %8s %8s\n", "toolchain", "per", "vanilla", "on", "off", "+on", "+off")
	for _, name := range tcs {
		t, err := releases.Get(name)
		check(err)
		// Build vanilla and instrumented with the same GOROOT: the one the
		// overlay is made for (for a toolchain in the module cache, syscope's
		// link to it).
		ov, err := overlay.Generate(overlay.Options{GOROOT: t.GOROOT})
		check(err)
		tc := t.Release
		if name == tc {
			doc.Toolchains = append(doc.Toolchains, tc)
		} else {
			doc.Toolchains = append(doc.Toolchains, name+" = "+tc)
		}
		dir, err := os.MkdirTemp("", "syscope-bench-")
		check(err)
		check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bench\n\ngo 1.16\n"), 0o644))
		check(os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644))
		mdir := filepath.Join(dir, "mutex")
		check(os.MkdirAll(mdir, 0o755))
		check(os.WriteFile(filepath.Join(mdir, "main.go"), []byte(mutexProg), 0o644))
		pdir := filepath.Join(dir, "ping")
		check(os.MkdirAll(pdir, 0o755))
		check(os.WriteFile(filepath.Join(pdir, "main.go"), []byte(pingProg), 0o644))
		gobin := filepath.Join(ov.GOROOT, "bin")
		env := append(ov.Env(), "GOENV=off", "GOFLAGS=", "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
		gocmd := ov.GoCommand()
		run(dir, env, gocmd, "build", "-o", "vanilla", ".")
		run(dir, env, syscope, "build", "-o", "syscope", ".")
		run(dir, env, gocmd, "build", "-o", "vanilla-mutex", "./mutex")
		run(dir, env, syscope, "build", "-o", "syscope-mutex", "./mutex")
		run(dir, env, gocmd, "build", "-o", "vanilla-ping", "./ping")
		run(dir, env, syscope, "build", "-o", "syscope-ping", "./ping")
		van := perIter(dir, "vanilla", nil)
		// The budget is recording on with no stacks sampled; sampling at
		// the default rate is shown apart, since under callgrind the
		// clock runs slow and calls look long enough to be sampled.
		on := perIter(dir, "syscope", []string{"SYSCOPE_PROFILE_RATE=0"})
		off := perIter(dir, "syscope", []string{"SYSCOPE=off"})
		fmt.Fprintf(out, "%-10s %-8s %8d %8d %8d %+8d %+8d\n", tc, "getpid", van, on, off, on-van, off-van)
		def := perIter(dir, "syscope", nil)
		fmt.Fprintf(out, "%-10s %-8s %8d %8d %8s %+8d %8s\n", tc, "getpid*", van, def, "", def-van, "")
		fvan := perFutex(dir, "vanilla-ping", nil)
		fon := perFutex(dir, "syscope-ping", nil)
		foff := perFutex(dir, "syscope-ping", []string{"SYSCOPE=off"})
		fmt.Fprintf(out, "%-10s %-8s %8.1f %8.1f %8.1f %+8.1f %+8.1f\n", tc, "futex", fvan, fon, foff, fon-fvan, foff-fvan)
		if *wall != "" {
			check(os.MkdirAll(*wall, 0o755))
			// Interleaved: vanilla, syscope at the default profile rate,
			// syscope with no stacks, and vanilla under runtime/trace.
			var v, s, s0, tr bytes.Buffer
			rate0 := []string{"SYSCOPE_PROFILE_RATE=0"}
			for i := 0; i < *pairs; i++ {
				v.Write(run(dir, nil, "./vanilla", "1000000", "wall"))
				s.Write(run(dir, nil, "./syscope", "1000000", "wall"))
				s0.Write(run(dir, rate0, "./syscope", "1000000", "wall"))
				tr.Write(run(dir, nil, "./vanilla", "1000000", "wall", "trace"))
				v.Write(run(dir, nil, "./vanilla-mutex", "2000000", "wall"))
				s.Write(run(dir, nil, "./syscope-mutex", "2000000", "wall"))
				s0.Write(run(dir, rate0, "./syscope-mutex", "2000000", "wall"))
			}
			vf, sf := filepath.Join(*wall, tc+"-vanilla.txt"), filepath.Join(*wall, tc+"-syscope.txt")
			s0f, trf := filepath.Join(*wall, tc+"-syscope-rate0.txt"), filepath.Join(*wall, tc+"-trace.txt")
			check(os.WriteFile(vf, v.Bytes(), 0o644))
			check(os.WriteFile(sf, s.Bytes(), 0o644))
			check(os.WriteFile(s0f, s0.Bytes(), 0o644))
			check(os.WriteFile(trf, tr.Bytes(), 0o644))
			// benchstat as go.mod's tool directive pins it.
			bs := run("", []string{"GOFLAGS="}, "go", "tool", "benchstat", "vanilla="+vf, "syscope="+sf, "rate0="+s0f, "trace="+trf)
			fmt.Printf("\n%s: %d paired wall-clock runs\n%s\n", tc, *pairs, bs)
			fmt.Fprintf(&stats, "### %s\n\n%d rounds of wall-clock runs, interleaved: vanilla, instrumented at the default profile rate, instrumented with SYSCOPE_PROFILE_RATE=0, and vanilla under runtime/trace (getpid only):\n\n```\n%s```\n\n", tc, *pairs, bs)
		}
		os.RemoveAll(dir)
	}
	if *outDoc == "" {
		return
	}
	fmt.Fprintf(&doc.Body, "User instructions per getpid round trip (syscall.Syscall(SYS_GETPID)) and\n")
	fmt.Fprintf(&doc.Body, "per runtime futex call, counted by callgrind: vanilla, instrumented with\n")
	fmt.Fprintf(&doc.Body, "recording on, instrumented with SYSCOPE=off, and the differences\n")
	fmt.Fprintf(&doc.Body, "(getpid: %d and %d iterations, differenced; futex: %d hand-offs). \"on\" is\n", n, 2*n, n/5)
	fmt.Fprintf(&doc.Body, "recording with SYSCOPE_PROFILE_RATE=0; getpid* is the default rate, which\n")
	fmt.Fprintf(&doc.Body, "samples more under callgrind than it does at full speed (valgrind slows the clock).\n\n")
	fmt.Fprintf(&doc.Body, "```\n%s```\n", table.Bytes())
	if stats.Len() > 0 {
		fmt.Fprintf(&doc.Body, "\n## Wall clock (benchstat)\n\n")
		doc.Body.Write(stats.Bytes())
	}
	check(doc.Write(*outDoc))
	log.Printf("wrote %s", *outDoc)
}

var collected = regexp.MustCompile(`Collected : (\d+)`)

// perIter is the instruction count per loop iteration: (I(2N) - I(N)) / N,
// counting only what runs under main.main, so that sysmon and the other
// background threads (whose work depends on wall time, which valgrind
// stretches) stay out of the figure.
func perIter(dir, bin string, env []string) int64 {
	count := func(iters int) int64 {
		out := callgrind(dir, append(env, "GODEBUG=asyncpreemptoff=1"), "--toggle-collect=main.main", "./"+bin, strconv.Itoa(iters))
		m := collected.FindSubmatch(out)
		if m == nil {
			log.Fatalf("no callgrind total in:\n%s", out)
		}
		v, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return v
	}
	return (count(int(2*n)) - count(int(n)) + n/2) / n
}

// perFutex is the instructions executed inside runtime.futex per call,
// over a whole run of the ping program. Both figures come from one
// callgrind output file: the cost lines of runtime.futex's own block and
// the calls= lines of every call to it.
func perFutex(dir, bin string, env []string) float64 {
	out := filepath.Join(dir, "cg.out")
	callgrind(dir, append(env, "GODEBUG=asyncpreemptoff=1"), "--compress-strings=no", "--compress-pos=no",
		"--callgrind-out-file="+out, "./"+bin, strconv.FormatInt(n/5, 10))
	data, err := os.ReadFile(out)
	check(err)
	isFutex := func(name string) bool { return name == "runtime.futex" || name == "runtime.futex.abi0" }
	var self, calls int64
	inFn, afterCalls, toFn := false, false, false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "fn="):
			inFn = isFutex(line[len("fn="):])
		case strings.HasPrefix(line, "cfn="):
			toFn = isFutex(line[len("cfn="):])
		case strings.HasPrefix(line, "calls="):
			if toFn {
				c, _ := strconv.ParseInt(strings.Fields(strings.TrimPrefix(line, "calls="))[0], 10, 64)
				calls += c
			}
			afterCalls = true // the next line is the call's inclusive cost
		case line != "" && (line[0] >= '0' && line[0] <= '9' || line[0] == '+' || line[0] == '-'):
			if afterCalls {
				afterCalls = false
				continue
			}
			if inFn {
				f := strings.Fields(line)
				c, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
				self += c
			}
		}
	}
	if calls == 0 {
		log.Fatalf("%s: no calls to runtime.futex in callgrind's output", bin)
	}
	return float64(self) / float64(calls)
}

// rdtscp is valgrind 3.19's complaint about RDTSCP, which runtime.cputicks
// uses on a contended lock from go1.24 on. It is valgrind's limit, not
// the program's, so such a run is repeated.
var rdtscp = []byte("unhandled instruction bytes: 0xF 0x1 0xF9")

func callgrind(dir string, env []string, args ...string) []byte {
	args = append([]string{"--tool=callgrind", "--callgrind-out-file=/dev/null"}, args...) // a later --callgrind-out-file wins
	for try := 1; ; try++ {
		cmd := exec.Command("valgrind", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err == nil {
			return out
		}
		if !bytes.Contains(out, rdtscp) || try == 40 {
			log.Fatalf("valgrind %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func run(dir string, env []string, name string, args ...string) []byte {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		log.Fatalf("%s %s: %v (%v)\n%s", name, strings.Join(args, " "), err, time.Since(start), out)
	}
	return out
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
