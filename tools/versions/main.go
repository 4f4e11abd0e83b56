// Versions runs syscope across Go releases and prints a table.
//
// Usage:
//
//	go run ./tools/versions [-all]
//
// For the newest patch of each minor from go1.16 it generates the
// overlay, builds a program that makes 1,000 reads and 7 failing ones
// with it, runs it, and checks the dump's exact counts and conservation;
// then it runs the testscript suite against that toolchain. With -all it
// takes every patch release since go1.16.0 from the module proxy and
// only generates and builds.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

var newest = []string{"go1.16.15", "go1.17.13", "go1.18.10", "go1.19.13", "go1.20.14", "go1.21.13",
	"go1.22.12", "go1.23.12", "go1.24.13", "go1.25.14", "go1.26.11", "go1.27.4"}

const prog = `package main

import "syscall"

func main() {
	var p [2]int
	syscall.Pipe(p[:])
	syscall.Write(p[1], make([]byte, 1000))
	b := make([]byte, 1)
	for i := 0; i < 1000; i++ {
		syscall.Read(p[0], b)
	}
	for i := 0; i < 7; i++ {
		syscall.Read(-1, b)
	}
}
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("versions: ")
	all := flag.Bool("all", false, "every patch release since go1.16.0, generate and build only")
	flag.Parse()
	rels := newest
	if *all {
		rels = allReleases()
	}
	fmt.Printf("%-10s %-8s %-9s %-7s %-22s %s\n", "release", "plan", "overlay", "build", "counts", "testscript")
	failed := false
	for _, rel := range rels {
		row, ok := try(rel, !*all)
		failed = failed || !ok
		fmt.Println(row)
	}
	if failed {
		os.Exit(1)
	}
}

func try(rel string, full bool) (string, bool) {
	row := fmt.Sprintf("%-10s ", rel)
	tc, err := releases.Fetch(rel)
	if err != nil {
		// Not a verdict: the proxy does not have every release.
		return row + "not on the proxy (skipped)", true
	}
	r, err := overlay.Generate(overlay.Options{GOROOT: tc.GOROOT})
	if err != nil {
		return row + "overlay FAIL: " + firstLine(err.Error()), false
	}
	row += fmt.Sprintf("%-8s %-9s ", strings.TrimSuffix(filepath.Base(r.Plan.Name), ".plan"), "ok")
	dir, _ := os.MkdirTemp("", "syscope-versions-")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module v\n\ngo 1.16\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644)
	env := append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	build := exec.Command(r.GoCommand(), "build", "-overlay="+r.JSON, "-o", "prog", ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		return row + "FAIL: " + firstLine(string(out)), false
	}
	row += fmt.Sprintf("%-7s ", "ok")
	if !full {
		return row, true
	}
	run := exec.Command("./prog")
	run.Dir, run.Env = dir, append(os.Environ(), "SYSCOPE_OUT=dump.json")
	if out, err := run.CombinedOutput(); err != nil {
		return row + "run FAIL: " + firstLine(string(out)), false
	}
	d, err := dump.Read(filepath.Join(dir, "dump.json"))
	if err != nil {
		return row + "dump FAIL: " + err.Error(), false
	}
	var reads, errs uint64
	for _, s := range d.Syscalls {
		// The program's reads go through syscall.Read; the runtime's own
		// reads (and any raw ones) are other rows of the same name.
		if s.Name == "read" && s.Path == dump.PathSyscall {
			reads, errs = reads+s.Calls, errs+s.Errors
		}
	}
	cons := d.Check()
	counts := fmt.Sprintf("read %d/%d err, cons %s", reads, errs, map[bool]string{true: "ok", false: "BAD"}[cons == nil])
	ok := reads == 1007 && errs == 7 && cons == nil
	row += fmt.Sprintf("%-22s ", counts)
	start := time.Now()
	test := exec.Command("go", "test", "-count=1", "-timeout=30m", "./testscript/")
	test.Env = append(os.Environ(), "SYSCOPE_TEST_GO="+rel)
	if out, err := test.CombinedOutput(); err != nil {
		var why []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "FAIL:") || strings.Contains(l, "panic:") {
				why = append(why, strings.TrimSpace(l))
			}
		}
		if len(why) == 0 {
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			why = lines[max(0, len(lines)-3):]
		}
		return row + "FAIL " + strings.Join(why, "; "), false
	}
	return row + fmt.Sprintf("pass (%.0fs)", time.Since(start).Seconds()), ok
}

// allReleases lists every linux/amd64 patch release from go1.16.0 on: for
// each minor the proxy lists, every patch up to its newest, since the
// proxy's list has gaps that still download (go1.24.12, say).
func allReleases() []string {
	listed, err := releases.List()
	if err != nil {
		log.Fatal(err)
	}
	return releases.Between(releases.Every(listed), "go1.16", listed[len(listed)-1])
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
