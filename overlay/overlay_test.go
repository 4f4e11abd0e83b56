package overlay

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const src = `package runtime

func f() {
	gp := getg()
	gp.m.locks++ // see comment
	if ok {
		work()
	}
	work()
	work()
}
`

func plan(t *testing.T, edits string) *FileEdits {
	t.Helper()
	p, err := ParsePlan("test.plan", []byte("releases go1.26 go1.27\n-- src/runtime/x.go --\n"+edits))
	if err != nil {
		t.Fatal(err)
	}
	return p.Files[0]
}

func TestApplyKeepsLines(t *testing.T) {
	fe := plan(t, `
edit a
	func f
	after "gp.m.locks++ // see comment"
	insert "hookA()"
edit b
	func f
	inside "if ok {"
	insert "hookB()"
edit c
	func f
	before-each "work()"
	insert "hookC()"
edit d
	func f
	top
	insert "hookD()"
`)
	out, err := ApplyEdits("test.plan", fe, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bytes.Count(out, []byte("\n")), bytes.Count([]byte(src), []byte("\n")); got != want {
		t.Errorf("patched file has %d lines, want %d", got, want)
	}
	for _, want := range []string{
		"func f() { hookD();",
		"gp.m.locks++; hookA() // see comment",
		"if ok { hookB();",
		"\t\thookC(); work()",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("patched file lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(string(out), "hookC()"); n != 3 {
		t.Errorf("before-each inserted %d times, want 3", n)
	}
}

func TestApplyErrors(t *testing.T) {
	for _, tc := range []struct{ edits, want string }{
		{"edit gone\n\tfunc f\n\tbefore \"missing()\"\n\tinsert \"h()\"\n",
			`test.plan: src/runtime/x.go: edit "gone": anchor "missing()" not found in func f`},
		{"edit twice\n\tfunc f\n\tbefore \"work()\"\n\tinsert \"h()\"\n",
			`edit "twice": anchor "work()" matched 3 times in func f, want 1`},
		{"edit nofunc\n\tfunc g\n\ttop\n\tinsert \"h()\"\n",
			`edit "nofunc": func g not found`},
		{"edit noblock\n\tfunc f\n\tinside \"gp := getg()\"\n\tinsert \"h()\"\n",
			`has no block to insert into`},
	} {
		_, err := ApplyEdits("test.plan", plan(t, tc.edits), []byte(src), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
	if _, err := ApplyEdits("test.plan", plan(t, "edit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n"), []byte(src+"// syscope\n"), nil); err == nil {
		t.Error("patching an already patched file succeeded")
	}
}

func TestParsePlanErrors(t *testing.T) {
	for _, tc := range []struct{ plan, want string }{
		{"-- src/runtime/x.go --\n", `missing "releases"`},
		{"releases go1.26\n", `want "releases goX.Y goX.Y"`},
		{"releases go1.26 go1.27\n-- x.go --\nedit a\n\tfunc f\n\tinsert \"h()\"\n", "needs a position"},
		{"releases go1.26 go1.27\n-- x.go --\nedit a\n\tfunc f\n\tsideways \"x\"\n", `unknown keyword "sideways"`},
	} {
		_, err := ParsePlan("t.plan", []byte(tc.plan))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParsePlan(%q) error = %v, want %q", tc.plan, err, tc.want)
		}
	}
}

func TestSelect(t *testing.T) {
	plans, err := Plans()
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"go1.26.8": "patches/go1.26.plan", "go1.27.4": "patches/go1.26.plan", "go1.25.14": "patches/go1.20.plan", "go1.20.0": "patches/go1.20.plan"} {
		p, err := Select(plans, v, false)
		if err != nil || p.Name != want {
			t.Errorf("Select(%s) = %v, %v; want %s", v, p, err, want)
		}
	}
	if _, err := Select(plans, "go1.15.15", false); err == nil || !strings.Contains(err.Error(), "go1.15.15 is not supported: syscope supports go1.") {
		t.Errorf("old release: %v", err)
	}
	if _, err := Select(plans, "go1.99.1", false); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("new release: %v", err)
	}
	if p, err := Select(plans, "go1.99.1", true); err != nil || p != plans[len(plans)-1] {
		t.Errorf("-force on a new release: %v, %v", p, err)
	}
}

// gorootFor returns the GOROOT of a toolchain, fetching it through the
// module proxy if needed ("local" is the go on PATH).
func gorootFor(t *testing.T, tc string) string {
	t.Helper()
	if tc != "local" && testing.Short() {
		t.Skip("fetches " + tc + " from the module proxy, which -short does not")
	}
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+tc, "GOENV=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOTOOLCHAIN=%s go env GOROOT: %v", tc, err)
	}
	return strings.TrimSpace(string(out))
}

// TestTamperedGOROOT removes one anchor from a copy of the local GOROOT's
// files: generation must fail naming plan, file, edit, function and
// anchor, and write no overlay.json.
func TestTamperedGOROOT(t *testing.T) {
	real := gorootFor(t, "local")
	fake := t.TempDir()
	rel, err := Version(real)
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := Plans()
	p, err := Select(plans, rel, false)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"VERSION"}
	for _, fe := range p.Files {
		names = append(names, fe.Path)
	}
	for _, f := range names {
		data, err := os.ReadFile(filepath.Join(real, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "src/runtime/proc.go" {
			data = bytes.Replace(data, []byte("\tmcall(exitsyscall0)\n"), []byte("\tmcall(exitsyscallNoP)\n"), 1)
			data = bytes.Replace(data, []byte("\t\tstoplockedm()\n\t\texecute(gp, false) // Never returns.\n"), []byte("\t\texecute(gp, false) // Never returns.\n"), 1)
		}
		if strings.HasSuffix(f, "syscall/linux/asm_linux_amd64.s") {
			// One more instruction in the body syscopeRecSyscall6 stands in for.
			data = bytes.Replace(data, []byte("\tMOVQ\tBX, DI  // a1\n"), []byte("\tMOVQ\tBX, DI  // a1\n\tNOP\n"), 1)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(fake, f)), 0o755)
		os.WriteFile(filepath.Join(fake, f), data, 0o644)
	}
	out := filepath.Join(t.TempDir(), "ov")
	_, err = Generate(Options{GOROOT: fake, Dir: out})
	if err == nil || !strings.Contains(err.Error(), `src/runtime/proc.go: edit "exit-slow-locked": anchor "stoplockedm()" not found in func exitsyscall`) {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(err.Error(), `edit "wrapper": TEXT ·Syscall6 is not the body this edit stands in for (sha256 `) {
		t.Errorf("error does not reject the changed Syscall6 body: %v", err)
	}
	if !strings.Contains(err.Error(), "patches/go1.") {
		t.Errorf("error does not name the plan: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "overlay.json")); !os.IsNotExist(err) {
		t.Errorf("overlay.json was written for a failed generation (stat: %v)", err)
	}
}

// TestGenerateCached: the first Generate writes the overlay, the second
// finds it in the cache and writes nothing: overlay.json and every file
// beside it keep their modification times. (Not a duration, which a
// shared machine makes flaky.)
func TestGenerateCached(t *testing.T) {
	t.Setenv("SYSCOPE_CACHE", t.TempDir())
	goroot := gorootFor(t, "local")
	r, err := Generate(Options{GOROOT: goroot})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cached {
		t.Fatalf("cold generation reports cached")
	}
	mtimes := func() map[string]time.Time {
		m := map[string]time.Time{}
		filepath.WalkDir(filepath.Dir(r.JSON), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if fi, err := d.Info(); err == nil {
					m[path] = fi.ModTime()
				}
			}
			return nil
		})
		return m
	}
	before := mtimes()
	if len(before) < 2 {
		t.Fatalf("cold generation wrote %d files", len(before))
	}
	time.Sleep(10 * time.Millisecond) // so that a rewrite would show in the mtimes
	again, err := Generate(Options{GOROOT: goroot})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.JSON != r.JSON {
		t.Errorf("second generation: cached=%v at %s, want the cached %s", again.Cached, again.JSON, r.JSON)
	}
	after := mtimes()
	for path, mt := range before {
		if !after[path].Equal(mt) {
			t.Errorf("cached generation rewrote %s", path)
		}
	}
	if len(after) != len(before) {
		t.Errorf("cached generation left %d files, want the %d there were", len(after), len(before))
	}
}
