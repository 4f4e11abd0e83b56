// Verifystd runs Go's own tests for the packages around the syscall paths
// with and without syscope's overlay, and compares the outcomes.
//
// Usage:
//
//	go run ./tools/verifystd [-pkgs list] [-go toolchain]
//
// Each package runs `go test -short -count=1 -vet=off -json`, first vanilla
// and then with -overlay, using the toolchain -go names (a release, or a
// role that releases.Lookup resolves: local, oldest, newest,
// last-psyscall), by default the one on PATH (GOTOOLCHAIN is honoured).
// The table shows each package's result both ways, with its tests
// passed and failed; the command fails if any test (or a package as a
// whole) passes vanilla and fails instrumented, and names those tests.
// A package outside the standard library (golang.org/x/sys/unix) is
// tested as this module requires it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("verifystd: ")
	pkgs := flag.String("pkgs", "syscall,os/exec,os/signal,internal/poll,os,net,time,sync,runtime", "comma-separated `packages` to test")
	tc := flag.String("go", "", "test with `toolchain` (default: the go on PATH)")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	var o overlay.Options
	if *tc != "" {
		goroot, err := releases.GOROOT(*tc)
		if err != nil {
			log.Fatal(err)
		}
		o.GOROOT = goroot
	}
	r, err := overlay.Generate(o)
	if err != nil {
		log.Fatal(err)
	}
	env := append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	fmt.Printf("go %s, plan %s\n%-22s %-26s %-26s\n", r.Release, r.Plan.Name, "package", "vanilla", "syscope")
	bad := false
	for _, p := range strings.Split(*pkgs, ",") {
		v := test(r.GoCommand(), env, p, "")
		s := test(r.GoCommand(), env, p, r.JSON)
		fmt.Printf("%-22s %-26s %-26s\n", p, v, s)
		var lost []string
		for name, ok := range v.tests {
			if ok && !s.tests[name] {
				lost = append(lost, name)
			}
		}
		sort.Strings(lost)
		if len(lost) > 0 || v.ok && !s.ok {
			bad = true
			fmt.Printf("  passes vanilla, fails with syscope: %s\n", strings.Join(lost, " "))
		}
	}
	if bad {
		os.Exit(1)
	}
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

func test(gocmd string, env []string, pkg, ov string) result {
	// -vet=off in both runs: vet is not what is compared, and with a
	// toolchain from the module cache (run through a GOROOT copy) it reads
	// runtime's files from disk, not through the overlay.
	args := []string{"test", "-short", "-count=1", "-vet=off", "-json"}
	if ov != "" {
		args = append(args, "-overlay="+ov)
	}
	cmd := exec.Command(gocmd, append(args, pkg)...)
	// The standard library outside this module: an older toolchain
	// rejects its go.mod. Another module's package in this one, which
	// requires it.
	cmd.Env, cmd.Dir = env, os.TempDir()
	if strings.Contains(strings.Split(pkg, "/")[0], ".") {
		cmd.Dir = ""
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
