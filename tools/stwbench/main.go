// Stwbench measures how long a snapshot (SYSCOPE_INTERVAL) stops the
// world, with few and with many goroutines and threads, for the
// toolchains named on the command line ("local" is the go on PATH).
//
// Usage:
//
//	go run ./tools/stwbench [-n snapshots] [-interval d] [-goroutines g] [-threads t] [-many g] [-scrapes n] [-work] [-o file] [toolchain...]
//
// A toolchain is a release or a role that releases.Lookup resolves
// (local, oldest, newest, last-psyscall); the default is local.
//
// For each toolchain it builds, with `syscope build`, a program that
// starts G goroutines parked on a channel and T goroutines that each
// lock their thread (runtime.LockOSThread) and block in read(2) on a
// pipe, so that T OS threads sit in a system call, as the snapshot's
// in-flight accounting sees them. It runs five cases: the baseline (10
// goroutines, 5 threads), -goroutines alone, -threads alone, and both
// (by default 10,000 goroutines and 1,000 threads), and -many goroutines
// with -threads threads (100,000 and 1,000), each twice: at the
// default profile rate, and with SYSCOPE_PROFILE_RATE=0, where a
// snapshot collects no stacks, so the difference is what collecting the
// stacks (unwinding each goroutine in a system call and reading its
// thread's /proc/self/task/TID/syscall) costs. The program waits
// until /proc/self/status counts T threads and says it is ready; the run
// fails if it counts fewer then or at the end.
//
// Each case runs with SYSCOPE_INTERVAL (-interval, 50ms by default) and
// SYSCOPE_OUT in a fresh directory that the bench watches with inotify:
// every rename of a snapshot into place wakes it, and it reads that
// file's "seq", "stw_ns", "final" and "consistent". It keeps the
// snapshots taken after the program was ready, one per seq, until it has
// -n of them (200 by default), then tells the program to stop. A seq it
// did not see (a snapshot replaced before it could read it) is counted
// as missed, and the run fails if more than a tenth are missed or any
// snapshot is not consistent. The table gives, per case, the threads
// counted, the snapshots kept, the missed ones, p50, p99 and max of
// stw_ns (nearest rank), and the median size of a snapshot file.
//
// On go1.22 and later the program also reads the runtime's own histogram
// of non-GC stop-the-world pauses, runtime/metrics
// /sched/pauses/total/other:seconds, when it is ready and when it is
// told to stop, and prints the difference: the snapshots are the only
// non-GC stops it makes, so its count should match the snapshots kept
// (give or take one at either end) and its p50 and p99 (interpolated in
// the histogram's buckets, which are a quarter of a power of two wide,
// so within 12-25%) should agree with stw_ns'; the table gives their
// ratios to stw_ns' p50 and p99. The runtime
// measures from the start of stopping to the restart, while stw_ns also
// covers the wait for the world's semaphore and the return from the
// restart, so stw_ns should read slightly higher.
//
// Then, for the cases at the default rate, it measures the live profile
// (runtime/pprof's "syscope", which net/http/pprof serves): the same
// program, with no snapshots, writes it -scrapes times (100 by default),
// 20ms apart, and prints each write's wall time, the process's CPU time
// over it (getrusage) and its size; the table gives their p50, p99 and
// max, and the runtime's non-GC pauses over the writes (go1.22 and
// later), one stop of the world per write.
//
// -work keeps the build directory (and prints it) for profiling the
// program by hand. When every case succeeded the table goes to -o
// (docs/snapshots.md by default), with the date, the machine, the
// toolchains, the command that made it and the machine's load average
// as it started and ended (the tail is where other work shows).
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
	"syscall"
	"time"
	"unsafe"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

// A workload is one case: how many goroutines park and how many threads
// block in read(2).
type workload struct {
	name                string
	goroutines, threads int
	stacks              bool // at the default profile rate; false: SYSCOPE_PROFILE_RATE=0
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("stwbench: ")
	n := flag.Int("n", 200, "snapshots to keep per case")
	interval := flag.Duration("interval", 50*time.Millisecond, "SYSCOPE_INTERVAL of the runs")
	gs := flag.Int("goroutines", 10000, "goroutines parked on a channel in the large cases")
	ts := flag.Int("threads", 1000, "threads blocked in read(2) in the large cases")
	many := flag.Int("many", 100000, "goroutines of the largest case, with -threads threads")
	nScrapes := flag.Int("scrapes", 100, "writes of the live profile per case")
	work := flag.Bool("work", false, "keep the build directory and print its name")
	outDoc := flag.String("o", "docs/snapshots.md", "write the table to `file` when every case succeeded (\"\" for none)")
	flag.Parse()
	if *n < 10 || *interval < 10*time.Millisecond || *gs < 1 || *ts < 1 {
		log.Fatal("-n must be at least 10, -interval at least 10ms (the runtime's floor), -goroutines and -threads at least 1")
	}
	tcs := flag.Args()
	if len(tcs) == 0 {
		tcs = []string{releases.Local}
	}
	var cases []workload
	for _, stacks := range []bool{true, false} {
		cases = append(cases,
			workload{"baseline", 10, 5, stacks},
			workload{"goroutines", *gs, 5, stacks},
			workload{"threads", 10, *ts, stacks},
			workload{"both", *gs, *ts, stacks},
			workload{"many", *many, *ts, stacks})
	}
	doc := &measure.Doc{Title: "What a snapshot costs: the stop-the-world", Command: "go run ./tools/stwbench " + strings.Join(os.Args[1:], " ")}
	loadStart := measure.LoadAvg()
	var table bytes.Buffer
	out := io.MultiWriter(os.Stdout, &table)
	fmt.Fprintf(out, "%-10s %-10s %-6s %6s %7s %5s %4s %9s %9s %9s %5s | %4s %9s %9s %6s %6s\n",
		"toolchain", "case", "stacks", "gorout", "threads", "snaps", "miss", "p50", "p99", "max", "KiB", "rt n", "rt p50", "rt p99", "rt/p50", "rt/p99")

	var live bytes.Buffer // the live profile's table, printed after the snapshots' table
	fmt.Fprintf(&live, "%-10s %-10s %6s %7s %7s %9s %9s %9s %9s %6s | %4s %9s %9s\n",
		"toolchain", "case", "gorout", "threads", "scrapes", "wall p50", "wall p99", "wall max", "cpu p50", "KiB", "rt n", "rt p50", "rt p99")
	bindir, err := os.MkdirTemp("", "syscope-stwbench-bin-")
	check(err)
	syscope := filepath.Join(bindir, "syscope")
	if _, err := measure.Run("", nil, "go", "build", "-o", syscope, "./tools/syscope"); err != nil {
		os.RemoveAll(bindir)
		log.Fatal(err)
	}
	failed := false
	for _, name := range tcs {
		t, err := releases.Get(name)
		check(err)
		ov, err := overlay.Generate(overlay.Options{GOROOT: t.GOROOT})
		check(err)
		tc := t.Release
		doc.AddToolchain(name, tc)
		dir, err := os.MkdirTemp("", "syscope-stwbench-")
		check(err)
		check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module stwbench\n\ngo 1.16\n"), 0o644))
		check(os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644))
		gobin := filepath.Join(ov.GOROOT, "bin")
		env := append(ov.Env(), "GOENV=off", "GOFLAGS=", "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
		if _, err := measure.Run(dir, env, syscope, "build", "-o", "stw", "."); err != nil {
			log.Fatal(err)
		}
		for _, c := range cases {
			r, err := measureCase(filepath.Join(dir, "stw"), c, *n, *interval)
			if err != nil {
				log.Printf("%s %s: %v", tc, c.name, err)
				failed = true
				continue
			}
			p50, p99 := percentile(r.stw, 0.50), percentile(r.stw, 0.99)
			stacks := "yes"
			if !c.stacks {
				stacks = "no"
			}
			fmt.Fprintf(out, "%-10s %-10s %-6s %6d %7d %5d %4d %9s %9s %9s %5.1f | %s\n",
				tc, c.name, stacks, c.goroutines, r.threads, len(r.stw), r.missed,
				us(float64(p50)), us(float64(p99)), us(float64(percentile(r.stw, 1))),
				float64(r.size)/1024, runtimeColumns(r, p50, p99))
		}
		for _, c := range cases {
			if !c.stacks {
				continue // the live profile is empty at rate 0
			}
			r, err := measureLive(filepath.Join(dir, "stw"), c, *nScrapes)
			if err != nil {
				log.Printf("%s %s, live profile: %v", tc, c.name, err)
				failed = true
				continue
			}
			fmt.Fprintf(&live, "%-10s %-10s %6d %7d %7d %9s %9s %9s %9s %6.1f | %s\n",
				tc, c.name, c.goroutines, r.threads, len(r.stw),
				us(float64(percentile(r.stw, 0.5))), us(float64(percentile(r.stw, 0.99))), us(float64(percentile(r.stw, 1))),
				us(float64(percentile(r.cpu, 0.5))), float64(r.size)/1024, pauseColumns(r))
		}
		if *work {
			log.Printf("%s: kept %s", tc, dir)
		} else {
			os.RemoveAll(dir)
		}
	}
	os.RemoveAll(bindir)
	fmt.Printf("\n%s", live.Bytes())
	if failed {
		log.Fatal("a case failed; no table written")
	}
	if *outDoc == "" {
		return
	}
	fmt.Fprintf(&doc.Body, "How long one snapshot (SYSCOPE_INTERVAL=%v) stops the world: its \"stw_ns\",\n", *interval)
	fmt.Fprintf(&doc.Body, "read from every snapshot file as it is renamed into place (inotify), %d\n", *n)
	fmt.Fprintf(&doc.Body, "snapshots per case taken once the program is ready. The program parks\n")
	fmt.Fprintf(&doc.Body, "\"gorout\" goroutines on a channel and locks \"threads\" goroutines to their\n")
	fmt.Fprintf(&doc.Body, "threads, each blocked in read(2) on a pipe; the threads column is what\n")
	fmt.Fprintf(&doc.Body, "/proc/self/status counted (the runtime's own threads included). p50, p99\n")
	fmt.Fprintf(&doc.Body, "and max are nearest-rank figures of stw_ns; miss counts snapshots replaced\n")
	fmt.Fprintf(&doc.Body, "before the bench could read them; KiB is the median snapshot file.\n")
	fmt.Fprintf(&doc.Body, "Each case runs at the default profile rate (stacks yes) and with\n")
	fmt.Fprintf(&doc.Body, "SYSCOPE_PROFILE_RATE=0 (stacks no), where a snapshot collects no stacks:\n")
	fmt.Fprintf(&doc.Body, "the difference is what collecting them costs.\n\n")
	fmt.Fprintf(&doc.Body, "The columns after | are the runtime's own account, on go1.22 and later:\n")
	fmt.Fprintf(&doc.Body, "the non-GC pauses in runtime/metrics /sched/pauses/total/other:seconds\n")
	fmt.Fprintf(&doc.Body, "over the same span (the snapshots are the program's only non-GC stops),\n")
	fmt.Fprintf(&doc.Body, "their count, p50 and p99 interpolated in the histogram's buckets (a quarter\n")
	fmt.Fprintf(&doc.Body, "of a power of two wide, so good to 12-25%%), and their ratios to stw_ns' p50\n")
	fmt.Fprintf(&doc.Body, "and p99. The runtime times a pause from the start of stopping to the\n")
	fmt.Fprintf(&doc.Body, "restart; stw_ns also covers acquiring the world's semaphore and returning\n")
	fmt.Fprintf(&doc.Body, "from the restart, so a thread the kernel descheduled there makes stw_ns\n")
	fmt.Fprintf(&doc.Body, "the larger. On releases before go1.22 the runtime has no such histogram (-).\n\n")
	fmt.Fprintf(&doc.Body, "```\n%s```\n\n", table.Bytes())
	fmt.Fprintf(&doc.Body, "## The live profile\n\n")
	fmt.Fprintf(&doc.Body, "What one write of the live profile costs (runtime/pprof's \"syscope\", what\n")
	fmt.Fprintf(&doc.Body, "net/http/pprof serves at /debug/pprof/syscope), in the same program at the\n")
	fmt.Fprintf(&doc.Body, "default profile rate with no snapshots: %d writes per case, 20ms apart,\n", *nScrapes)
	fmt.Fprintf(&doc.Body, "each timed by the program (wall, nearest rank) and charged the process's\n")
	fmt.Fprintf(&doc.Body, "CPU time over it (getrusage: the stopped world, the fold, the symbolizing\n")
	fmt.Fprintf(&doc.Body, "and the encoding); KiB is the median gzipped profile. After | the\n")
	fmt.Fprintf(&doc.Body, "runtime's non-GC pauses over the writes (go1.22 and later): each write\n")
	fmt.Fprintf(&doc.Body, "stops the world once, as a snapshot does.\n\n")
	fmt.Fprintf(&doc.Body, "```\n%s```\n\n", live.Bytes())
	fmt.Fprintf(&doc.Body, "The machine's load average (1, 5, 15 minutes) was %s as the bench\n", loadStart)
	fmt.Fprintf(&doc.Body, "started and %s as it ended: the tail (p99, max) is where other\n", measure.LoadAvg())
	fmt.Fprintf(&doc.Body, "work on the machine shows, a thread of the stopped program descheduled\n")
	fmt.Fprintf(&doc.Body, "by the kernel while the world waits for it.\n")
	check(doc.Write(*outDoc))
	log.Printf("wrote %s", *outDoc)
}

// us formats ns as microseconds.
func us(ns float64) string {
	return strconv.FormatFloat(ns/1e3, 'f', 1, 64) + "µs"
}

// runtimeColumns formats the runtime's pause histogram of a run: its
// count, p50 and p99 (pauseColumns), and their ratios to stw_ns' p50 and
// p99.
func runtimeColumns(r *caseResult, p50ns, p99ns uint64) string {
	if !r.out.HasPauses {
		return fmt.Sprintf("%s %6s %6s", pauseColumns(r), "-", "-")
	}
	p50, _ := histQuantile(r.out.Pauses, 0.50)
	p99, _ := histQuantile(r.out.Pauses, 0.99)
	ratio := func(rt float64, stw uint64) string {
		if stw == 0 {
			return "-"
		}
		return strconv.FormatFloat(rt*1e9/float64(stw), 'f', 2, 64)
	}
	return fmt.Sprintf("%s %6s %6s", pauseColumns(r), ratio(p50, p50ns), ratio(p99, p99ns))
}

// pauseColumns formats the count, p50 and p99 of the runtime's pause
// histogram of a run, "-" on a release without it.
func pauseColumns(r *caseResult) string {
	if !r.out.HasPauses {
		return fmt.Sprintf("%4s %9s %9s", "-", "-", "-")
	}
	var n uint64
	for _, b := range r.out.Pauses {
		n += b.Count
	}
	p50, _ := histQuantile(r.out.Pauses, 0.50)
	p99, _ := histQuantile(r.out.Pauses, 0.99)
	return fmt.Sprintf("%4d %9s %9s", n, us(p50*1e9), us(p99*1e9))
}

// caseResult is one case's measurement.
type caseResult struct {
	threads int      // /proc/self/status Threads when ready
	stw     []uint64 // stw_ns of each snapshot kept; a live run's wall time per write
	cpu     []uint64 // a live run's CPU time per write
	missed  int      // seqs between the first and the last kept that were never read
	size    int      // median bytes of a snapshot file
	out     result   // what the program printed
}

// snap is one snapshot file as the watcher read it.
type snap struct {
	header
	size int
	err  error
}

// stopName is the file the bench renames into the watched directory to
// end the watcher.
const stopName = "stop"

// measureCase runs bin for one workload and collects its snapshots.
func measureCase(bin string, c workload, n int, interval time.Duration) (*caseResult, error) {
	dir, err := os.MkdirTemp("", "syscope-stwbench-out-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outFile := filepath.Join(dir, "snap.json")
	snaps, err := watch(dir, filepath.Base(outFile))
	if err != nil {
		return nil, err
	}
	stopWatch := func() {
		// The rename's event ends the watcher, which closes snaps.
		tmp := filepath.Join(dir, ".stop")
		if err := os.WriteFile(tmp, nil, 0o644); err == nil {
			os.Rename(tmp, filepath.Join(dir, stopName))
		}
		for range snaps {
		}
	}

	cmd := exec.Command(bin, strconv.Itoa(c.goroutines), strconv.Itoa(c.threads))
	cmd.Env = append(os.Environ(), "SYSCOPE_OUT="+outFile, "SYSCOPE_INTERVAL="+interval.String())
	if !c.stacks {
		cmd.Env = append(cmd.Env, "SYSCOPE_PROFILE_RATE=0")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stopWatch()
		return nil, err
	}
	fail := func(err error) (*caseResult, error) {
		cmd.Process.Kill()
		cmd.Wait()
		stopWatch()
		if stderr.Len() > 0 {
			err = fmt.Errorf("%v; its standard error:\n%s", err, stderr.Bytes())
		}
		return nil, err
	}
	var printed bytes.Buffer
	br := bufio.NewReader(io.TeeReader(stdout, &printed))
	readyc := make(chan error, 1)
	go func() {
		_, err := br.ReadString('\n')
		readyc <- err
	}()
	// Snapshots before the program is ready are set-up's: read and dropped.
	timeout := time.Minute + 100*interval
	deadline := time.After(timeout)
	var kept []snap
	seen := map[uint64]bool{}
	ready := false
	for len(kept) < n {
		select {
		case err := <-readyc:
			if err != nil {
				return fail(fmt.Errorf("the program said nothing (%v)", err))
			}
			ready = true
		case s, ok := <-snaps:
			if !ok {
				return fail(errors.New("the watcher stopped"))
			}
			if s.err != nil {
				return fail(s.err)
			}
			if s.Final {
				return fail(fmt.Errorf("the program ended (final dump, seq %d) before it was told to", s.Seq))
			}
			if ready && !seen[s.Seq] {
				seen[s.Seq] = true
				kept = append(kept, s)
			}
		case <-deadline:
			return fail(fmt.Errorf("%d of %d snapshots after %v", len(kept), n, timeout))
		}
	}
	if _, err := io.WriteString(stdin, "stop\n"); err != nil {
		return fail(fmt.Errorf("telling the program to stop: %v", err))
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return fail(err)
	}
	werr := cmd.Wait()
	stopWatch()
	if werr != nil {
		return nil, fmt.Errorf("the program: %v; its output:\n%s%s", werr, printed.Bytes(), stderr.Bytes())
	}
	res, err := parseOutput(bytes.NewReader(printed.Bytes()))
	if err != nil {
		return nil, err
	}
	if res.ReadyThreads < c.threads || res.EndThreads < c.threads {
		return nil, fmt.Errorf("/proc/self/status counted %d threads when ready and %d at the end, want at least %d", res.ReadyThreads, res.EndThreads, c.threads)
	}
	// The final dump must parse as a whole and balance.
	d, err := dump.Read(outFile)
	if err != nil {
		return nil, fmt.Errorf("the final dump: %v", err)
	}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("the final dump: %v", err)
	}

	r := &caseResult{threads: res.ReadyThreads, out: res}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Seq < kept[j].Seq })
	r.missed = int(kept[len(kept)-1].Seq-kept[0].Seq+1) - len(kept)
	var sizes []uint64
	for _, s := range kept {
		if !s.Consistent {
			return nil, fmt.Errorf("snapshot seq %d is not consistent", s.Seq)
		}
		r.stw = append(r.stw, s.StwNS)
		sizes = append(sizes, uint64(s.size))
	}
	r.size = int(percentile(sizes, 0.5))
	if r.missed > len(kept)/10 {
		return nil, fmt.Errorf("%d snapshots missed, %d read: the bench cannot keep up", r.missed, len(kept))
	}
	return r, nil
}

// measureLive runs bin for one workload in its live mode: n writes of
// the live profile, no snapshots. stw holds each write's wall time, cpu
// its CPU time.
func measureLive(bin string, c workload, n int) (*caseResult, error) {
	dir, err := os.MkdirTemp("", "syscope-stwbench-out-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outFile := filepath.Join(dir, "final.json")
	cmd := exec.Command(bin, strconv.Itoa(c.goroutines), strconv.Itoa(c.threads), "live", strconv.Itoa(n))
	cmd.Env = append(os.Environ(), "SYSCOPE_OUT="+outFile, "SYSCOPE_INTERVAL=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the program: %v; its output:\n%s%s", err, stdout.Bytes(), stderr.Bytes())
	}
	res, err := parseOutput(&stdout)
	if err != nil {
		return nil, err
	}
	if len(res.Scrapes) != n {
		return nil, fmt.Errorf("%d writes of the live profile, want %d", len(res.Scrapes), n)
	}
	if res.ReadyThreads < c.threads {
		return nil, fmt.Errorf("/proc/self/status counted %d threads when ready, want at least %d", res.ReadyThreads, c.threads)
	}
	d, err := dump.Read(outFile)
	if err == nil {
		err = d.Check()
	}
	if err != nil {
		return nil, fmt.Errorf("the final dump: %v", err)
	}
	r := &caseResult{threads: res.ReadyThreads, out: res}
	var sizes []uint64
	for _, sc := range res.Scrapes {
		r.stw = append(r.stw, sc.Wall)
		r.cpu = append(r.cpu, sc.CPU)
		sizes = append(sizes, uint64(sc.Bytes))
	}
	r.size = int(percentile(sizes, 0.5))
	return r, nil
}

// watch reports every snapshot renamed to name in dir, read as soon as
// inotify says it is there, until a file named stopName is renamed into
// dir; then it closes the channel.
func watch(dir, name string) (<-chan snap, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("inotify_init1: %v", err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_MOVED_TO); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("inotify_add_watch %s: %v", dir, err)
	}
	c := make(chan snap, 16)
	go func() {
		defer func() { syscall.Close(fd); close(c) }()
		buf := make([]byte, 64<<10)
		for {
			k, err := syscall.Read(fd, buf)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || k <= 0 {
				c <- snap{err: fmt.Errorf("reading inotify: %d, %v", k, err)}
				return
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= k; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				nb := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
				off += syscall.SizeofInotifyEvent + int(ev.Len)
				evName := string(bytes.TrimRight(nb, "\x00"))
				switch evName {
				case stopName:
					return
				case name:
					data, err := os.ReadFile(filepath.Join(dir, name))
					if err != nil {
						c <- snap{err: err}
						continue
					}
					h, err := readHeader(data)
					if err != nil {
						err = fmt.Errorf("snapshot: %v", err)
					}
					c <- snap{header: h, size: len(data), err: err}
				}
			}
		}
	}()
	return c, nil
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
