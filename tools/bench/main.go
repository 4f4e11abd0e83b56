// Bench measures what syscope adds to one syscall.Syscall(SYS_GETPID)
// round trip and to one of the runtime's own futex calls, and what it
// adds to a program's time, throughput and memory, for the toolchains
// named on the command line ("local" is the go on PATH).
//
// Usage:
//
//	go run ./tools/bench [-wall dir] [-pairs n] [-iters n] [-o file] [toolchain...]
//
// A toolchain is a release or a role that releases.Lookup resolves
// (local, oldest, newest, last-psyscall); the default is local.
//
// The measured programs are packages of their own under tools/bench/progs
// (getpid, mutex, ping, read, server, client, threads), which gofmt and
// vet see; the bench embeds them and builds each for every toolchain.
//
// It builds a loop program vanilla and with the overlay and counts user
// instructions under callgrind (GODEBUG=asyncpreemptoff=1) for N and 2N
// iterations, the least of three runs each, so start-up cancels out:
// instrumented on, instrumented with SYSCOPE=off, and vanilla. For futex it passes a value back and forth
// between two goroutines locked to their threads, 20,000 times, and
// divides the instructions executed inside runtime.futex by its calls,
// both read from callgrind's output.
//
// For memory it starts 2,000 goroutines, each blocked in read(2) on a
// pipe of its own, and reads VmRSS from /proc/self/status once Threads
// there is at least 2,000: vanilla, instrumented at the default profile
// rate and instrumented with SYSCOPE_PROFILE_RATE=0, five interleaved
// rounds, the median of each; the table gives the KiB added per thread,
// (RSS - vanilla RSS) / 2,000. A second table says where it goes: the
// sizes of runtime.m in both builds and of the per-M record
// (runtime.syscopeM), read from the binaries' DWARF.
// The stack table's size is read from runtime/syscope_stacks.go (its
// constants, and the bytes of its syscopeStk fields on a 64-bit platform).
//
// With -wall it also writes paired wall-clock runs, interleaving vanilla,
// instrumented at the default profile rate, instrumented with
// SYSCOPE_PROFILE_RATE=0 and (all but Mutex) vanilla under runtime/trace
// (trace.Start(io.Discard)), of:
//
//   - Getpid: the getpid loop, 1,000,000 calls;
//   - Mutex: a sync.Mutex contended by two goroutines on two Ps;
//   - Read4K: f.Read of 4,096 bytes from /dev/zero opened with os.Open,
//     10N times;
//   - HTTP4K: a net/http server on 127.0.0.1:0 whose handler writes a
//     fixed 4,096-byte body, loaded by N/5 GET requests from 8 goroutines
//     of a keep-alive http.Client (MaxIdleConnsPerHost 8), each body read
//     fully; ns/op is per request, req/s is a second unit, and
//     server-cpu-ns/op, the server process's user and system CPU time
//     per request (its whole life, start-up included), a third that the
//     machine's other load disturbs less than the wall clock. The client
//     is a separate program, always built vanilla, that starts the server
//     binary (vanilla, instrumented, or vanilla under runtime/trace) and
//     passes its environment on, so the figures are the server's cost
//     alone; it opens its 8 connections before the clock starts.
//
// They go to dir as RELEASE-vanilla.txt, RELEASE-syscope.txt,
// RELEASE-syscope-rate0.txt and RELEASE-trace.txt, in the benchmark
// format that benchstat reads, and one benchstat call compares them (the
// version go.mod's tool directive pins, run as `go tool benchstat`).
//
// -iters sets N (default 100,000; the futex run makes N/5 hand-offs) and
// -pairs the number of paired wall-clock runs (default 10), so a quick
// run (-pairs 2 -iters 20000) can prove the pipeline. When every
// measurement succeeded the tables go to -o (docs/bench.md by default),
// with the date, the machine, the toolchains and the command that made
// them.
package main

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"embed"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

// progs are the measured programs, one directory each, written into the
// build directory as packages of one module.
//
//go:embed progs
var progs embed.FS

// n is the number of getpid iterations of the shorter callgrind run.
var n int64 = 100000

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	wall := flag.String("wall", "", "write paired wall-clock results into `dir` and compare them with benchstat")
	pairs := flag.Int("pairs", 10, "paired wall-clock runs per program with -wall")
	flag.Int64Var(&n, "iters", n, "getpid iterations per callgrind run (the futex run makes a fifth as many hand-offs); the wall-clock Read4K run makes 10 times as many reads and HTTP4K a fifth as many requests")
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
	var table, stats, mem, sizes bytes.Buffer
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
		doc.AddToolchain(name, tc)
		dir, err := os.MkdirTemp("", "syscope-bench-")
		check(err)
		check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bench\n\ngo 1.16\n"), 0o644))
		check(fs.WalkDir(progs, "progs", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			data, err := progs.ReadFile(path)
			if err != nil {
				return err
			}
			dst := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(path, "progs/")))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		}))
		gobin := filepath.Join(ov.GOROOT, "bin")
		env := append(ov.Env(), "GOENV=off", "GOFLAGS=", "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
		gocmd := ov.GoCommand()
		run(dir, env, gocmd, "build", "-o", "vanilla", "./getpid")
		run(dir, env, syscope, "build", "-o", "syscope", "./getpid")
		run(dir, env, gocmd, "build", "-o", "vanilla-mutex", "./mutex")
		run(dir, env, syscope, "build", "-o", "syscope-mutex", "./mutex")
		run(dir, env, gocmd, "build", "-o", "vanilla-ping", "./ping")
		run(dir, env, syscope, "build", "-o", "syscope-ping", "./ping")
		for _, p := range []string{"read", "server", "threads"} {
			run(dir, env, gocmd, "build", "-o", "vanilla-"+p, "./"+p)
			run(dir, env, syscope, "build", "-o", "syscope-"+p, "./"+p)
		}
		run(dir, env, gocmd, "build", "-o", "vanilla-client", "./client") // vanilla only: it measures the server
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
		rss := threadRSS(dir)
		fmt.Printf("%s: VmRSS KiB with 2,000 threads: vanilla %d, syscope %d, rate0 %d\n", tc, rss[0], rss[1], rss[2])
		fmt.Fprintf(&mem, "%-10s %10d %10d %10d %+10.2f %+10.2f\n", tc, rss[0], rss[1], rss[2],
			float64(rss[1]-rss[0])/2000, float64(rss[2]-rss[0])/2000)
		vm := structSizes(filepath.Join(dir, "vanilla-threads"), "runtime.m")
		sm := structSizes(filepath.Join(dir, "syscope-threads"), "runtime.m", "runtime.syscopeM")
		fmt.Fprintf(&sizes, "%-10s %10d %10d %10d\n", tc, vm[0], sm[0], sm[1])
		if *wall != "" {
			check(os.MkdirAll(*wall, 0o755))
			// Interleaved: vanilla, syscope at the default profile rate,
			// syscope with no stacks, and vanilla under runtime/trace.
			var v, s, s0, tr bytes.Buffer
			rate0 := []string{"SYSCOPE_PROFILE_RATE=0"}
			nread, nhttp := strconv.FormatInt(10*n, 10), strconv.FormatInt(n/5, 10)
			for i := 0; i < *pairs; i++ {
				v.Write(run(dir, nil, "./vanilla", "1000000", "wall"))
				s.Write(run(dir, nil, "./syscope", "1000000", "wall"))
				s0.Write(run(dir, rate0, "./syscope", "1000000", "wall"))
				tr.Write(run(dir, nil, "./vanilla", "1000000", "wall", "trace"))
				v.Write(run(dir, nil, "./vanilla-mutex", "2000000", "wall"))
				s.Write(run(dir, nil, "./syscope-mutex", "2000000", "wall"))
				s0.Write(run(dir, rate0, "./syscope-mutex", "2000000", "wall"))
				v.Write(run(dir, nil, "./vanilla-read", nread))
				s.Write(run(dir, nil, "./syscope-read", nread))
				s0.Write(run(dir, rate0, "./syscope-read", nread))
				tr.Write(run(dir, nil, "./vanilla-read", nread, "trace"))
				v.Write(run(dir, nil, "./vanilla-client", "./vanilla-server", nhttp))
				s.Write(run(dir, nil, "./vanilla-client", "./syscope-server", nhttp))
				s0.Write(run(dir, rate0, "./vanilla-client", "./syscope-server", nhttp))
				tr.Write(run(dir, nil, "./vanilla-client", "./vanilla-server", nhttp, "trace"))
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
			fmt.Fprintf(&stats, "### %s\n\n%d rounds of wall-clock runs, interleaved: vanilla, instrumented at the default profile rate, instrumented with SYSCOPE_PROFILE_RATE=0, and vanilla under runtime/trace (all but Mutex; for HTTP4K the server under trace, its client vanilla throughout):\n\n```\n%s```\n\n", tc, *pairs, bs)
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
	fmt.Fprintf(&doc.Body, "\n## Memory\n\n")
	fmt.Fprintf(&doc.Body, "VmRSS (KiB) of a program with 2,000 goroutines each blocked in read(2) on a\n")
	fmt.Fprintf(&doc.Body, "pipe of its own, read once /proc/self/status counts 2,000 threads; the median\n")
	fmt.Fprintf(&doc.Body, "of %d interleaved runs each: vanilla, instrumented at the default profile\n", rssRounds)
	fmt.Fprintf(&doc.Body, "rate, instrumented with SYSCOPE_PROFILE_RATE=0, and what each adds per\n")
	fmt.Fprintf(&doc.Body, "thread (KiB, the difference over 2,000, which includes what the program\n")
	fmt.Fprintf(&doc.Body, "adds once: its larger text, its tables).\n\n")
	fmt.Fprintf(&doc.Body, "```\n%-10s %10s %10s %10s %10s %10s\n%s```\n\n", "toolchain", "vanilla", "syscope", "rate0", "+/thread", "+/thread0", mem.Bytes())
	fmt.Fprintf(&doc.Body, "Where a thread's share goes: the bytes of runtime.m, vanilla and\n")
	fmt.Fprintf(&doc.Body, "instrumented (the per-M event counters, the open flag and two pointers;\n")
	fmt.Fprintf(&doc.Body, "the allocation is m's size class), and of the per-M record\n")
	fmt.Fprintf(&doc.Body, "(runtime.syscopeM: the counts of the runtime's frequent call sites and\n")
	fmt.Fprintf(&doc.Body, "the dump's bookkeeping), read from the binaries' DWARF. Each M also\n")
	fmt.Fprintf(&doc.Body, "has 16 KiB of slots outside the heap, whose pages are touched only by\n")
	fmt.Fprintf(&doc.Body, "the calls it has recorded (none, for a thread blocked in its first\n")
	fmt.Fprintf(&doc.Body, "read), and an entry of 16 bytes in the mark table while sysmon has\n")
	fmt.Fprintf(&doc.Body, "taken its P.\n\n")
	fmt.Fprintf(&doc.Body, "```\n%-10s %10s %10s %10s\n%s```\n\n", "toolchain", "m", "m+syscope", "record", sizes.Bytes())
	fmt.Fprintf(&doc.Body, "%s\n", stackTable())
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
	// The least of three runs: what else happens under main.main (sysmon
	// retaking the P of a call that valgrind makes look long, and the slow
	// exit that follows) only adds instructions, and it comes and goes
	// (+229 a call in one run of 100,000 calls).
	count := func(iters int) int64 {
		least := int64(-1)
		for i := 0; i < 3; i++ {
			out := callgrind(dir, append(env, "GODEBUG=asyncpreemptoff=1"), "--toggle-collect=main.main", "./"+bin, strconv.Itoa(iters))
			m := collected.FindSubmatch(out)
			if m == nil {
				log.Fatalf("no callgrind total in:\n%s", out)
			}
			v, _ := strconv.ParseInt(string(m[1]), 10, 64)
			if least < 0 || v < least {
				least = v
			}
		}
		return least
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

// run is measure.Run, fatal on failure.
func run(dir string, env []string, name string, args ...string) []byte {
	out, err := measure.Run(dir, env, name, args...)
	check(err)
	return out
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

var threadsLine = regexp.MustCompile(`(?m)^threads (\d+) rss (\d+)$`)

// rssRounds is the number of interleaved rounds threadRSS runs.
const rssRounds = 5

// structSizes returns the byte sizes of the named struct types in the
// DWARF of binary bin, in order; it fails if one is missing.
func structSizes(bin string, names ...string) []int64 {
	f, err := elf.Open(bin)
	check(err)
	defer f.Close()
	d, err := f.DWARF()
	check(err)
	found := map[string]int64{}
	r := d.Reader()
	for {
		e, err := r.Next()
		check(err)
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		if n, _ := e.Val(dwarf.AttrName).(string); slices.Contains(names, n) {
			if sz, ok := e.Val(dwarf.AttrByteSize).(int64); ok {
				found[n] = sz
			}
		}
	}
	var sizes []int64
	for _, n := range names {
		sz, ok := found[n]
		if !ok {
			log.Fatalf("%s: no struct %s in its DWARF", bin, n)
		}
		sizes = append(sizes, sz)
	}
	return sizes
}

// threadRSS runs the threads program vanilla, instrumented at the default
// profile rate and instrumented with SYSCOPE_PROFILE_RATE=0, rssRounds
// interleaved rounds, and returns the median VmRSS (KiB) of each.
func threadRSS(dir string) [3]int64 {
	runs := []struct {
		bin string
		env []string
	}{{"./vanilla-threads", nil}, {"./syscope-threads", nil}, {"./syscope-threads", []string{"SYSCOPE_PROFILE_RATE=0"}}}
	var got [3][]int64
	for round := 0; round < rssRounds; round++ {
		for i, r := range runs {
			out := run(dir, r.env, r.bin)
			m := threadsLine.FindSubmatch(out)
			if m == nil {
				log.Fatalf("%s printed no threads line:\n%s", r.bin, out)
			}
			v, _ := strconv.ParseInt(string(m[2]), 10, 64)
			got[i] = append(got[i], v)
		}
	}
	var med [3]int64
	for i, g := range got {
		sort.Slice(g, func(a, b int) bool { return g[a] < g[b] })
		med[i] = g[len(g)/2]
	}
	return med
}

// stacksGo is the file that sizes the stack table.
const stacksGo = "runtime/syscope_stacks.go"

// stackTable states the stack table's size as runtime/syscope_stacks.go
// declares it, read with go/parser: its constants, and the bytes of one
// syscopeStk summed from its fields on a 64-bit platform (every field is
// a uint64, a uintptr or an array of them, so there is no padding).
func stackTable() string {
	f, err := parser.ParseFile(token.NewFileSet(), stacksGo, nil, 0)
	check(err)
	consts := map[string]int64{}
	var fields *ast.FieldList
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if i < len(n.Values) {
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.INT {
						consts[name.Name], _ = strconv.ParseInt(lit.Value, 0, 64)
					}
				}
			}
		case *ast.TypeSpec:
			if st, ok := n.Type.(*ast.StructType); ok && n.Name.Name == "syscopeStk" {
				fields = st.Fields
			}
		}
		return true
	})
	konst := func(name string) int64 {
		v, ok := consts[name]
		if !ok {
			log.Fatalf("%s: no integer constant %s", stacksGo, name)
		}
		return v
	}
	capacity, depth, probes := konst("syscopeStackCap"), konst("syscopeStackDepth"), konst("syscopeStackProbes")
	if fields == nil {
		log.Fatalf("%s: no type syscopeStk struct", stacksGo)
	}
	var size int64
	for _, fl := range fields.List {
		names := int64(len(fl.Names))
		switch t := fl.Type.(type) {
		case *ast.Ident:
			if t.Name != "uint64" && t.Name != "uintptr" {
				log.Fatalf("%s: syscopeStk field type %s: the bench does not know its size", stacksGo, t.Name)
			}
			size += 8 * names
		case *ast.ArrayType:
			if id, ok := t.Len.(*ast.Ident); !ok || id.Name != "syscopeStackDepth" {
				log.Fatalf("%s: syscopeStk has an array field whose length is not syscopeStackDepth", stacksGo)
			}
			size += 8 * depth * names
		default:
			log.Fatalf("%s: syscopeStk has a field of a type the bench does not know the size of", stacksGo)
		}
	}
	total := (capacity + 1) * size
	return fmt.Sprintf("The stack table (%s, 64-bit): %d stacks (syscopeStackCap) and one\n"+
		"`truncated` stack for what does not fit within %d probes, each of up to %d frames\n"+
		"(syscopeStackDepth) in %d bytes (syscopeStk's fields): %d bytes, %.2f MiB of BSS,\n"+
		"touched only as stacks fill it.\n", stacksGo, capacity, probes, depth, size, total, float64(total)/(1<<20))
}
