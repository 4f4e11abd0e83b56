package overlay

import (
	"fmt"
	"os"
	"path/filepath"
)

// LinkGOROOT returns the GOROOT to run a toolchain from: goroot itself,
// or, for a toolchain that GOTOOLCHAIN put in the module cache, a link
// to it from syscope's cache ($SYSCOPE_CACHE/goroot/RELEASE). cmd/go
// refuses (go1.25+) or breaks on (go1.19) overlays of files beneath
// GOMODCACHE, and go1.19 there cannot build at all ("import of unknown
// directory"); the link names the same files under a path it accepts,
// and the same path every time, so the build cache keeps what it built.
func LinkGOROOT(goroot, release string) (string, error) {
	if !inModCache(goroot) {
		return goroot, nil
	}
	cache, err := CacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	link := filepath.Join(cache, "goroot", release)
	if dst, err := os.Readlink(link); err != nil || dst != goroot {
		os.MkdirAll(filepath.Dir(link), 0o755)
		os.Remove(link)
		if err := os.Symlink(goroot, link); err != nil {
			return "", fmt.Errorf("linking GOROOT outside the module cache: %w", err)
		}
	}
	return link, nil
}
