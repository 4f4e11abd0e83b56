package overlay_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// TestRealGOROOTs applies the plans to real toolchains, one or two per
// plan: every edit finds its anchor, every section but an optional one
// finds its file (of alternatives "a | b", the one the release has), and
// each patched file differs from upstream with the same line count. The
// toolchains are the newest patches of the first and last minor of every
// plan, and the local go: a new plan line brings its own.
func TestRealGOROOTs(t *testing.T) {
	plans, err := plan.All()
	if err != nil {
		t.Fatal(err)
	}
	tcs := []string{"local"}
	for _, p := range plans {
		for _, m := range []string{p.First, p.Last} {
			if !slices.Contains(tcs, m) {
				tcs = append(tcs, m)
			}
		}
	}
	for _, tc := range tcs {
		t.Run(tc, func(t *testing.T) {
			if tc != "local" && testing.Short() {
				t.Skip("fetches " + tc + " from the module proxy, which -short does not")
			}
			goroot, err := releases.GOROOT(tc)
			if err != nil {
				t.Fatal(err)
			}
			rel, err := releases.Version(goroot)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Select(plans, rel, false)
			if err != nil {
				t.Fatal(err)
			}
			files, err := overlay.Files(goroot, rel, p)
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, fe := range p.Files {
				path, orig, optional, ok := overlay.Resolve(goroot, fe)
				if !ok {
					if !optional {
						t.Errorf("section %s: no such file in %s, yet generation succeeded", fe.Path, goroot)
					}
					continue
				}
				patched, ok := files[path]
				switch {
				case !ok:
					t.Errorf("%s (section %s) is in GOROOT but not in the overlay", path, fe.Path)
				case bytes.Equal(orig, patched):
					t.Errorf("%s: patched file is the upstream file", path)
				case bytes.Count(orig, []byte("\n")) != bytes.Count(patched, []byte("\n")):
					t.Errorf("%s: %d lines patched, %d upstream", path, bytes.Count(patched, []byte("\n")), bytes.Count(orig, []byte("\n")))
				}
				checked++
			}
			replaced := 0 // overlay files that stand in for GOROOT files
			for path := range files {
				if _, err := os.Stat(filepath.Join(goroot, path)); err == nil {
					replaced++
				}
			}
			if checked == 0 || checked != replaced {
				t.Errorf("%d patched files checked, the overlay replaces %d", checked, replaced)
			}
		})
	}
}
