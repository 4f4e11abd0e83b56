// Verifystd runs Go's own tests for the packages around the syscall paths
// with and without syscope's overlay, and compares the outcomes.
//
// Usage:
//
//	go run ./tools/verifystd [-pkgs list] [-go toolchains] [-o file]
//
// Each package runs `go test -short -count=1 -vet=off -json`, first vanilla
// and then with -overlay, using each toolchain -go names, comma-separated
// (a release, or a role that releases.Lookup resolves: local, oldest,
// newest, last-psyscall; "all" is the newest patch of every supported
// minor), by default the one on PATH (GOTOOLCHAIN is honoured). The
// table shows each package's result both ways, with its tests passed and
// failed; the command fails if any test (or a package as a whole) passes
// vanilla and fails instrumented, and names those tests. Such a test runs
// again with syscope, 5 times: one that passes every time is named as a
// flake of the machine (failed once, passed every rerun) and does not
// fail the command; one that does not, does. A test with no result with
// syscope (skipped, or not reported) is named too; it fails the command
// only with its package. A package outside
// the standard library (golang.org/x/sys/unix) is tested in a module of
// its own, in its newest tagged version whose go line the toolchain
// accepts (named beside it in the table). With -o the table is also
// written to file, with the date and machine, when no toolchain fails.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("verifystd: ")
	pkgs := flag.String("pkgs", "syscall,os/exec,os/signal,internal/poll,os,net,time,sync,runtime,golang.org/x/sys/unix", "comma-separated `packages` to test")
	tcs := flag.String("go", "", "test with each of the comma-separated `toolchains`, or \"all\" (default: the go on PATH)")
	out := flag.String("o", "", "also write the table to `file` when no toolchain fails")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	defaultSIGHUP()
	names := []string{""}
	switch {
	case *tcs == "all":
		minors, err := releases.Minors()
		if err != nil {
			log.Fatal(err)
		}
		names = minors
	case *tcs != "":
		names = strings.Split(*tcs, ",")
	}
	doc := &measure.Doc{Title: "Go's own tests with the overlay", Command: "go run ./tools/verifystd " + strings.Join(os.Args[1:], " ")}
	fmt.Fprintf(&doc.Body, "`go test -short` of each package, vanilla and with the overlay: the result, tests passed of tests run, and the time.\n\n")
	bad := false
	for _, name := range names {
		var o overlay.Options
		if name != "" {
			goroot, err := releases.GOROOT(name)
			if err != nil {
				log.Fatal(err)
			}
			o.GOROOT = goroot
		}
		r, err := overlay.Generate(o)
		if err != nil {
			log.Fatal(err)
		}
		if name == "" {
			name = "go"
		}
		doc.AddToolchain(name, r.Release)
		if !verify(r, strings.Split(*pkgs, ","), &doc.Body) {
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
	if *out != "" {
		if err := doc.Write(*out); err != nil {
			log.Fatal(err)
		}
	}
}

// verify runs the packages with one toolchain, printing its table to
// stdout and to w, and reports whether none lost a test to the overlay.
func verify(r *overlay.Result, pkgs []string, w io.Writer) bool {
	out := io.MultiWriter(os.Stdout, w)
	env := append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	fmt.Fprintf(out, "```\ngo %s, plan %s\n%-22s %-26s %-26s\n", r.Release, r.Plan.Name, "package", "vanilla", "syscope")
	good := true
	var mods []string
	for _, p := range pkgs {
		dir := ""
		if strings.Contains(strings.Split(p, "/")[0], ".") {
			var ver string
			var err error
			if dir, ver, err = moduleDir(p, r.Release); err != nil {
				log.Fatal(err)
			}
			defer os.RemoveAll(dir)
			mods = append(mods, p+" at "+ver)
		}
		v := test(r.GoCommand(), env, p, dir, "")
		s := test(r.GoCommand(), env, p, dir, r.JSON)
		fmt.Fprintf(out, "%-22s %-26s %-26s\n", p, v, s)
		// A test that passed vanilla and failed with syscope runs again;
		// one with no result with syscope (a skip, such as
		// TestSegv/SegvInCgo's own SkipFlaky on "unknown pc",
		// golang/go#50979; or a subtest started with go t.Run whose
		// parent returned first, as os/signal's TestNohup does on go1.16
		// and go1.17, vanilla too) is named, and fails the run only if its
		// package failed.
		var lost, silent []string
		for name, ok := range v.tests {
			sok, ran := s.tests[name]
			switch {
			case ok && ran && !sok:
				lost = append(lost, name)
			case ok && !ran:
				silent = append(silent, name)
			}
		}
		sort.Strings(lost)
		sort.Strings(silent)
		var failed, flaky []string
		for _, name := range lost {
			n, passed := rerun(r.GoCommand(), env, p, dir, r.JSON, name)
			if passed == n {
				flaky = append(flaky, fmt.Sprintf("%s (then %d of %d)", name, passed, n))
			} else {
				failed = append(failed, fmt.Sprintf("%s (then %d of %d)", name, passed, n))
			}
		}
		if len(flaky) > 0 {
			fmt.Fprintf(out, "  passes vanilla, failed once with syscope, passed every rerun: %s\n", strings.Join(flaky, " "))
		}
		if len(silent) > 0 {
			fmt.Fprintf(out, "  passes vanilla, no result with syscope (skipped or unreported), package %s: %s\n", map[bool]string{true: "ok", false: "FAIL"}[s.ok], strings.Join(silent, " "))
		}
		if len(failed) > 0 || v.ok && !s.ok && len(flaky) == 0 {
			good = false
			if len(failed) == 0 {
				failed = []string{"the package"}
			}
			fmt.Fprintf(out, "  passes vanilla, fails with syscope: %s\n", strings.Join(failed, " "))
		}
	}
	for _, m := range mods {
		fmt.Fprintf(out, "(%s)\n", m)
	}
	fmt.Fprintf(out, "```\n\n")
	return good
}

// result is one package's run: whether it passed, how long it took, and
// each test's outcome (top-level and subtests, by name).
type result struct {
	ok    bool
	d     time.Duration
	tests map[string]bool
	// passes counts each test's passes, for a run with -count.
	passes map[string]int
}

func (r result) String() string {
	pass, fail := 0, 0
	for _, ok := range r.tests {
		if ok {
			pass++
		} else {
			fail++
		}
	}
	s := "ok"
	if !r.ok {
		s = "FAIL"
	}
	return fmt.Sprintf("%s %d/%d (%v)", s, pass, pass+fail, r.d)
}

// reruns is how many times a test that passed vanilla and not with
// syscope runs again with syscope: one that passes every time was a
// flake of the loaded machine (Go's own tests have known ones, such as
// TestSegv/SegvInCgo's "unknown pc", golang/go#50979); one that does not
// is a failure.
const reruns = 5

// rerun runs the top-level test of name (a test or a subtest) of pkg
// reruns times with the overlay, and returns how many runs it had and
// how many times name passed. The whole top-level test runs, not the
// subtest alone: some wait for all their subtests (os/signal's TestNohup
// starts them with go t.Run and a WaitGroup), and hang when -run leaves
// one out.
func rerun(gocmd string, env []string, pkg, dir, ov, name string) (n, passed int) {
	top, _, _ := strings.Cut(name, "/")
	r := test(gocmd, env, pkg, dir, ov, "-run=^"+regexp.QuoteMeta(top)+"$", fmt.Sprintf("-count=%d", reruns))
	return reruns, r.passes[name]
}

func test(gocmd string, env []string, pkg, dir, ov string, extra ...string) result {
	// -vet=off in both runs: vet is not what is compared, and with a
	// toolchain from the module cache (run through a GOROOT copy) it reads
	// runtime's files from disk, not through the overlay.
	args := []string{"test", "-short", "-count=1", "-vet=off", "-json"}
	if ov != "" {
		args = append(args, "-overlay="+ov)
	}
	args = append(args, extra...)
	cmd := exec.Command(gocmd, append(args, pkg)...)
	// The standard library outside this module: an older toolchain
	// rejects its go.mod. Another module's package in a module of its
	// own (moduleDir).
	cmd.Env, cmd.Dir = env, os.TempDir()
	if dir != "" {
		cmd.Env, cmd.Dir = append(env, "GOFLAGS=-mod=mod"), dir
	}
	start := time.Now()
	out, err := cmd.Output()
	r := result{ok: err == nil, d: time.Since(start).Round(time.Second), tests: map[string]bool{}, passes: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var e struct{ Action, Test, Output string }
		if dec.Decode(&e) != nil {
			break
		}
		switch {
		case e.Test != "" && (e.Action == "pass" || e.Action == "fail"):
			r.tests[e.Test] = e.Action == "pass"
			if e.Action == "pass" {
				r.passes[e.Test]++
			}
		case e.Action == "fail" && e.Test == "", e.Action == "output" && !r.ok && strings.HasPrefix(e.Output, "---"):
			if e.Output != "" {
				os.Stderr.WriteString(e.Output)
			}
		}
	}
	if !r.ok {
		os.Stderr.Write(cmdErr(err))
	}
	return r
}

func cmdErr(err error) []byte {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Stderr
	}
	return []byte(fmt.Sprintln(err))
}

// defaultSIGHUP gives the tests SIGHUP's default action when verifystd was
// started with it ignored (under nohup): an ignored signal stays ignored
// across exec, and x/sys/unix's TestPidfd, which kills a `sleep 1h` child
// with SIGHUP, then waits for it until the test binary's timeout, both
// ways. A handler is reset at exec, so one that drops the signal keeps
// verifystd itself running as nohup meant, and its children get the
// default.
func defaultSIGHUP() {
	if signal.Ignored(syscall.SIGHUP) {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGHUP)
	}
}
