package main

import (
	"errors"
	"fmt"
	"go/version"
	iofs "io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// testOut is what syscope test does about SYSCOPE_OUT. go test runs each
// test binary in its package's directory, so SYSCOPE_OUT is made
// absolute, and one binary's dump would replace another's in one file,
// so every binary writes its own dump in a directory: SYSCOPE_OUT's own,
// or, when SYSCOPE_OUT names a file, a new one beside it, from which a
// single dump is moved to the file. And go test's cache does not know
// that a test binary reads SYSCOPE_OUT (the runtime reads it, not
// os.Getenv) nor that it writes a dump, so a cached result would pass
// with no dump: without a -count of the user's, -count=1 is added.
type testOut struct {
	args []string // go test flags to add
	env  string   // SYSCOPE_OUT for the test binaries, or ""
	file string   // the file SYSCOPE_OUT names, or ""
	dir  string   // the directory the binaries write in
	// before holds the dumps in dir before the tests ran.
	before map[string]bool
}

// newTestOut returns what syscope test adds to args for SYSCOPE_OUT, or
// nil when it is not set. With dryRun it makes no directory.
func newTestOut(args []string, dryRun bool) (*testOut, error) {
	path := os.Getenv("SYSCOPE_OUT")
	if path == "" || os.Getenv("SYSCOPE") == "off" || testFlag(args, "c") {
		return nil, nil // -c builds the test binary and runs nothing
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	switch {
	case isOutDir(path, fi) && errors.Is(err, iofs.ErrNotExist):
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s does not exist: make it first (as for GOCOVERDIR, syscope does not)", path)
	case isOutDir(path, fi) && err != nil:
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s: %w", path, err)
	case isOutDir(path, fi) && !fi.IsDir():
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s is a file", path)
	}
	t := &testOut{}
	if !testFlag(args, "count") && !strings.Contains(" "+os.Getenv("GOFLAGS"), " -count") {
		t.args = append(t.args, "-count=1")
		log.Printf("SYSCOPE_OUT is set: running the tests with -count=1, since a result from go test's cache writes no dump")
	}
	switch {
	case isOutDir(path, fi):
		t.dir, t.env = abs, abs+"/"
	case dryRun:
		t.env = abs
		return t, nil
	default:
		t.file = abs
		t.dir, err = os.MkdirTemp(filepath.Dir(abs), filepath.Base(abs)+".syscope-")
		if err != nil {
			return nil, fmt.Errorf("making a directory for the test binaries' dumps beside SYSCOPE_OUT: %w", err)
		}
		t.env = t.dir + "/"
	}
	if t.before, err = dumpNames(t.dir); err != nil {
		return nil, err
	}
	return t, nil
}

// vetArgs returns -vet=off for go test on a release before go1.24, unless
// args set -vet: its vet reads the files of each package from disk, not
// through the overlay, and fails on those the overlay adds to package
// runtime ("vet: open .../src/runtime/syscope_dump.go: no such file or
// directory"), which fails the test run.
func vetArgs(release string, args []string) []string {
	if version.Compare(release, "go1.24") >= 0 || testFlag(args, "vet") {
		return nil
	}
	log.Printf("running the tests with -vet=off: the vet of %s does not read the overlay", release)
	return []string{"-vet=off"}
}

// testFlag reports whether args, go test's arguments, set the flag name
// before -args.
func testFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-args" || a == "--args" {
			break
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (n == name || n == "test."+name) {
			return true
		}
	}
	return false
}

// finish says where the test binaries' dumps are, after the tests ran.
// For a file SYSCOPE_OUT, a single dump is moved there; several are left
// in their directory, and finish fails saying so, since no one file can
// hold them.
func (t *testOut) finish() error {
	if t.dir == "" {
		return nil
	}
	now, err := dumpNames(t.dir)
	if err != nil {
		return err
	}
	dumps := newNames(now, t.before)
	switch {
	case len(dumps) == 0:
		if t.file != "" {
			os.Remove(t.dir)
		}
		log.Printf("warning: no test binary wrote a dump (SYSCOPE_OUT=%s). One writes its dump when its tests end, if the package has tests and the binary is not killed", os.Getenv("SYSCOPE_OUT"))
	case t.file == "":
		log.Printf("%s in %s, one per test binary; syscope report %s sums them", plural(len(dumps), "new dump"), t.dir, t.dir)
	case len(dumps) == 1:
		if err := os.Rename(filepath.Join(t.dir, dumps[0]), t.file); err != nil {
			return err
		}
		return os.Remove(t.dir)
	default:
		return fmt.Errorf("%d test binaries wrote a dump each, and SYSCOPE_OUT=%s names one file, which would keep only one: they are in %s. "+
			"Set SYSCOPE_OUT to a directory to have one dump per test binary there; syscope report DIR sums them", len(dumps), os.Getenv("SYSCOPE_OUT"), t.dir)
	}
	return nil
}
