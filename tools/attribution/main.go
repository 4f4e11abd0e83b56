// Attribution measures where the thread-creation profile charges the
// threads of patterns that services have (docs/stacks.md gives the rule),
// for the toolchains named on the command line.
//
// Usage:
//
//	go run ./tools/attribution [-runs n] [-o file] [toolchain...]
//
// A toolchain is a release or a role that releases.Lookup resolves
// (local, oldest, newest, last-psyscall), or "all", the newest patch of
// every supported minor; the default is local.
//
// For each toolchain it builds, with `syscope build`, one program that
// runs a pattern named on its command line, GOMAXPROCS=2, without cgo
// (CGO_ENABLED=0) and, for the cgo pattern, with it:
//
//	read   24 goroutines block in read(2) on a pipe inside main.blockRead,
//	       started 2ms apart, until main writes 24 bytes
//	fsync  16 goroutines each create a file of their own, append 4 KiB
//	       to it and fsync it, 40 times, inside main.appendSync
//	http   a net/http server whose handler makes a 20ms nanosleep inside
//	       main.handlerSleep, and 64 clients making 10 requests each,
//	       from a second process as a service's clients are
//	cgo    16 goroutines, started 2ms apart, each make 5 cgo calls that
//	       sleep 20ms in C (usleep) inside main.cgoBlock
//	mixed  24 goroutines, started 2ms apart, block in read(2) on pipes of
//	       their own: half inside main.readLong (300ms), half inside
//	       main.readShort (30ms)
//
// and runs each -runs times (3 by default) with SYSCOPE_OUT. Each run's
// final dump must balance (dump.Check) and its stacks must add up to its
// totals exactly: threads to thread_create, retakes to sysmon_retake,
// lost_p to the lost-P exits; otherwise the run fails. The program's
// first act in main.main is to print the kernel's count of its threads
// (/proc/self/status) less the first: the threads the runtime made before
// main.main, which are outside the blocking functions whatever charges
// them, so a run that has fewer outside fails too. The same program built
// without the overlay gives the count of a vanilla runtime.
//
// The table gives, per toolchain and pattern, each run's threads charged
// to the blocking functions over the threads made (for mixed, long+short)
// and, as the most of any run: the threads outside them; of those, the
// threads made before main.main (start; vanilla, the vanilla build's);
// the threads outside made after main.main starts (after); the threads on
// stacks of the runtime's frames alone (runtime) and on stacks with the
// program's (other). The last column holds "yes" when no run had more than
// 3 outside (the bound of issue 19, the runtime's own), "start" when one
// did but every thread outside was made before main.main, and "no"
// otherwise. A second table names the stacks outside, by their innermost
// frames, summed over every run.
//
// When every run succeeded the tables go to -o (docs/attribution.md by
// default), with the date, the machine, the toolchains, the command and
// the machine's load average as it started and ended: a loaded machine
// delays retakes and wakeups, which moves threads between causes, never
// the totals.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

// A pattern is one workload of prog and the functions its threads
// belong to.
type pattern struct {
	name  string
	funcs []string
	cgo   bool // run in the build with cgo
}

var patterns = []pattern{
	{"read", []string{"main.blockRead"}, false},
	{"fsync", []string{"main.appendSync"}, false},
	{"http", []string{"main.handlerSleep"}, false},
	{"cgo", []string{"main.cgoBlock"}, true},
	{"mixed", []string{"main.readLong", "main.readShort"}, false},
}

// bound is the most threads a pattern may leave outside its functions:
// the runtime's own (issue 19).
const bound = 3

// outsideFrames is how many innermost frames name a stack outside.
const outsideFrames = 5

func main() {
	log.SetFlags(0)
	log.SetPrefix("attribution: ")
	runs := flag.Int("runs", 3, "runs of each pattern per toolchain")
	outDoc := flag.String("o", "docs/attribution.md", "write the tables to `file` when every run succeeded (\"\" for none)")
	flag.Parse()
	if *runs < 1 {
		log.Fatal("-runs must be at least 1")
	}
	names := flag.Args()
	if len(names) == 0 {
		names = []string{releases.Local}
	}
	if len(names) == 1 && names[0] == "all" {
		minors, err := releases.Minors()
		check(err)
		names = minors
	}
	doc := &measure.Doc{Title: "Whom the threads are charged to", Command: "go run ./tools/attribution " + strings.Join(os.Args[1:], " ")}
	loadStart := measure.LoadAvg()
	var table bytes.Buffer
	out := io.MultiWriter(os.Stdout, &table)
	fmt.Fprintf(out, "%-10s %-6s %-26s %7s %5s %7s %5s %7s %5s %s\n", "toolchain", "case", "on the functions / threads", "outside", "start", "vanilla", "after", "runtime", "other", fmt.Sprintf("<= %d", bound))
	outside := map[string]map[string]uint64{} // pattern -> stack -> threads, over all runs

	bindir, err := os.MkdirTemp("", "syscope-attribution-bin-")
	check(err)
	defer os.RemoveAll(bindir)
	syscope := filepath.Join(bindir, "syscope")
	if _, err := measure.Run("", nil, "go", "build", "-o", syscope, "./tools/syscope"); err != nil {
		log.Fatal(err)
	}
	failed := false
	for _, name := range names {
		t, err := releases.Get(name)
		check(err)
		ov, err := overlay.Generate(overlay.Options{GOROOT: t.GOROOT})
		check(err)
		doc.AddToolchain(name, t.Release)
		dir, err := os.MkdirTemp("", "syscope-attribution-")
		check(err)
		check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module attribution\n\ngo 1.16\n"), 0o644))
		check(os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644))
		check(os.WriteFile(filepath.Join(dir, "cgo.go"), []byte(progCgo), 0o644))
		gobin := filepath.Join(ov.GOROOT, "bin")
		env := append(ov.Env(), "GOENV=off", "GOFLAGS=", "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
		for bin, cgo := range map[string]string{"prog": "0", "prog-cgo": "1"} {
			if _, err := measure.Run(dir, append(env, "CGO_ENABLED="+cgo), syscope, "build", "-o", bin, "."); err != nil {
				log.Fatal(err)
			}
			// The same toolchain, through the same GOROOT link, without the overlay.
			if _, err := measure.Run(dir, append(env, "CGO_ENABLED="+cgo), filepath.Join(gobin, "go"), "build", "-o", bin+"-vanilla", "."); err != nil {
				log.Fatal(err)
			}
		}
		for _, p := range patterns {
			var cells []string
			most, mostStart, mostAfter, mostRuntime, mostOther, vanillaStart := 0, 0, 0, 0, 0, 0
			for i := 0; i < *runs; i++ {
				bin := "prog"
				if p.cgo {
					bin = "prog-cgo"
				}
				vs, err := vanillaStartThreads(filepath.Join(dir, bin+"-vanilla"), p)
				if err != nil {
					log.Printf("%s %s vanilla run %d: %v", t.Release, p.name, i+1, err)
					failed = true
					continue
				}
				vanillaStart = max(vanillaStart, int(vs))
				r, err := measureRun(filepath.Join(dir, bin), p, filepath.Join(dir, fmt.Sprintf("%s-%d.json", p.name, i)))
				if err != nil {
					log.Printf("%s %s run %d: %v", t.Release, p.name, i+1, err)
					failed = true
					continue
				}
				cells = append(cells, r.cell())
				most = max(most, int(r.total-r.sum()))
				mostStart = max(mostStart, int(r.start))
				mostAfter = max(mostAfter, int(r.total-r.sum()-r.start))
				mostRuntime = max(mostRuntime, int(r.runtime))
				mostOther = max(mostOther, int(r.total-r.sum()-r.runtime))
				if outside[p.name] == nil {
					outside[p.name] = map[string]uint64{}
				}
				for k, v := range r.outside {
					outside[p.name][k] += v
				}
			}
			fmt.Fprintf(out, "%-10s %-6s %-26s %7d %5d %5d %7d %7d %5d %s\n", t.Release, p.name, strings.Join(cells, " "), most, mostStart, vanillaStart, mostAfter, mostRuntime, mostOther, verdict(most, mostAfter))
		}
		os.RemoveAll(dir)
	}
	if failed {
		log.Fatal("a run failed; no tables written")
	}
	var causes bytes.Buffer
	for _, p := range patterns {
		m := outside[p.name]
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if m[keys[i]] != m[keys[j]] {
				return m[keys[i]] > m[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			fmt.Fprintf(&causes, "%-6s %5d  %s\n", p.name, m[k], k)
		}
	}
	fmt.Printf("\n%s", causes.Bytes())
	if *outDoc == "" {
		return
	}
	fmt.Fprintf(&doc.Body, `The thread-creation profile's rule (docs/stacks.md) on patterns that
services have, each run %d times per toolchain with GOMAXPROCS=2 (`+"`go doc\n./tools/attribution`"+` describes them and the columns). Each cell is one
run: the threads charged to stacks through the blocking functions over
the dump's thread_create (for mixed, readLong+readShort). The other
columns are the most of any run: "outside", the threads charged
elsewhere; "start", the threads the runtime had made before main.main
(the kernel's count, /proc/self/status, less the first thread), and
"vanilla", the same for the program built without the overlay; "after",
the threads outside made once main.main had started; "runtime" and
"other", the threads outside on stacks of the runtime's frames alone and
on stacks with the program's. The last column is "yes" when no run had
more than %d outside (the runtime's own), "start" when one did but every
thread outside was made before main.main, "no" otherwise. In every run the
stacks' threads, retakes and lost_p add up to the dump's thread_create,
sysmon_retake and lost-P exits exactly, and the dump balances; a run where
they did not would have failed the bench.

`, *runs, bound)
	fmt.Fprintf(&doc.Body, "```\n%s```\n\n", table.Bytes())
	fmt.Fprintf(&doc.Body, "## The threads outside\n\n")
	fmt.Fprintf(&doc.Body, "Every stack charged with threads outside the blocking functions, by its\n")
	fmt.Fprintf(&doc.Body, "%d innermost frames, with its threads summed over every toolchain and run.\n\n", outsideFrames)
	fmt.Fprintf(&doc.Body, "```\n%s```\n\n", causes.Bytes())
	fmt.Fprintf(&doc.Body, "The machine's load average (1, 5, 15 minutes) was %s as the bench\n", loadStart)
	fmt.Fprintf(&doc.Body, "started and %s as it ended.\n", measure.LoadAvg())
	check(doc.Write(*outDoc))
	log.Printf("wrote %s", *outDoc)
}

// verdict is the table's last column for a pattern whose runs had at
// most outside threads outside the blocking functions and at most after
// of them made once main.main had started.
func verdict(outside, after int) string {
	switch {
	case outside <= bound:
		return "yes"
	case after == 0:
		return "start"
	}
	return "no"
}

// result is one run's threads.
type result struct {
	total   uint64            // thread_create
	on      []uint64          // threads on stacks through each of the pattern's funcs
	outside map[string]uint64 // threads on other stacks, by innermost frames
	runtime uint64            // of those, threads on stacks of the runtime's frames alone
	start   uint64            // threads the kernel counted before main.main, less the first
}

func (r *result) sum() uint64 {
	var n uint64
	for _, v := range r.on {
		n += v
	}
	return n
}

// cell formats a run as ON/TOTAL, ON being A+B for two functions.
func (r *result) cell() string {
	var on []string
	for _, v := range r.on {
		on = append(on, strconv.FormatUint(v, 10))
	}
	return strings.Join(on, "+") + "/" + strconv.FormatUint(r.total, 10)
}

// measureRun runs bin for one pattern, GOMAXPROCS=2, and for the http
// pattern its clients, reads its dump from file and checks that it
// balances and that its stacks add up to its totals.
func measureRun(bin string, p pattern, file string) (*result, error) {
	cmd := exec.Command(bin, p.name)
	cmd.Env = append(os.Environ(), "SYSCOPE_OUT="+file, "GOMAXPROCS=2")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var lines []string
	var clientErr error
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if addr, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			client := exec.Command(bin, "http-client", addr)
			client.Env = append(os.Environ(), "GOMAXPROCS=2")
			if out, err := client.CombinedOutput(); err != nil {
				clientErr = fmt.Errorf("http-client: %v: %q", err, out)
				cmd.Process.Kill()
			}
		}
	}
	err = cmd.Wait()
	if clientErr != nil {
		return nil, clientErr
	}
	if err != nil || len(lines) < 2 || lines[len(lines)-1] != "done" {
		return nil, fmt.Errorf("%v: %q, stderr %q", err, lines, stderr.Bytes())
	}
	start, err := strconv.ParseUint(strings.TrimPrefix(lines[0], "start "), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("first line %q: %v", lines[0], err)
	}
	d, err := dump.Read(file)
	if err != nil {
		return nil, err
	}
	r, err := tally(d, p)
	if err != nil {
		return nil, err
	}
	r.start = start
	// No blocking function has run before main.main, so every thread
	// made then is outside them.
	if out := r.total - r.sum(); out < start {
		return nil, fmt.Errorf("%d threads outside the blocking functions, fewer than the %d the kernel counted before main.main", out, start)
	}
	return r, nil
}

// vanillaStartThreads runs bin, the program built without the overlay,
// for pattern p and returns the threads its runtime made before
// main.main: the first line it prints. It stops the program there.
func vanillaStartThreads(bin string, p pattern) (uint64, error) {
	cmd := exec.Command(bin, p.name)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil {
		return 0, fmt.Errorf("reading its first line: %v", err)
	}
	return strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(line), "start "), 10, 64)
}

// tally charges each stack's threads to the first of p's functions on
// it, or outside, after checking the dump's totals.
func tally(d *dump.Dump, p pattern) (*result, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if d.Stacks == nil {
		return nil, errors.New("the dump has no stacks")
	}
	var lostExits uint64
	for _, e := range dump.LostPEvents {
		lostExits += d.Events[e]
	}
	r := &result{total: d.Events["thread_create"], on: make([]uint64, len(p.funcs)), outside: map[string]uint64{}}
	var threads, retakes, lostP uint64
	for i := range d.Stacks.Stacks {
		s := &d.Stacks.Stacks[i]
		threads += s.Threads
		retakes += s.Retakes
		lostP += s.LostP
		if s.Threads == 0 {
			continue
		}
		on := false
		for j, fn := range p.funcs {
			if s.HasFrame(fn) {
				r.on[j] += s.Threads
				on = true
				break
			}
		}
		if !on {
			r.outside[frames(s)] += s.Threads
			if runtimeOnly(s) {
				r.runtime += s.Threads
			}
		}
	}
	for _, c := range []struct {
		what       string
		got, total uint64
	}{
		{"threads / thread_create", threads, r.total},
		{"retakes / sysmon_retake", retakes, d.Events["sysmon_retake"]},
		{"lost_p / lost-P exits", lostP, lostExits},
	} {
		if c.got != c.total {
			return nil, fmt.Errorf("stacks' %s: %d, want %d", c.what, c.got, c.total)
		}
	}
	return r, nil
}

// runtimeOnly reports whether every frame of s is the runtime's.
func runtimeOnly(s *dump.Stack) bool {
	for _, f := range s.Frames {
		if !strings.HasPrefix(f.Func, "runtime.") {
			return false
		}
	}
	return true
}

// frames names a stack by its innermost frames, innermost first.
func frames(s *dump.Stack) string {
	var fs []string
	for i := 0; i < len(s.Frames) && i < outsideFrames; i++ {
		fs = append(fs, s.Frames[i].Func)
	}
	if len(fs) == 0 {
		return "(no frames)"
	}
	return strings.Join(fs, " <- ")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
