package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTestFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"-count=2", "./..."}, true},
		{[]string{"./...", "-count", "3"}, true},
		{[]string{"--count=1"}, true},
		{[]string{"-test.count=1"}, true},
		{[]string{"-run", "X", "./...", "-args", "-count=1"}, false},
		{[]string{"-countx=1", "count"}, false},
		{nil, false},
	} {
		if got := testFlag(c.args, "count"); got != c.want {
			t.Errorf("testFlag(%q, count) = %v, want %v", c.args, got, c.want)
		}
	}
	if !testFlag([]string{"-c", "."}, "c") || testFlag([]string{"-cover", "."}, "c") {
		t.Errorf("testFlag on -c and -cover wrong")
	}
}

// basicDump is the report package's basic fixture, read before any test
// changes directory.
var basicDump, basicErr = os.ReadFile("../../report/testdata/basic.dump.json")

// writeDump copies the report package's basic fixture to path.
func writeDump(t *testing.T, path string) {
	t.Helper()
	if basicErr != nil {
		t.Fatal(basicErr)
	}
	if err := os.WriteFile(path, basicDump, 0o666); err != nil {
		t.Fatal(err)
	}
}

func TestTestOut(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GOFLAGS", "")

	// A directory: made absolute with a "/", -count=1 added, the dumps
	// that were there before not counted as new.
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	writeDump(t, filepath.Join(out, "old.1.json"))
	t.Chdir(dir)
	t.Setenv("SYSCOPE_OUT", "out")
	o, err := newTestOut([]string{"./..."}, false)
	if err != nil {
		t.Fatal(err)
	}
	if o.env != out+"/" || strings.Join(o.args, " ") != "-count=1" {
		t.Errorf("SYSCOPE_OUT=out: env %q, args %q; want %q, -count=1", o.env, o.args, out+"/")
	}
	writeDump(t, filepath.Join(out, "a.test.2.json"))
	if err := o.finish(); err != nil {
		t.Errorf("finish in a directory: %v", err)
	}
	if o, _ := newTestOut([]string{"-count=3", "./..."}, false); len(o.args) != 0 {
		t.Errorf("-count=3 given: syscope adds %q", o.args)
	}
	t.Setenv("GOFLAGS", "-mod=mod -count=2")
	if o, _ := newTestOut([]string{"./..."}, false); len(o.args) != 0 {
		t.Errorf("-count in GOFLAGS: syscope adds %q", o.args)
	}
	t.Setenv("GOFLAGS", "")
	if o, _ := newTestOut([]string{"-c", "./a"}, false); o != nil {
		t.Errorf("-c: syscope test does something about SYSCOPE_OUT: %+v", o)
	}

	// A missing directory is an error before anything runs.
	t.Setenv("SYSCOPE_OUT", "nodir/")
	if _, err := newTestOut(nil, false); err == nil || !strings.Contains(err.Error(), "SYSCOPE_OUT directory nodir/ does not exist") {
		t.Errorf("missing directory: %v", err)
	}

	// A file: one dump is moved there, and the directory made for it
	// removed; two are left where they are, and finish fails naming it.
	t.Setenv("SYSCOPE_OUT", "f.json")
	o, err = newTestOut(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.dir, filepath.Join(dir, "f.json.syscope-")) || o.env != o.dir+"/" {
		t.Fatalf("SYSCOPE_OUT=f.json: dir %q, env %q", o.dir, o.env)
	}
	writeDump(t, filepath.Join(o.dir, "a.test.7.json"))
	if err := o.finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("f.json"); err != nil {
		t.Errorf("the one dump was not moved to f.json: %v", err)
	}
	if _, err := os.Stat(o.dir); !os.IsNotExist(err) {
		t.Errorf("the directory %s is left: %v", o.dir, err)
	}
	o, err = newTestOut(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	writeDump(t, filepath.Join(o.dir, "a.test.7.json"))
	writeDump(t, filepath.Join(o.dir, "b.test.8.json"))
	err = o.finish()
	if err == nil || !strings.Contains(err.Error(), "2 test binaries wrote a dump each, and SYSCOPE_OUT=f.json names one file") || !strings.Contains(err.Error(), o.dir) {
		t.Errorf("two dumps for one file: %v", err)
	}
	if names, _ := dumpNames(o.dir); len(names) != 2 {
		t.Errorf("the two dumps are not kept in %s: %v", o.dir, names)
	}
}

// TestReportSeveral runs syscope report on several dumps and on a
// directory: it sums them and says how many, and a missing one fails
// naming it.
func TestReportSeveral(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "d")
	if err := os.Mkdir(d, 0o777); err != nil {
		t.Fatal(err)
	}
	writeDump(t, filepath.Join(d, "p.1.json"))
	writeDump(t, filepath.Join(d, "p.2.json"))
	writeDump(t, filepath.Join(dir, "one.json"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "d"}, `^syscope report: 2 dumps, go1.26.8 \(plan go1.26\)\n`},
		{[]string{"report", "d", "one.json"}, `^syscope report: 3 dumps, `},
		{[]string{"report", "-format", "json", "d"}, `(?m)^  "dumps": 2,$`},
		{[]string{"report", "one.json"}, `^syscope report: go1.26.8 \(plan go1.26\)\n`},
	} {
		stdout, stderr, status := runSyscope(t, dir, c.args...)
		if status != 0 || !regexp.MustCompile(c.want).MatchString(stdout) {
			t.Errorf("syscope %s: exit status %d, stderr %q, stdout\n%s\nwant 0 and a match for %q", strings.Join(c.args, " "), status, stderr, stdout, c.want)
		}
	}
	_, stderr, status := runSyscope(t, dir, "report", "one.json", "none.json")
	if status != 1 || !strings.HasPrefix(stderr, "syscope: stat none.json: no such file or directory\nno dump there.") {
		t.Errorf("report with a missing dump: exit status %d, stderr %q", status, stderr)
	}
}

func TestVetArgs(t *testing.T) {
	for _, c := range []struct {
		release string
		args    []string
		want    string
	}{
		{"go1.16.15", []string{"./..."}, "-vet=off"},
		{"go1.23.12", nil, "-vet=off"},
		{"go1.23.12", []string{"-vet=atomic", "./..."}, ""},
		{"go1.24.0", nil, ""},
		{"go1.26.8", []string{"./..."}, ""},
	} {
		if got := strings.Join(vetArgs(c.release, c.args), " "); got != c.want {
			t.Errorf("vetArgs(%s, %q) = %q, want %q", c.release, c.args, got, c.want)
		}
	}
}
