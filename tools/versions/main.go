// Versions runs syscope across Go releases and prints a table.
//
// Usage:
//
//	go run ./tools/versions [-all] [-releases list] [-o file]
//
// For the newest patch of each supported minor (the plans' "releases"
// lines say which) it generates the overlay, builds a program that makes
// 1,000 reads and 7 failing ones with it, runs it, and checks the dump's
// exact counts and conservation; then it runs the testscript suite
// against that toolchain. With -all it takes every patch release of the
// supported minors from the module proxy and only generates and builds.
// -releases names the toolchains to try instead (releases, minors or
// the roles releases.Lookup knows: oldest, newest, last-psyscall, local).
//
// A release that cannot be fetched is a failure, named in the table; so
// is any failure to generate, build, run, count or pass the suite. The
// exit status is 1 if any row failed. When every row passes, the table
// goes to -o (docs/versions.md by default), with the date and machine.
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
	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

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
	all := flag.Bool("all", false, "every patch release of the supported minors, generate and build only")
	only := flag.String("releases", "", "comma-separated `toolchains` to try instead of the newest patch of every supported minor")
	out := flag.String("o", "docs/versions.md", "write the table to `file` when every row passes (\"\" for none)")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	names, listedRels, err := candidates(*all, *only)
	if err != nil {
		log.Fatal(err)
	}
	doc := &measure.Doc{Title: "Releases: the newest patch of every supported minor", Command: "make versions"}
	switch {
	case *only != "":
		doc.Title, doc.Command = "Releases: a selection", "go run ./tools/versions "+strings.Join(os.Args[1:], " ")
	case *all:
		doc.Title, doc.Command = "Releases: every patch of every supported minor, generated and built", "make versions ALL=1"
	}
	header := fmt.Sprintf("%-10s %-8s %-9s %-7s %-22s %s", "release", "plan", "overlay", "build", "counts", "testscript")
	fmt.Println(header)
	fmt.Fprintf(&doc.Body, "```\n%s\n", header)
	failed, absent := 0, 0
	var toolchains []string
	for _, name := range names {
		row, v := try(name, !*all, listedRels)
		row = strings.TrimRight(row, " ")
		switch v {
		case failedRow:
			failed++
		case notARelease:
			absent++
		}
		fmt.Println(row)
		fmt.Fprintln(&doc.Body, row)
		toolchains = append(toolchains, strings.Fields(row)[0])
	}
	fmt.Fprintf(&doc.Body, "```\n\n%d of %d pass", len(names)-failed-absent, len(names)-absent)
	if absent > 0 {
		fmt.Fprintf(&doc.Body, "; %d patch numbers that the proxy neither lists nor serves are not releases", absent)
	}
	fmt.Fprintln(&doc.Body, ".")
	if failed > 0 {
		log.Printf("%d of %d failed; %s not written", failed, len(names)-absent, *out)
		os.Exit(1)
	}
	if *out != "" {
		doc.Toolchains = toolchains
		if *all && *only == "" {
			doc.Toolchains = []string{fmt.Sprintf("%s to %s, every patch", toolchains[0], toolchains[len(toolchains)-1])}
		}
		if err := doc.Write(*out); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %s", *out)
	}
}

// candidates returns the toolchains to try, as names releases.Get
// resolves, and, for -all, the set the proxy lists (an unlisted patch
// number that does not download is no release, not a failure).
func candidates(all bool, only string) ([]string, map[string]bool, error) {
	if only != "" {
		return strings.Split(only, ","), nil, nil
	}
	minors, err := releases.Minors()
	if err != nil {
		return nil, nil, err
	}
	if !all {
		return minors, nil, nil // each resolved to its newest patch by try
	}
	// Every patch of each supported minor up to its newest listed one,
	// since the proxy's list has gaps that still download (go1.24.12, say).
	listed, err := releases.List()
	if err != nil {
		return nil, nil, err
	}
	set := map[string]bool{}
	for _, r := range listed {
		set[r] = true
	}
	newest, err := releases.Resolve(listed, minors[len(minors)-1])
	if err != nil {
		return nil, nil, err
	}
	return releases.Between(releases.Every(listed), minors[0], newest), set, nil
}

type verdict int

const (
	passed verdict = iota
	failedRow
	notARelease
)

// try checks one toolchain, named as releases.Get takes it, and returns
// its row of the table (which starts with the release) and its verdict.
func try(name string, full bool, listed map[string]bool) (string, verdict) {
	row := fmt.Sprintf("%-10s ", name)
	tc, err := releases.Get(name)
	if err != nil {
		if listed != nil && !listed[name] && strings.Contains(err.Error(), "not on the module proxy") {
			return row + "neither listed nor on the proxy: not a release", notARelease
		}
		return row + "FETCH FAIL: " + firstLine(err.Error()), failedRow
	}
	rel := tc.Release
	row = fmt.Sprintf("%-10s ", rel)
	r, err := overlay.Generate(overlay.Options{GOROOT: tc.GOROOT})
	if err != nil {
		return row + "overlay FAIL: " + firstLine(err.Error()), failedRow
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
		return row + "FAIL: " + firstLine(string(out)), failedRow
	}
	row += fmt.Sprintf("%-7s ", "ok")
	if !full {
		return row, passed
	}
	run := exec.Command("./prog")
	run.Dir, run.Env = dir, append(os.Environ(), "SYSCOPE_OUT=dump.json")
	if out, err := run.CombinedOutput(); err != nil {
		return row + "run FAIL: " + firstLine(string(out)), failedRow
	}
	d, err := dump.Read(filepath.Join(dir, "dump.json"))
	if err != nil {
		return row + "dump FAIL: " + err.Error(), failedRow
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
	testGo := rel
	if name == releases.Local {
		testGo = name
	}
	test.Env = append(os.Environ(), "SYSCOPE_TEST_GO="+testGo)
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
		return row + "FAIL " + strings.Join(why, "; "), failedRow
	}
	row += fmt.Sprintf("pass (%.0fs)", time.Since(start).Seconds())
	if !ok {
		return row + "; counts FAIL", failedRow
	}
	return row, passed
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
