// Package releases lists Go releases and fetches their toolchains through
// the module proxy, the way GOTOOLCHAIN=goX.Y.Z does. Toolchains are
// modules (golang.org/toolchain@v0.0.1-goX.Y.Z.GOOS-GOARCH), so a fetched
// one stays in the module cache and the next Fetch of it costs one
// `go env GOROOT`.
//
// Releases are named as Go names them: go1.13.15, go1.21.0, and go1.16
// for the first release of a minor before go1.21. They are ordered with
// go/version.
//
// Besides releases, a toolchain can be named by its role (see Lookup):
// "local", "oldest", "newest" and "last-psyscall", resolved when used
// against the plans' supported range and the proxy's list. GOROOT gives
// any such name's GOROOT; it is the one place that computes one.
package releases

import (
	"bytes"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// goEnv is the environment for the go commands this package runs: no go
// env file, whose settings (GOFLAGS, GOTOOLCHAIN=local) releases before
// go1.21 reject or that would stop the toolchain switch.
func goEnv(extra ...string) []string {
	return append(append(os.Environ(), "GOENV=off", "GOFLAGS="), extra...)
}

// List returns the stable releases for this GOOS/GOARCH that the module
// proxy lists, oldest first. The list has gaps: some releases download
// although it does not name them (see Every).
func List() ([]string, error) {
	cmd := exec.Command("go", "list", "-m", "-versions", "golang.org/toolchain")
	cmd.Env = goEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing toolchains: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return nil, fmt.Errorf("listing toolchains: the proxy lists none")
	}
	suffix := "." + runtime.GOOS + "-" + runtime.GOARCH
	var rels []string
	for _, v := range f[1:] {
		rel, ok := strings.CutSuffix(strings.TrimPrefix(v, "v0.0.1-"), suffix)
		if ok && Stable(rel) {
			rels = append(rels, rel)
		}
	}
	Sort(rels)
	return rels, nil
}

// Stable reports whether rel names a release, not a beta or an rc.
func Stable(rel string) bool {
	return version.IsValid(rel) && !strings.ContainsAny(strings.TrimPrefix(rel, "go"), "abcdefghijklmnopqrstuvwxyz")
}

// Sort orders releases oldest first.
func Sort(rels []string) {
	slices.SortFunc(rels, version.Compare)
}

// Minor returns the minor a release belongs to: go1.14 for go1.14.15.
func Minor(rel string) string { return version.Lang(rel) }

// Patch returns the patch number of a release: 15 for go1.14.15, 0 for go1.16.
func Patch(rel string) int {
	s := strings.TrimPrefix(rel, Minor(rel))
	n, _ := strconv.Atoi(strings.TrimPrefix(s, "."))
	return n
}

// Name returns the name of patch p of a minor: go1.16 for the first
// release of go1.16, since before go1.21 it has no ".0", and go1.21.0.
func Name(minor string, p int) string {
	if p == 0 && version.Compare(minor, "go1.21") < 0 {
		return minor
	}
	return minor + "." + strconv.Itoa(p)
}

// Newest returns the newest listed release of each minor, oldest first.
func Newest(listed []string) []string {
	newest := map[string]string{}
	for _, r := range listed {
		m := Minor(r)
		if cur, ok := newest[m]; !ok || version.Compare(r, cur) > 0 {
			newest[m] = r
		}
	}
	var rels []string
	for _, r := range newest {
		rels = append(rels, r)
	}
	Sort(rels)
	return rels
}

// Every returns every patch release of each listed minor, from its first
// up to its newest listed one, oldest first. The proxy's list has gaps
// that still download (go1.24.12, say); releases it really lacks fail to
// Fetch and are for the caller to skip.
func Every(listed []string) []string {
	var rels []string
	for _, newest := range Newest(listed) {
		for p := 0; p <= Patch(newest); p++ {
			rels = append(rels, Name(Minor(newest), p))
		}
	}
	return rels
}

// Between returns the releases of rels in the closed range [from, to].
func Between(rels []string, from, to string) []string {
	var out []string
	for _, r := range rels {
		if version.Compare(r, from) >= 0 && version.Compare(r, to) <= 0 {
			out = append(out, r)
		}
	}
	return out
}

// Resolve turns a user's name for a release into one release: a minor
// (go1.14) means its newest listed patch; a full release (go1.14.3) means
// itself, listed or not. go1.16.0 is spelt go1.16, as Go spells it.
func Resolve(listed []string, name string) (string, error) {
	if !version.IsValid(name) {
		return "", fmt.Errorf("%q is not a Go release (want go1.N or go1.N.P)", name)
	}
	if m := Minor(name); m != name {
		return Name(m, Patch(name)), nil
	}
	for _, r := range slices.Backward(listed) {
		if Minor(r) == name {
			return r, nil
		}
	}
	return "", fmt.Errorf("the module proxy lists no release of %s", name)
}

// Toolchain is a fetched release.
type Toolchain struct {
	Release string
	GOROOT  string
	Cached  bool          // it was in the module cache already
	Elapsed time.Duration // time taken to find or fetch it
}

var modcache struct {
	once sync.Once
	dir  string
}

// modCache returns GOMODCACHE of the go on PATH, or "" if it cannot tell.
func modCache() string {
	modcache.once.Do(func() {
		cmd := exec.Command("go", "env", "GOMODCACHE")
		cmd.Env = goEnv()
		if out, err := cmd.Output(); err == nil {
			modcache.dir = strings.TrimSpace(string(out))
		}
	})
	return modcache.dir
}

// Fetch returns the GOROOT of a release, downloading it into the module
// cache if it is not there: `go env GOROOT` with GOTOOLCHAIN=rel. The go
// on PATH must be go1.21 or later. A release the proxy does not have is
// an error that says so; for the local go's own release no download
// happens.
func Fetch(rel string) (*Toolchain, error) {
	start := time.Now()
	t := &Toolchain{Release: rel}
	if mc := modCache(); mc != "" {
		dir := filepath.Join(mc, "golang.org", "toolchain@v0.0.1-"+rel+"."+runtime.GOOS+"-"+runtime.GOARCH)
		if _, err := os.Stat(filepath.Join(dir, "bin", "go")); err == nil {
			t.Cached = true
		}
	}
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Env = goEnv("GOTOOLCHAIN=" + rel)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	t.Elapsed = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %s", rel, fetchError(stderr.String(), err))
	}
	t.GOROOT = strings.TrimSpace(string(out))
	if !t.Cached && !strings.Contains(stderr.String(), "downloading") {
		t.Cached = true // the local go is this release
	}
	return t, nil
}

// fetchError shortens cmd/go's download failure to its cause.
func fetchError(stderr string, err error) string {
	s := strings.TrimSpace(stderr)
	if strings.Contains(s, "not available") || strings.Contains(s, "404 Not Found") || strings.Contains(s, "403 Forbidden") {
		return "not on the module proxy"
	}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "go: downloading") {
			return l
		}
	}
	return err.Error()
}
