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

	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

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
	rel, err := releases.Version(real)
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := plan.All()
	p, err := plan.Select(plans, rel, false)
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
