// Verifystd runs Go's own tests for the packages around the syscall paths
// with and without syscope's overlay, and compares the outcomes.
//
// Usage:
//
//	go run ./tools/verifystd [-pkgs list] [-go toolchain]
//
// Each package runs `go test -short -count=1 -vet=off`, first vanilla and then with
// -overlay, using the toolchain -go names (a release, or a role that
// releases.Lookup resolves: local, oldest, newest, last-psyscall), by
// default the one on PATH (GOTOOLCHAIN is honoured). The
// table shows each package's result both ways; the command fails if any
// package passes vanilla and fails instrumented.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
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
	fmt.Printf("go %s, plan %s\n%-16s %-14s %-14s\n", r.Release, r.Plan.Name, "package", "vanilla", "syscope")
	bad := false
	for _, p := range strings.Split(*pkgs, ",") {
		v := test(r.GoCommand(), env, p, "")
		s := test(r.GoCommand(), env, p, r.JSON)
		fmt.Printf("%-16s %-14s %-14s\n", p, v, s)
		if strings.HasPrefix(v, "ok") && !strings.HasPrefix(s, "ok") {
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
}

func test(gocmd string, env []string, pkg, ov string) string {
	// -vet=off in both runs: vet is not what is compared, and with a
	// toolchain from the module cache (run through a GOROOT copy) it reads
	// runtime's files from disk, not through the overlay.
	args := []string{"test", "-short", "-count=1", "-vet=off"}
	if ov != "" {
		args = append(args, "-overlay="+ov)
	}
	cmd := exec.Command(gocmd, append(args, pkg)...)
	// Outside this module: an older toolchain rejects its go.mod.
	cmd.Env, cmd.Dir = env, os.TempDir()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start).Round(time.Second)
	if err != nil {
		os.Stderr.Write(out)
		return fmt.Sprintf("FAIL (%v)", d)
	}
	return fmt.Sprintf("ok (%v)", d)
}
