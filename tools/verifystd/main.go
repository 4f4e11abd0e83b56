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
// vanilla and fails instrumented, and names those tests. A package
// outside the standard library (golang.org/x/sys/unix) is tested in a
// module of its own, in its newest tagged version whose go line the
// toolchain accepts (named beside it in the table). With -o the table is also written to file, with the
// date and machine, when no toolchain fails.
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
	"sort"
	"strings"
	"time"

	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("verifystd: ")
	pkgs := flag.String("pkgs", "syscall,os/exec,os/signal,internal/poll,os,net,time,sync,runtime", "comma-separated `packages` to test")
	tcs := flag.String("go", "", "test with each of the comma-separated `toolchains`, or \"all\" (default: the go on PATH)")
	out := flag.String("o", "", "also write the table to `file` when no toolchain fails")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
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
		var lost []string
		for name, ok := range v.tests {
			if ok && !s.tests[name] {
				lost = append(lost, name)
			}
		}
		sort.Strings(lost)
		if len(lost) > 0 || v.ok && !s.ok {
			good = false
			fmt.Fprintf(out, "  passes vanilla, fails with syscope: %s\n", strings.Join(lost, " "))
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

func test(gocmd string, env []string, pkg, dir, ov string) result {
	// -vet=off in both runs: vet is not what is compared, and with a
	// toolchain from the module cache (run through a GOROOT copy) it reads
	// runtime's files from disk, not through the overlay.
	args := []string{"test", "-short", "-count=1", "-vet=off", "-json"}
	if ov != "" {
		args = append(args, "-overlay="+ov)
	}
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
	r := result{ok: err == nil, d: time.Since(start).Round(time.Second), tests: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var e struct{ Action, Test, Output string }
		if dec.Decode(&e) != nil {
			break
		}
		switch {
		case e.Test != "" && (e.Action == "pass" || e.Action == "fail"):
			r.tests[e.Test] = e.Action == "pass"
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
