package releases

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/syscope/syscope/overlay/plan"
)

func TestNames(t *testing.T) {
	listed := []string{"go1.16.15", "go1.13.15", "go1.16.3", "go1.21.0", "go1.21.2", "go1.14.2"}
	Sort(listed)
	if got := strings.Join(listed, " "); got != "go1.13.15 go1.14.2 go1.16.3 go1.16.15 go1.21.0 go1.21.2" {
		t.Fatalf("Sort: %s", got)
	}
	if got := strings.Join(Newest(listed), " "); got != "go1.13.15 go1.14.2 go1.16.15 go1.21.2" {
		t.Errorf("Newest: %s", got)
	}
	every := Every([]string{"go1.16.2", "go1.21.1"})
	if got := strings.Join(every, " "); got != "go1.16 go1.16.1 go1.16.2 go1.21.0 go1.21.1" {
		t.Errorf("Every: %s", got)
	}
	for _, c := range [][2]string{{"go1.14", "go1.14.2"}, {"go1.16", "go1.16.15"}, {"go1.16.4", "go1.16.4"}, {"go1.16.0", "go1.16"}, {"go1.21.0", "go1.21.0"}} {
		got, err := Resolve(listed, c[0])
		if err != nil || got != c[1] {
			t.Errorf("Resolve(%s) = %s, %v; want %s", c[0], got, err, c[1])
		}
	}
	for _, bad := range []string{"1.14", "go1.15", "gox"} {
		if _, err := Resolve(listed, bad); err == nil {
			t.Errorf("Resolve(%s): no error", bad)
		}
	}
	if Minor("go1.14.15") != "go1.14" || Patch("go1.14.15") != 15 || Patch("go1.16") != 0 {
		t.Errorf("Minor/Patch")
	}
	for _, s := range []string{"go1.22rc1", "go1.21beta2"} {
		if Stable(s) {
			t.Errorf("Stable(%s)", s)
		}
	}
}

// TestProxy asks the module proxy: the releases the examples need are
// listed, and one it lacks fails to fetch with a clear reason.
func TestProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("asks the module proxy and fetches toolchains")
	}
	listed, err := List()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"go1.2.2", "go1.13.15", "go1.14.15", "go1.25.14"} {
		if !slices.Contains(listed, r) {
			t.Errorf("the proxy's list lacks %s", r)
		}
	}
	if slices.Contains(listed, "go1.14.3") {
		t.Fatal("go1.14.3 is listed now; pick another missing release for this test")
	}
	_, err = Fetch("go1.14.3")
	if err == nil || !strings.Contains(err.Error(), "not on the module proxy") {
		t.Fatalf("Fetch(go1.14.3): %v", err)
	}
	tc, err := Fetch("go1.13.15")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tc.GOROOT, "toolchain@v0.0.1-go1.13.15") {
		t.Errorf("GOROOT %s", tc.GOROOT)
	}
	again, err := Fetch("go1.13.15")
	if err != nil || !again.Cached || again.GOROOT != tc.GOROOT {
		t.Errorf("second Fetch: %+v, %v; want it cached", again, err)
	}
	// The symbolic names resolve to the newest listed patch of their minor.
	_, newest, err := Supported()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Resolve(listed, newest)
	if err != nil {
		t.Fatal(err)
	}
	nt, err := Get(NewestSupported)
	if err != nil || nt.Release != want || !strings.Contains(nt.GOROOT, "toolchain@v0.0.1-"+want) {
		t.Errorf("Get(newest) = %+v, %v; want %s", nt, err, want)
	}
	lt, err := Get(Local)
	if err != nil || !Stable(lt.Release) {
		t.Errorf("Get(local) = %+v, %v; want a release", lt, err)
	}
}

// TestSupported: the plans' range is a run of minors each of which one
// plan covers, and the symbolic names fall inside it.
func TestSupported(t *testing.T) {
	oldest, newest, err := Supported()
	if err != nil {
		t.Fatal(err)
	}
	minors, err := Minors()
	if err != nil {
		t.Fatal(err)
	}
	if len(minors) < 2 || minors[0] != oldest || minors[len(minors)-1] != newest {
		t.Fatalf("Minors() = %v, want %s through %s", minors, oldest, newest)
	}
	plans, err := plan.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range minors {
		if _, err := plan.Select(plans, Name(m, 0), false); err != nil {
			t.Errorf("%s is in the supported range but no plan covers it: %v", m, err)
		}
	}
	for _, name := range []string{OldestSupported, NewestSupported, LastPsyscall} {
		m, ok, err := symbolicMinor(name, oldest, newest)
		if !ok || err != nil || !slices.Contains(minors, m) {
			t.Errorf("%s = %s, %v, %v; want a supported minor", name, m, ok, err)
		}
	}
	if m, _, _ := symbolicMinor(LastPsyscall, oldest, newest); m != "go1.25" {
		t.Errorf("last-psyscall = %s, want go1.25", m)
	}
	if _, _, err := symbolicMinor(LastPsyscall, "go1.26", "go1.27"); err == nil {
		t.Errorf("last-psyscall outside the range: no error")
	}
	for _, bad := range []string{"newer", "go1", "Local"} {
		if _, err := Lookup(bad); err == nil || !strings.Contains(err.Error(), "last-psyscall") {
			t.Errorf("Lookup(%q): %v, want an error listing the names", bad, err)
		}
	}
	if rel, err := Lookup("go1.16.0"); err != nil || rel != "go1.16" {
		t.Errorf("Lookup(go1.16.0) = %s, %v", rel, err)
	}
}

// TestNewestPatchOffline: with the proxy's list the newest listed patch
// wins; without it, the newest toolchain of the minor in the module
// cache, and an error naming both causes when there is none.
func TestNewestPatchOffline(t *testing.T) {
	mc := t.TempDir()
	for _, rel := range []string{"go1.16.14", "go1.16.9", "go1.17.2", "go1.16rc1"} {
		dir := filepath.Join(mc, "golang.org", "toolchain@v0.0.1-"+rel+"."+runtime.GOOS+"-"+runtime.GOARCH, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A download that never finished: no bin/go.
	os.MkdirAll(filepath.Join(mc, "golang.org", "toolchain@v0.0.1-go1.16.15."+runtime.GOOS+"-"+runtime.GOARCH), 0o755)
	if got, err := newestPatch("go1.16", []string{"go1.16.15", "go1.17.13"}, nil, mc); err != nil || got != "go1.16.15" {
		t.Errorf("online: %s, %v; want go1.16.15", got, err)
	}
	offline := errors.New("listing toolchains: GOPROXY=off")
	if got, err := newestPatch("go1.16", nil, offline, mc); err != nil || got != "go1.16.14" {
		t.Errorf("offline: %s, %v; want go1.16.14", got, err)
	}
	_, err := newestPatch("go1.18", nil, offline, mc)
	if err == nil || !strings.Contains(err.Error(), "GOPROXY=off") || !strings.Contains(err.Error(), "no go1.18 toolchain") {
		t.Errorf("offline, nothing cached: %v", err)
	}
}
