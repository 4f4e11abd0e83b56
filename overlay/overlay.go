// Package overlay makes the files of a `go build -overlay` directory for a
// toolchain: it reads the GOROOT, applies the plan that package plan picks for
// its release to the runtime and syscall sources, adds syscope's own
// files (runtime/ and the other package directories of this module,
// embedded), writes overlay.json, and keeps overlays in a cache keyed by
// everything they depend on. Package plan is the pure core; this package
// is its I/O.
package overlay

import (
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// Options say which toolchain to instrument and where.
type Options struct {
	GOROOT string // "" means `go env GOROOT` of the go on PATH
	Dir    string // output dir; "" means the cache
	Force  bool   // try the newest plan on a newer release
}

// Result describes a generated (or cached) overlay.
type Result struct {
	Release string
	Plan    *plan.Plan
	GOROOT  string // the GOROOT the overlay's paths are under; use it to build
	JSON    string // path of overlay.json
	Cached  bool
	Elapsed time.Duration
	Pruned  []string // older overlays of the release that the cache bound removed
}

// GoCommand is the go binary that must run the build: the one in GOROOT.
func (r *Result) GoCommand() string { return filepath.Join(r.GOROOT, "bin", "go") }

// Env is what the build's environment must hold so that cmd/go uses
// r.GOROOT as it is: no toolchain switch, and, for releases before
// go1.21, no go env file, whose newer settings they may reject.
func (r *Result) Env() []string {
	env := []string{"GOROOT=" + r.GOROOT, "GOTOOLCHAIN=local"}
	if version.Compare(r.Release, "go1.21") < 0 {
		env = append(env, "GOENV=off")
	}
	return env
}

// CacheDir is where overlays and GOROOT links are kept: overlay/RELEASE-KEY
// and goroot/RELEASE, bounded by KeepPerRelease and emptied by Clean.
func CacheDir() (string, error) {
	if d := os.Getenv("SYSCOPE_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "syscope"), nil
}

// Generate builds the overlay for a toolchain. A failure leaves nothing
// behind: no overlay.json is written unless every edit applied.
func Generate(o Options) (*Result, error) {
	start := time.Now()
	goroot := o.GOROOT
	if goroot == "" {
		var err error
		if goroot, err = GoEnvGOROOT(); err != nil {
			return nil, err
		}
	}
	goroot, err := filepath.Abs(goroot)
	if err != nil {
		return nil, err
	}
	release, err := releases.Version(goroot)
	if err != nil {
		return nil, err
	}
	plans, err := plan.All()
	if err != nil {
		return nil, err
	}
	p, err := plan.Select(plans, release, o.Force)
	if err != nil {
		return nil, err
	}
	cache, err := CacheDir()
	if err != nil && (o.Dir == "" || inModCache(goroot)) {
		return nil, fmt.Errorf("no cache directory: %w", err)
	}
	if goroot, err = LinkGOROOT(goroot, release); err != nil {
		return nil, err
	}
	key, err := Key(goroot, release, p)
	if err != nil {
		return nil, err
	}
	r := &Result{Release: release, Plan: p, GOROOT: goroot}
	dir := o.Dir
	if dir == "" {
		dir = filepath.Join(cache, "overlay", release+"-"+key)
		if _, err := os.Stat(filepath.Join(dir, "overlay.json")); err == nil {
			markUsed(dir)
			r.JSON, r.Cached, r.Elapsed = filepath.Join(dir, "overlay.json"), true, time.Since(start)
			return r, nil
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	files, err := makeFiles(goroot, release, p, key)
	if err != nil {
		return nil, err
	}
	if r.JSON, err = Write(dir, goroot, files); err != nil {
		return nil, fmt.Errorf("writing overlay: %w", err)
	}
	if o.Dir == "" {
		if r.Pruned, err = prune(filepath.Dir(dir), release, KeepPerRelease); err != nil {
			return nil, fmt.Errorf("bounding the cache: %w", err)
		}
	}
	r.Elapsed = time.Since(start)
	return r, nil
}

func inModCache(goroot string) bool {
	return strings.Contains(filepath.ToSlash(goroot), "/golang.org/toolchain@")
}
