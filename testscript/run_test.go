package testscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScriptFailures runs scripts on the local toolchain: `go` is a
// command, and a failure is told apart as in the script's text or not.
func TestScriptFailures(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	const prog = "-- go.mod --\nmodule p\n\ngo 1.16\n-- main.go --\npackage main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tfmt.Println(\"hello from\", os.Args[1:])\n\tif len(os.Args) > 1 {\n\t\tos.Exit(3)\n\t}\n}\n"
	for _, c := range []struct {
		name, script string
		pass         bool
		line         int
		inScript     bool
		msg          string
	}{
		{"go run", "go run .\nstdout 'hello from \\[\\]'\n", true, 0, false, ""},
		{"exec go", "exec go run .\nstdout 'hello from'\n", true, 0, false, ""},
		{"go fails", "go run . x\n", false, 1, false, "go run: exit status 1"},
		{"! go passes", "# a phase\n! go run .\n", false, 2, false, "unexpected success"},
		{"assertion", "go run .\nstdout 'goodbye'\n", false, 2, false, "no match for"},
		{"unknown command", "# a phase\n\ngp run .\n", false, 3, true, `unknown command "gp"`},
		{"go usage", "go\n", false, 1, true, "usage: go"},
		{"bad condition", "[nosuch] go run .\n", false, 1, true, `bad condition "nosuch"`},
		{"bad regexp", "go run .\nstdout '('\n", false, 2, true, "error parsing regexp"},
		{"quote", "go run 'x\n", false, 1, true, "unterminated quoted argument"},
		{"implicit exec", "true\n", false, 1, true, "unknown command"},
		{"builtin usage", "cd\n", false, 1, true, "usage: cd"},
		{"syscope usage", "exitcode\n", false, 1, true, "usage: exitcode"},
		{"metric name", "dump d.json typo.calls == 0\n", false, 1, true, `unknown system call "typo"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "s.txtar")
			valid, err := os.ReadFile(filepath.Join("..", "dump", "testdata", "valid.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(c.script+prog+"-- d.json --\n"+string(valid)), 0o644); err != nil {
				t.Fatal(err)
			}
			s := &Script{File: file}
			pass, log, err := s.Run(goroot)
			if err != nil {
				t.Fatal(err)
			}
			if pass != c.pass {
				t.Fatalf("pass = %v, want %v:\n%s", pass, c.pass, log)
			}
			f := ParseFailure(log)
			if c.pass {
				if f != nil {
					t.Errorf("a script that passed has a failure %+v", f)
				}
				return
			}
			if f == nil || f.Line != c.line || f.InScript != c.inScript || !strings.Contains(f.Message, c.msg) {
				t.Errorf("failure %+v, want line %d, in script %v, with %q:\n%s", f, c.line, c.inScript, c.msg, log)
			}
		})
	}
}

// TestScriptEnvCollect: Env sees $WORK, and Collect gets the work
// directory of a script that passed, with what the script left there.
func TestScriptEnvCollect(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "s.txtar")
	os.WriteFile(file, []byte("exec sh -c 'echo left > $OUT'\n"), 0o644)
	var got string
	s := &Script{File: file, Env: []string{"OUT=$WORK/out.txt"}, Collect: func(work string) error {
		data, err := os.ReadFile(filepath.Join(work, "out.txt"))
		got = string(data)
		return err
	}}
	pass, log, err := s.Run(strings.TrimSpace(string(out)))
	if err != nil || !pass {
		t.Fatalf("pass %v, err %v:\n%s", pass, err, log)
	}
	if got != "left\n" {
		t.Errorf("Collect read %q", got)
	}
}

// TestParams runs a script as the suites do, through Params: `go` and
// `exec go` are both the toolchain under test, with GOTOOLCHAIN=local,
// `! go` expects a failure, syscope's conditions are there, and vars
// see $WORK.
func TestParams(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	dir := t.TempDir()
	file := filepath.Join(dir, "params.txtar")
	script := "go env GOROOT GOTOOLCHAIN\ncmp stdout want\n" +
		"exec go env GOROOT GOTOOLCHAIN\ncmp stdout want\n" +
		"! go build nosuch.go\nstderr nosuch.go\n" +
		"[release:go1.16] exec sh -c 'echo left > $OUT'\nexists out.txt\n" +
		"-- want --\n" + goroot + "\nlocal\n"
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Params(goroot, nil, "OUT=$WORK/out.txt")
	if err != nil {
		t.Fatal(err)
	}
	p.Files = []string{file}
	testscript.Run(t, p)
}
