package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestMain runs the test binary as syscope when the CLI tests start it
// with SYSCOPE_CLI_TEST=main.
func TestMain(m *testing.M) {
	if os.Getenv("SYSCOPE_CLI_TEST") == "main" {
		os.Args = append([]string{"syscope"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runSyscope runs the test binary as syscope in dir with args and returns
// its standard output, standard error and exit status.
func runSyscope(t *testing.T, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SYSCOPE_CLI_TEST=main")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string // regexp the whole of stderr must match
	}{
		{[]string{"report"}, `^usage: syscope report \[-format text\|json\] dump\.json\|dir\.\.\.\n  -format format\n`},
		{[]string{"report", "-format"}, `^flag needs an argument: -format\nusage: syscope report `},
		{[]string{"report", "-bogus", "a.json"}, `^flag provided but not defined: -bogus\nusage: syscope report `},
		{[]string{"report", "-format", "xml", "a.json"}, `^syscope: unknown -format "xml" \(want text or json\)\nusage: syscope report `},
		{[]string{"versions", "extra"}, `^usage: syscope versions\n$`},
		{[]string{"overlay", "extra"}, `^usage: syscope overlay \[-goroot dir\] .*\n(.*\n)*  -v\t`},
		{[]string{"build", "-overlay=x.json", "."}, `^syscope: cannot use -overlay with syscope build: it supplies its own\nusage: syscope build \[-n\] \[-x\] .*\n(.*\n)*The other flags are the go command's: go help build\n$`},
		{[]string{"run", "-n=maybe", "."}, `^invalid boolean value "maybe" for -n: .*\nusage: syscope run `},
		{[]string{"nosuch"}, `^syscope: unknown command "nosuch"\nusage:\n\tsyscope overlay `},
		{nil, `^usage:\n\tsyscope overlay `},
	} {
		stdout, stderr, status := runSyscope(t, dir, c.args...)
		if status != 2 || stdout != "" || !regexp.MustCompile(c.want).MatchString(stderr) {
			t.Errorf("syscope %s: exit status %d, stdout %q, stderr %q; want 2, nothing, stderr matching %q", strings.Join(c.args, " "), status, stdout, stderr, c.want)
		}
	}
	// Every command prints its own usage line on -h, and runs nothing.
	for _, c := range commands {
		stdout, stderr, status := runSyscope(t, dir, c.name, "-h")
		if status != 2 || stdout != "" || !strings.HasPrefix(stderr, "usage: syscope "+c.usage+"\n") {
			t.Errorf("syscope %s -h: exit status %d, stdout %q, stderr %q; want 2, nothing, the usage line", c.name, status, stdout, stderr)
		}
	}
}

func TestFailure(t *testing.T) {
	stdout, stderr, status := runSyscope(t, t.TempDir(), "report", "missing.json")
	if status != 1 || stdout != "" || !strings.HasPrefix(stderr, "syscope: open missing.json: no such file or directory\n") || strings.Contains(stderr, "usage:") {
		t.Errorf("syscope report missing.json: exit status %d, stdout %q, stderr %q; want 1, nothing, syscope: and the cause without the usage", status, stdout, stderr)
	}
}

// TestOverlayOutput checks that overlay prints only the path on
// standard output, and -v its information on standard error.
func TestOverlayOutput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SYSCOPE_CACHE", filepath.Join(dir, "cache"))
	stdout, stderr, status := runSyscope(t, dir, "overlay", "-v")
	if status != 0 || !regexp.MustCompile(`^/\S+/overlay\.json\n$`).MatchString(stdout) {
		t.Fatalf("syscope overlay -v: exit status %d, stdout %q, stderr %q; want 0 and the path of overlay.json alone", status, stdout, stderr)
	}
	if !regexp.MustCompile(`^syscope: release go1\.\S+, plan \S+, GOROOT /\S+, generated in [0-9.]+ ms\n$`).MatchString(stderr) {
		t.Errorf("syscope overlay -v: stderr %q, want the release, plan, GOROOT and time", stderr)
	}
	if _, err := os.Stat(strings.TrimSpace(stdout)); err != nil {
		t.Errorf("syscope overlay -v printed a path that is not there: %v", err)
	}
	again, stderr, _ := runSyscope(t, dir, "overlay")
	if again != stdout || stderr != "" {
		t.Errorf("syscope overlay, cached: stdout %q, stderr %q; want %q and nothing", again, stderr, stdout)
	}
}

// TestDryRun checks the line that -n prints; without -short it also runs
// that line with sh and checks that it builds an instrumented binary,
// and that -x prints the same line, with -x, before go's own commands.
//
// It uses the cache that SYSCOPE_CACHE names, or the default one, so that
// the build can reuse the instrumented runtime that GOCACHE holds.
func TestDryRun(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"go.mod":  "module hello\n\ngo 1.16\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	line, stderr, status := runSyscope(t, dir, "build", "-trimpath", "-o", "with space", "-n", ".")
	want := `^GOROOT=/\S+ GOTOOLCHAIN=local (GOENV=off )?/\S+/bin/go build -overlay=/\S+/overlay\.json -trimpath -o 'with space' \.\n$`
	if status != 0 || stderr != "" || !regexp.MustCompile(want).MatchString(line) {
		t.Fatalf("syscope build -n: exit status %d, stdout %q, stderr %q; want 0, a line matching %q, nothing", status, line, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "with space")); err == nil {
		t.Errorf("syscope build -n built the binary")
	}
	if testing.Short() {
		return
	}
	sh := exec.Command("sh", "-c", line)
	sh.Dir = dir
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("sh -c %q: %v\n%s", line, err, out)
	}
	if _, stderr, status := runSyscope(t, dir, "check", "with space"); status != 0 {
		t.Errorf("the binary that the -n line built is not instrumented: %s", stderr)
	}

	stdout, stderr, status := runSyscope(t, dir, "build", "-x", "-trimpath", "-o", "with space", ".")
	first, rest, _ := strings.Cut(stderr, "\n")
	wantFirst := strings.Replace(strings.TrimSpace(line), " -trimpath", " -x -trimpath", 1)
	if status != 0 || stdout != "" || first != wantFirst || !strings.Contains(rest, "WORK=") {
		t.Errorf("syscope build -x: exit status %d, stdout %q, stderr %q; want 0, nothing, %q and then go's -x output", status, stdout, stderr, wantFirst)
	}
}

func TestGoFlags(t *testing.T) {
	for _, c := range []struct {
		verb      string
		args      []string
		own, rest []string
	}{
		{"build", []string{"-n", "-o", "x", "."}, []string{"-n"}, []string{"-o", "x", "."}},
		{"build", []string{"-o", "x", "-x", "."}, []string{"-x"}, []string{"-o", "x", "."}},
		{"build", []string{"-tags", "a", "--n=false", "-o=x", "-x", "./..."}, []string{"--n=false", "-x"}, []string{"-tags", "a", "-o=x", "./..."}},
		{"build", []string{".", "-x"}, nil, []string{".", "-x"}},
		{"run", []string{"-x", ".", "-n", "-x"}, []string{"-x"}, []string{".", "-n", "-x"}},
		{"run", []string{"-exec", "sudo", "-n", "./cmd", "-h"}, []string{"-n"}, []string{"-exec", "sudo", "./cmd", "-h"}},
		{"run", []string{"--", "-n"}, nil, []string{"--", "-n"}},
		{"test", []string{"./...", "-run", "X", "-x", "-args", "-n"}, []string{"-x"}, []string{"./...", "-run", "X", "-args", "-n"}},
		{"test", []string{"-h"}, []string{"-h"}, nil},
	} {
		own, rest, err := goFlags(c.verb, c.args)
		if err != nil || !reflect.DeepEqual(own, c.own) || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("goFlags(%q, %q) = %q, %q, %v; want %q, %q", c.verb, c.args, own, rest, err, c.own, c.rest)
		}
	}
	for _, args := range [][]string{{"-overlay", "x.json", "."}, {"-o", "x", "--overlay=x.json"}} {
		if _, _, err := goFlags("build", args); err == nil || !strings.Contains(err.Error(), "cannot use -overlay") {
			t.Errorf("goFlags(build, %q) = %v, want the -overlay refused", args, err)
		}
	}
	// -overlay among the program's arguments is the program's.
	if _, rest, err := goFlags("run", []string{".", "-overlay"}); err != nil || len(rest) != 2 {
		t.Errorf("goFlags(run, . -overlay) = %q, %v; want the program's argument kept", rest, err)
	}
}

// TestShellQuote runs quoted words through sh and checks that they come
// back as they were.
func TestShellQuote(t *testing.T) {
	words := []string{"plain", "/a/b-c_d.e:f,g@h%i+j=k", "", "with space", "it's", `"$HOME"`, "a\tb\nc", "*", "x;y", `back\slash`, "µs"}
	var line []string
	for _, w := range words {
		line = append(line, shellQuote(w))
	}
	if shellQuote("/usr/local/go/bin/go") != "/usr/local/go/bin/go" {
		t.Errorf("shellQuote quotes a plain path: %s", shellQuote("/usr/local/go/bin/go"))
	}
	out, err := exec.Command("sh", "-c", `for w in `+strings.Join(line, " ")+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if !reflect.DeepEqual(got, words) {
		t.Errorf("sh read %q back as %q", words, got)
	}
	if got, want := shellLine([]string{"GOROOT=/a b", "GOTOOLCHAIN=local"}, "/a b/bin/go", []string{"build", "."}), `GOROOT='/a b' GOTOOLCHAIN=local '/a b/bin/go' build .`; got != want {
		t.Errorf("shellLine = %s, want %s", got, want)
	}
}

// TestHelpVersion: the manual comes from the binary, whole or one
// command's part, and version names syscope and what it instruments.
func TestHelpVersion(t *testing.T) {
	dir := t.TempDir()
	out, stderr, status := runSyscope(t, dir, "help")
	if status != 0 || stderr != "" || !strings.HasPrefix(out, "Syscope builds Go programs") || !strings.Contains(out, "# Commands") && !strings.Contains(out, "Commands\n") {
		t.Errorf("syscope help: status %d, stderr %q, stdout starts %.80q", status, stderr, out)
	}
	out, _, status = runSyscope(t, dir, "help", "diff")
	if status != 0 || !strings.HasPrefix(out, "usage: syscope diff ") || !strings.Contains(out, "diff prints what happened in one process") || strings.Contains(out, "report prints a dump") {
		t.Errorf("syscope help diff: status %d, stdout %q", status, out)
	}
	out, _, status = runSyscope(t, dir, "help", "run")
	if status != 0 || !strings.Contains(out, "build, test and run are the go command") {
		t.Errorf("syscope help run: status %d, stdout %q", status, out)
	}
	_, stderr, status = runSyscope(t, dir, "help", "nosuch")
	if status != 2 || !strings.HasPrefix(stderr, `syscope: unknown command "nosuch"`) {
		t.Errorf("syscope help nosuch: status %d, stderr %q", status, stderr)
	}
	out, _, status = runSyscope(t, dir, "version")
	if status != 0 || !regexp.MustCompile(`^syscope \S+ linux/amd64, built with go1\.\d+.*; instruments linux/amd64`).MatchString(out) {
		t.Errorf("syscope version: status %d, stdout %q", status, out)
	}
}

// TestCrossRefused: a build for another platform fails before the go
// command runs, in one line naming the platform.
func TestCrossRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module p\n\ngo 1.16\n"), 0o644)
	for _, env := range [][]string{{"GOARCH=arm64"}, {"GOOS=darwin", "GOARCH=arm64"}, {"GOARCH=386"}} {
		exe, _ := os.Executable()
		cmd := exec.Command(exe, "build", "-n", ".")
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "SYSCOPE_CLI_TEST=main"), env...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		goos, goarch := "linux", env[len(env)-1][len("GOARCH="):]
		if len(env) == 2 {
			goos = "darwin"
		}
		want := "syscope: cannot build for " + goos + "/" + goarch + ": syscope instruments the system-call paths of linux/amd64 only\n"
		if err == nil || out.String() != "" || errb.String() != want {
			t.Errorf("%v syscope build -n: err %v, stdout %q, stderr %q; want a failure and %q", env, err, out.String(), errb.String(), want)
		}
	}
}

func TestCutChdir(t *testing.T) {
	for _, c := range []struct {
		in   []string
		dir  string
		rest []string
	}{
		{[]string{"-o", "x", "-C", "d", "."}, "d", []string{"-o", "x", "."}},
		{[]string{"-C=d", "-race"}, "d", []string{"-race"}},
		{[]string{"-o", "-C", "."}, "", []string{"-o", "-C", "."}},
		{[]string{".", "-C", "d"}, "", []string{".", "-C", "d"}},
	} {
		dir, rest := cutChdir(c.in)
		if dir != c.dir || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("cutChdir(%q) = %q, %q; want %q, %q", c.in, dir, rest, c.dir, c.rest)
		}
	}
}
