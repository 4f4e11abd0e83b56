package releases

import (
	"errors"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/syscope/syscope/overlay/plan"
)

// Toolchain names that stand for a release chosen at run time, so that
// the Makefile, the test suites and the tools name a role, not a number.
// Each but Local means the newest patch of one supported minor.
const (
	// Local is the go on PATH, as GOTOOLCHAIN=local means it.
	Local = "local"
	// OldestSupported is the oldest supported minor: the first
	// release on the oldest plan's "releases" line.
	OldestSupported = "oldest"
	// NewestSupported is the newest supported minor: the last minor
	// on the newest plan's "releases" line.
	NewestSupported = "newest"
	// LastPsyscall is the last minor whose runtime has the _Psyscall P
	// status, the minor before psyscallGone.
	LastPsyscall = "last-psyscall"
)

// psyscallGone is the first minor without _Psyscall: go1.26 rewrote
// exitsyscall so that a P stays wired to its M in a system call. It is a
// fact of Go's history, not of syscope's support, so it never moves.
const psyscallGone = "go1.26"

// Symbolic lists the names that Lookup resolves besides releases.
var Symbolic = []string{Local, OldestSupported, NewestSupported, LastPsyscall}

// Supported returns the oldest and the newest minor syscope supports,
// from the plans' "releases FIRST LAST" lines: supporting another minor
// is one line in a plan.
func Supported() (oldest, newest string, err error) {
	plans, err := plan.All()
	if err != nil {
		return "", "", fmt.Errorf("reading the plans: %w", err)
	}
	if len(plans) == 0 {
		return "", "", errors.New("reading the plans: there are none")
	}
	return Minor(plans[0].First), plans[len(plans)-1].Last, nil
}

// Minors returns every supported minor, oldest first.
func Minors() ([]string, error) {
	oldest, newest, err := Supported()
	if err != nil {
		return nil, err
	}
	return minorsBetween(oldest, newest)
}

func minorsBetween(oldest, newest string) ([]string, error) {
	a, err := minorNumber(oldest)
	if err != nil {
		return nil, err
	}
	b, err := minorNumber(newest)
	if err != nil {
		return nil, err
	}
	var ms []string
	for n := a; n <= b; n++ {
		ms = append(ms, "go1."+strconv.Itoa(n))
	}
	return ms, nil
}

// minorNumber returns N for go1.N.
func minorNumber(minor string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(Minor(minor), "go1."))
	if err != nil || !strings.HasPrefix(minor, "go1.") {
		return 0, fmt.Errorf("%q is not a Go 1 release", minor)
	}
	return n, nil
}

// symbolicMinor returns the minor a symbolic name stands for, given the
// supported range, and false for a name that is not symbolic.
func symbolicMinor(name, oldest, newest string) (string, bool, error) {
	switch name {
	case OldestSupported:
		return oldest, true, nil
	case NewestSupported:
		return newest, true, nil
	case LastPsyscall:
		n, err := minorNumber(psyscallGone)
		if err != nil {
			return "", true, err
		}
		m := "go1." + strconv.Itoa(n-1)
		if version.Compare(m, oldest) < 0 || version.Compare(m, newest) > 0 {
			return "", true, fmt.Errorf("%s is %s, outside the supported %s through %s", name, m, oldest, newest)
		}
		return m, true, nil
	}
	return "", false, nil
}

var listed = sync.OnceValues(List)

// Lookup turns a toolchain name into the release it stands for: Local
// stays Local (the go on PATH); "oldest", "newest" and "last-psyscall",
// and a minor such as go1.25, mean the newest patch of that minor; a full
// release (go1.25.3) means itself. The newest patch is the newest the
// module proxy lists; when the proxy cannot be asked (no network,
// GOPROXY=off), it is the newest toolchain of that minor in the module
// cache, and an error if there is none.
func Lookup(name string) (string, error) {
	if name == Local {
		return Local, nil
	}
	minor := name
	if strings.HasPrefix(name, "go") {
		if _, err := minorNumber(name); err != nil || !version.IsValid(name) {
			return "", fmt.Errorf("%q is not a Go release (want go1.N or go1.N.P, or one of %s)", name, strings.Join(Symbolic, ", "))
		}
		if m := Minor(name); m != name {
			return Name(m, Patch(name)), nil
		}
	} else {
		oldest, newest, err := Supported()
		if err != nil {
			return "", err
		}
		m, ok, err := symbolicMinor(name, oldest, newest)
		if !ok {
			return "", fmt.Errorf("unknown toolchain %q (want go1.N or go1.N.P, or one of %s)", name, strings.Join(Symbolic, ", "))
		}
		if err != nil {
			return "", err
		}
		minor = m
	}
	l, err := listed()
	rel, err := newestPatch(minor, l, err, modCache())
	if err != nil && name != minor {
		return "", fmt.Errorf("%s (%s): %w", name, minor, err)
	}
	return rel, err
}

// newestPatch picks the newest patch of minor from the proxy's list, or,
// when listing failed with listErr, from the toolchains in modcache.
func newestPatch(minor string, list []string, listErr error, modcache string) (string, error) {
	if listErr == nil {
		return Resolve(list, minor)
	}
	var cached []string
	if modcache != "" {
		suffix := "." + runtime.GOOS + "-" + runtime.GOARCH
		dirs, _ := filepath.Glob(filepath.Join(modcache, "golang.org", "toolchain@v0.0.1-"+minor+"*"+suffix))
		for _, d := range dirs {
			rel := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(d), "toolchain@v0.0.1-"), suffix)
			if _, err := os.Stat(filepath.Join(d, "bin", "go")); err == nil && Stable(rel) && Minor(rel) == minor {
				cached = append(cached, rel)
			}
		}
	}
	if len(cached) == 0 {
		return "", fmt.Errorf("the newest %s: %v; and the module cache holds no %s toolchain", minor, listErr, minor)
	}
	Sort(cached)
	return cached[len(cached)-1], nil
}

// GOROOT returns the GOROOT of the toolchain that name stands for (see
// Lookup), fetching it through the module proxy when the module cache
// lacks it. For Local it is the go on PATH's own GOROOT.
func GOROOT(name string) (string, error) {
	tc, err := Get(name)
	if err != nil {
		return "", err
	}
	return tc.GOROOT, nil
}

// Get is GOROOT with the release the name stood for and how it was found.
func Get(name string) (*Toolchain, error) {
	rel, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	tc, err := Fetch(rel)
	if err != nil {
		return nil, err
	}
	if rel == Local {
		if tc.Release, err = Version(tc.GOROOT); err != nil {
			return nil, err
		}
	}
	return tc, nil
}

// Version reads the release of the toolchain at goroot from its VERSION file.
func Version(goroot string) (string, error) {
	data, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return "", fmt.Errorf("GOROOT %s: cannot read VERSION: %w", goroot, err)
	}
	v, _, _ := strings.Cut(string(data), "\n")
	v = strings.TrimSpace(v)
	if !version.IsValid(v) {
		return "", fmt.Errorf("GOROOT %s: VERSION says %q, not a Go release", goroot, v)
	}
	return v, nil
}
