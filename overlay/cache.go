package overlay

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// KeepPerRelease bounds the cache: after Generate writes an overlay into
// it, it keeps the KeepPerRelease overlays of that release used most
// recently (a cached overlay counts as used each time Generate returns
// it) and removes the others. An overlay is about 0.5 MB, so the cache
// holds at most 1.5 MB per release, plus a symlink per release for the
// GOROOT links. Older overlays come from other GOROOT paths, other
// syscope versions and patched toolchains replaced in place.
const KeepPerRelease = 3

// overlayDirRE matches a cached overlay's directory: release-key.
var overlayDirRE = regexp.MustCompile(`^(go[0-9][^-]*)-[0-9a-f]{16}$`)

// markUsed records that the cached overlay in dir was used now, in the
// directory's own time: the files keep theirs, so a cache hit writes
// nothing that a build reads.
func markUsed(dir string) {
	now := time.Now()
	os.Chtimes(dir, now, now) // best effort: a read-only cache still works
}

// prune removes all but the keep most recently used overlays of release
// in the cache's overlay directory, and temporary directories that a
// killed generation left behind an hour ago or more. It names what it
// removed.
func prune(overlays, release string, keep int) ([]string, error) {
	ents, err := os.ReadDir(overlays)
	if err != nil {
		return nil, err
	}
	type use struct {
		dir string
		at  time.Time
	}
	var uses []use
	var removed []string
	for _, e := range ents {
		dir := filepath.Join(overlays, e.Name())
		if strings.HasPrefix(e.Name(), ".syscope-tmp-") {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
				if err := os.RemoveAll(dir); err != nil {
					return removed, err
				}
				removed = append(removed, dir)
			}
			continue
		}
		if m := overlayDirRE.FindStringSubmatch(e.Name()); m == nil || m[1] != release {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "overlay.json")); err != nil {
			continue // being replaced, or not an overlay: leave it
		}
		fi, err := os.Stat(dir)
		if err != nil {
			continue
		}
		uses = append(uses, use{dir, fi.ModTime()})
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].at.After(uses[j].at) })
	for _, u := range uses[min(keep, len(uses)):] {
		if err := os.RemoveAll(u.dir); err != nil {
			return removed, err
		}
		removed = append(removed, u.dir)
	}
	return removed, nil
}

// Clean removes the cache's overlays and GOROOT links: the directories
// "overlay" and "goroot" under CacheDir, and nothing else there. It
// calls report with each directory before removing it, and with dryRun
// only reports.
func Clean(dryRun bool, report func(dir string)) error {
	cache, err := CacheDir()
	if err != nil {
		return fmt.Errorf("no cache directory: %w", err)
	}
	for _, sub := range []string{"overlay", "goroot"} {
		dir := filepath.Join(cache, sub)
		if _, err := os.Lstat(dir); os.IsNotExist(err) {
			continue
		}
		report(dir)
		if dryRun {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	return nil
}
