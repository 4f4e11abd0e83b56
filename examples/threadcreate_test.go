package examples

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/pprof"
)

// TestThreadCreate runs threadcreate.txtar with the overlay for the local
// go and puts the two answers to "which code made these threads" side by
// side: syscope's threads profile names blockRead, the function whose
// blocked read(2) made each thread needed; runtime/pprof's threadcreate
// profile of the same run does not name it in any sample (golang/go#6104).
// A dump without stacks fails the test: the threads profile is the point.
func TestThreadCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the overlay and a program with it, which -short does not")
	}
	const n = 32
	dir := t.TempDir()
	ar, err := txtar.ParseFile("threadcreate.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(env []string, name string, args ...string) string {
		t.Helper()
		c := exec.Command(name, args...)
		c.Dir = dir
		c.Env = append(os.Environ(), env...)
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	cmd(nil, syscope, "build", "-o", "threadcreate", ".")
	t.Log(cmd([]string{"SYSCOPE_OUT=" + filepath.Join(dir, "syscope.json")}, filepath.Join(dir, "threadcreate"),
		"-n", strconv.Itoa(n), "-threadprofile", "threadcreate.pb.gz"))

	d, err := dump.Read(filepath.Join(dir, "syscope.json"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Stacks == nil {
		t.Fatalf("%v: the runtime of %s (plan %s) does not record stacks, so there is no threads profile", dump.ErrNoStacks, d.GoVersion, d.Plan)
	}
	if err := d.CheckStacks(); err != nil {
		t.Error(err)
	}
	cmd(nil, syscope, "pprof", "syscope.json")

	// syscope: the program's functions by threads caused, the runtime,
	// syscall and os frames hidden.
	hidden := cmd(nil, "go", "tool", "pprof", "-top", "-sample_index=threads", "-hide="+pprof.Hide, "syscope.pb.gz")
	full := cmd(nil, "go", "tool", "pprof", "-top", "-sample_index=threads", "syscope.pb.gz")
	t.Logf("go tool pprof -top -sample_index=threads syscope.pb.gz\n%s", full)
	t.Logf("go tool pprof -top -sample_index=threads -hide='%s' syscope.pb.gz\n%s", pprof.Hide, hidden)
	fn, flat := topEntry(t, hidden)
	if fn != "main.blockRead" || flat < n-2 {
		t.Errorf("the top entry of syscope's threads profile is %s with %d threads, want main.blockRead with at least %d", fn, flat, n-2)
	}

	// runtime/pprof: the same run's threads, none of them on blockRead.
	tc := cmd(nil, "go", "tool", "pprof", "-top", "threadcreate.pb.gz")
	t.Logf("go tool pprof -top threadcreate.pb.gz\n%s", tc)
	data, err := os.ReadFile(filepath.Join(dir, "threadcreate.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		t.Fatal(err)
	}
	var threads int64
	for _, s := range p.Sample {
		threads += s.Value[0]
		for _, l := range s.Location {
			for _, ln := range l.Line {
				if ln.Function.Name == "main.blockRead" {
					t.Errorf("runtime/pprof's threadcreate profile names main.blockRead: golang/go#6104 is fixed?\n%s", tc)
				}
			}
		}
	}
	if threads < n {
		t.Errorf("the threadcreate profile counts %d threads, want at least %d: the run did not make the threads", threads, n)
	}
}

// topEntry returns the function and flat value of the first row of the
// output of go tool pprof -top.
func topEntry(t *testing.T, top string) (string, int) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^ +flat +flat% .*\n +(\d+) +\S+ +\S+ +\d+ +\S+ +(\S+)$`).FindStringSubmatch(top)
	if m == nil {
		t.Fatalf("no entry in the output of go tool pprof -top:\n%s", top)
	}
	flat, _ := strconv.Atoi(m[1])
	return m[2], flat
}
