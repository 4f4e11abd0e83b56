package overlay

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/syscope/syscope"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// TestGeneratorEmbedded: the cache key hashes syscope.Generator, so it
// must hold every source file of the generator.
func TestGeneratorEmbedded(t *testing.T) {
	for _, dir := range []string{".", "plan", "../internal/sysnames"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			emb := filepath.ToSlash(filepath.Join("overlay", name))
			disk, _ := os.ReadFile(name)
			got, err := fs.ReadFile(syscope.Generator, emb)
			if err != nil || !bytes.Equal(got, disk) {
				t.Errorf("%s is not embedded in syscope.Generator as it is on disk (%v)", emb, err)
			}
		}
	}
}

func TestKeyInputs(t *testing.T) {
	goroot := gorootFor(t, "local")
	plans, _ := plan.All()
	p, _ := plan.Select(plans, "go1.26.8", false)
	k1, _ := Key(goroot, "go1.26.8", p)
	k2, _ := Key(goroot, "go1.26.8", p)
	k3, _ := Key(goroot+"/.", "go1.26.8", p)
	k4, _ := Key(goroot, "go1.26.9", p)
	if k1 != k2 || k1 == k3 || k1 == k4 || len(k1) != 16 {
		t.Errorf("keys: same inputs %s %s, other GOROOT path %s, other release %s", k1, k2, k3, k4)
	}
}

func TestVersionOf(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	if got := versionOf(bi); got != "(devel) 0123456789ab+dirty" {
		t.Errorf("checkout build: %q", got)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Path: "example.com/m"}, Deps: []*debug.Module{{Path: modulePath, Version: "v0.4.0"}}}
	if got := versionOf(bi); got != "v0.4.0" {
		t.Errorf("dependency: %q", got)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}
	if got := versionOf(bi); got != "v1.2.3" {
		t.Errorf("go install @v1.2.3: %q", got)
	}
}

// TestVersionFile: the overlay names the syscope that made it and its
// key, between VersionMark and a NUL, for the dump and syscope check.
func TestVersionFile(t *testing.T) {
	goroot := gorootFor(t, "local")
	rel, _ := releases.Version(goroot)
	plans, _ := plan.All()
	p, _ := plan.Select(plans, rel, false)
	files, err := Files(goroot, rel, p)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := Key(goroot, rel, p)
	want := strings.ReplaceAll(VersionMark, "\x00", `\x00`) + SyscopeVersion() + ", overlay " + key + `\x00"`
	if v := string(files["src/runtime/syscope_version.go"]); !strings.Contains(v, want) || !strings.Contains(v, "const syscopeVersionMarkLen = 25\n") {
		t.Errorf("syscope_version.go lacks %s:\n%s", want, v)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration) {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		j := filepath.Join(dir, name, "overlay.json")
		os.WriteFile(j, []byte("{}"), 0o644)
		os.Chtimes(j, now.Add(-age), now.Add(-age))
		os.Chtimes(filepath.Join(dir, name), now.Add(-age), now.Add(-age))
	}
	for i, k := range []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc", "dddddddddddddddd", "eeeeeeeeeeeeeeee"} {
		mk("go1.26.8-"+k, time.Duration(i)*time.Minute)
	}
	mk("go1.26.80-ffffffffffffffff", time.Hour) // another release
	mk("go1.25.14-ffffffffffffffff", time.Hour)
	mk(".syscope-tmp-old", 2*time.Hour)
	mk(".syscope-tmp-new", time.Minute)
	markUsed(filepath.Join(dir, "go1.26.8-eeeeeeeeeeeeeeee")) // the oldest, used now
	removed, err := prune(dir, "go1.26.8", 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range removed {
		removed[i] = filepath.Base(removed[i])
	}
	sort.Strings(removed)
	if got, want := strings.Join(removed, " "), ".syscope-tmp-old go1.26.8-cccccccccccccccc go1.26.8-dddddddddddddddd"; got != want {
		t.Errorf("pruned %s, want %s", got, want)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if got, want := strings.Join(left, " "), ".syscope-tmp-new go1.25.14-ffffffffffffffff go1.26.8-aaaaaaaaaaaaaaaa go1.26.8-bbbbbbbbbbbbbbbb go1.26.8-eeeeeeeeeeeeeeee go1.26.80-ffffffffffffffff"; got != want {
		t.Errorf("left %s, want %s", got, want)
	}
}

func TestCacheBound(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("SYSCOPE_CACHE", cache)
	goroot := gorootFor(t, "local")
	// The same toolchain under KeepPerRelease+1 GOROOT paths: each its own overlay.
	var jsons []string
	for i := 0; i <= KeepPerRelease; i++ {
		link := filepath.Join(t.TempDir(), "goroot")
		if err := os.Symlink(goroot, link); err != nil {
			t.Fatal(err)
		}
		r, err := Generate(Options{GOROOT: link})
		if err != nil {
			t.Fatal(err)
		}
		jsons = append(jsons, r.JSON)
		if i < KeepPerRelease && len(r.Pruned) != 0 || i == KeepPerRelease && (len(r.Pruned) != 1 || r.Pruned[0] != filepath.Dir(jsons[0])) {
			t.Errorf("generation %d pruned %v", i, r.Pruned)
		}
	}
	if _, err := os.Stat(jsons[0]); !os.IsNotExist(err) {
		t.Errorf("the least recently used overlay is still there: %v", err)
	}
	var reported []string
	if err := Clean(true, func(dir string) { reported = append(reported, dir) }); err != nil {
		t.Fatal(err)
	}
	if len(reported) != 1 || reported[0] != filepath.Join(cache, "overlay") {
		t.Errorf("clean -n reports %v", reported)
	}
	if _, err := os.Stat(jsons[KeepPerRelease]); err != nil {
		t.Errorf("clean -n removed: %v", err)
	}
	os.WriteFile(filepath.Join(cache, "other"), nil, 0o644)
	if err := Clean(false, func(string) {}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 1 || ents[0].Name() != "other" {
		t.Errorf("after clean the cache holds %v, want only the file clean does not own", ents)
	}
}

// TestAddedFile: an added file's "//go:build ignore" line becomes the
// file's own constraint, with the +build line go1.16 reads, or nothing.
func TestAddedFile(t *testing.T) {
	for _, c := range []struct{ in, out, err string }{
		{"//go:build ignore\n\npackage runtime\n", "\npackage runtime\n", ""},
		{"//go:build ignore && go1.20 && !go1.21\n\npackage runtime\n", "//go:build go1.20 && !go1.21\n// +build go1.20,!go1.21\n\npackage runtime\n", ""},
		{"//go:build ignore && !go1.20\n\npackage runtime\n", "//go:build !go1.20\n// +build !go1.20\n\npackage runtime\n", ""},
		{"package runtime\n", "", "must start with //go:build ignore"},
		{"//go:build ignore && (go1.20\n\npackage runtime\n", "", "first line must be"},
		{"//go:build ignore || go1.20\n\npackage runtime\n", "", "first line must be"},
	} {
		out, err := addedFile([]byte(c.in))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("addedFile(%q): error %v, want one containing %q", c.in, err, c.err)
		case c.err == "" && (err != nil || string(out) != c.out):
			t.Errorf("addedFile(%q) = %q, %v; want %q", c.in, out, err, c.out)
		}
	}
}
