package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// copyFixture copies a dump of report/testdata into dir.
func copyFixture(t *testing.T, dir, name, as string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "report", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, as)
	if err := os.WriteFile(file, data, 0o666); err != nil {
		t.Fatal(err)
	}
	return file
}

func readProfile(t *testing.T, file string) *profile.Profile {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return p
}

func TestPprof(t *testing.T) {
	dir := t.TempDir()
	copyFixture(t, dir, "stacks.dump.json", "syscope.json")

	// The default file: beside the dump, .pb.gz for .json.
	stdout, stderr, status := runSyscope(t, dir, "pprof", "syscope.json")
	if status != 0 || stdout != "syscope.pb.gz\n" || stderr != "" {
		t.Fatalf("syscope pprof syscope.json: exit status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	if p := readProfile(t, filepath.Join(dir, "syscope.pb.gz")); len(p.Sample) != 11 {
		t.Errorf("%d samples, want the fixture's 11 stacks", len(p.Sample))
	}

	// -o, and -o - for standard output.
	stdout, _, status = runSyscope(t, dir, "pprof", "-o", "x.prof", "syscope.json")
	if status != 0 || stdout != "x.prof\n" {
		t.Errorf("syscope pprof -o x.prof: exit status %d, stdout %q", status, stdout)
	}
	readProfile(t, filepath.Join(dir, "x.prof"))
	stdout, _, status = runSyscope(t, dir, "pprof", "-o", "-", "syscope.json")
	if status != 0 {
		t.Errorf("syscope pprof -o -: exit status %d", status)
	}
	if p, err := profile.ParseData([]byte(stdout)); err != nil || len(p.Sample) != 11 {
		t.Errorf("syscope pprof -o -: the output is not the profile: %v", err)
	}

	// A dump name without .json gets .pb.gz added.
	copyFixture(t, dir, "stacks.dump.json", "dump")
	if stdout, _, status := runSyscope(t, dir, "pprof", "dump"); status != 0 || stdout != "dump.pb.gz\n" {
		t.Errorf("syscope pprof dump: exit status %d, stdout %q", status, stdout)
	}
}

func TestPprofErrors(t *testing.T) {
	dir := t.TempDir()
	copyFixture(t, dir, "basic.dump.json", "old.json")
	copyFixture(t, dir, "stacks.dump.json", "new.json")
	if err := os.Mkdir(filepath.Join(dir, "ro"), 0o555); err != nil {
		t.Fatal(err)
	}
	unwritable := os.Getuid() != 0 // root writes into a directory of mode 0555
	for _, c := range []struct {
		args []string
		want string
		skip bool
	}{
		{args: []string{"pprof", "old.json"}, want: "syscope: old.json: the dump has no stacks: it was written by an older syscope or with SYSCOPE_PROFILE_RATE=0\n"},
		{args: []string{"pprof", "nosuch.json"}, want: "syscope: open nosuch.json: no such file or directory\nno dump there; syscope report DUMP says what keeps a program from writing one\n"},
		{args: []string{"pprof", "-o", "nodir/p.pb.gz", "new.json"}, want: "syscope: cannot write nodir/p.pb.gz: open nodir/.p.pb.gz.tmp"},
		{args: []string{"pprof", "-o", "ro/p.pb.gz", "new.json"}, want: "syscope: cannot write ro/p.pb.gz: open ro/.p.pb.gz.tmp", skip: !unwritable},
	} {
		if c.skip {
			continue
		}
		stdout, stderr, status := runSyscope(t, dir, c.args...)
		if status != 1 || stdout != "" || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("syscope %s: exit status %d, stdout %q, stderr %q; want 1, nothing, %q", strings.Join(c.args, " "), status, stdout, stderr, c.want)
		}
	}
	// Nothing was written, not even a temporary file.
	for _, sub := range []string{".", "ro"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if n := e.Name(); n != "old.json" && n != "new.json" && n != "ro" {
				t.Errorf("a failed syscope pprof left %s", filepath.Join(sub, n))
			}
		}
	}
	// When the rename fails (over a directory), the temporary file goes.
	if err := os.Mkdir(filepath.Join(dir, "isdir.pb.gz"), 0o777); err != nil {
		t.Fatal(err)
	}
	if _, stderr, status := runSyscope(t, dir, "pprof", "-o", "isdir.pb.gz", "new.json"); status != 1 || !strings.HasPrefix(stderr, "syscope: cannot write isdir.pb.gz: rename ") {
		t.Errorf("syscope pprof -o DIR: exit status %d, stderr %q", status, stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".isdir.pb.gz.tmp*")); len(m) > 0 {
		t.Errorf("the temporary file is left: %v", m)
	}
}
