package releases

import (
	"slices"
	"strings"
	"testing"
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
}
