package bisect

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/syscope/syscope/releases"
	"github.com/syscope/syscope/testscript"
)

// minors returns the newest patch of n minors from go1.13, as fake names.
func minors(n int) []string {
	var rels []string
	for i := 0; i < n; i++ {
		rels = append(rels, fmt.Sprintf("go1.%d.9", 13+i))
	}
	return rels
}

// fake runs a script that fails from release change on (by index),
// cannot fetch the releases in gone, and records what it ran.
type fake struct {
	rels   []string
	change int
	gone   map[string]bool
	// broken releases fail at line 3 of the script, in its text.
	broken map[string]bool
	ran    []string
}

func (f *fake) run(rel string) *Step {
	f.ran = append(f.ran, rel)
	if f.gone[rel] {
		return &Step{Outcome: Skipped, Reason: "fetching " + rel + ": not on the module proxy"}
	}
	if f.broken[rel] {
		return &Step{Outcome: Fail, Failure: &testscript.Failure{Line: 3, Message: `unknown command "gp"`, InScript: true}}
	}
	for i, r := range f.rels {
		if r == rel && i >= f.change {
			return &Step{Outcome: Fail, Output: "FAIL on " + rel}
		}
	}
	return &Step{Outcome: Pass, Output: "PASS on " + rel}
}

func TestSearchEveryChangePoint(t *testing.T) {
	for n := 1; n <= 15; n++ {
		rels := minors(n)
		bound := 1 + int(math.Ceil(math.Log2(float64(n))))
		for change := 1; change <= n; change++ { // change == n: none
			f := &fake{rels: rels, change: change}
			b := &Bisect{Run: f.run}
			r, err := b.Search(rels, "minor")
			if err != nil {
				t.Fatal(err)
			}
			if change == n {
				if r.New != nil || r.Old.Release != rels[n-1] {
					t.Errorf("n=%d no change: got old %v new %v", n, r.Old, r.New)
				}
			} else if r.New == nil || r.New.Release != rels[change] || r.Old.Release != rels[change-1] {
				t.Errorf("n=%d change at %s: got old %v new %v", n, rels[change], r.Old, r.New)
			}
			if b.Runs > bound {
				t.Errorf("n=%d change=%d: %d runs, want at most 1+⌈log2 n⌉ = %d", n, change, b.Runs, bound)
			}
		}
	}
}

func TestSearchFifteenMinorsFiveRuns(t *testing.T) {
	rels := minors(15)
	f := &fake{rels: rels, change: 1} // go1.14.x, as the futex example
	b := &Bisect{Run: f.run}
	r, err := b.Search(rels, "minor")
	if err != nil {
		t.Fatal(err)
	}
	if r.New.Release != "go1.14.9" || b.Runs > 5 {
		t.Fatalf("got new %s after %d runs (%v), want go1.14.9 within 5", r.New.Release, b.Runs, f.ran)
	}
}

func TestSkippedIsNoVerdict(t *testing.T) {
	rels := minors(15)
	// The change is at go1.20.9; the releases around it cannot be fetched,
	// so the answer is bracketed by the nearest fetchable ones.
	gone := map[string]bool{"go1.13.9": true, "go1.19.9": true, "go1.20.9": true, "go1.21.9": true}
	f := &fake{rels: rels, change: 7, gone: gone}
	var progress strings.Builder
	b := &Bisect{Run: f.run, Progress: &progress}
	r, err := b.Search(rels, "minor")
	if err != nil {
		t.Fatal(err)
	}
	if r.Old.Release != "go1.18.9" || r.New.Release != "go1.22.9" {
		t.Fatalf("got old %s new %s, want go1.18.9 and go1.22.9", r.Old.Release, r.New.Release)
	}
	skipped := 0
	for _, s := range b.Steps {
		if s.Outcome == Skipped {
			skipped++
			if !gone[s.Release] {
				t.Errorf("%s skipped but fetchable", s.Release)
			}
		}
	}
	if skipped == 0 || b.Runs+skipped != len(b.Steps) {
		t.Errorf("runs %d, skipped %d, steps %d", b.Runs, skipped, len(b.Steps))
	}
	if !strings.Contains(progress.String(), "go1.13.9   skipped: fetching go1.13.9: not on the module proxy") {
		t.Errorf("progress does not report the skip:\n%s", progress.String())
	}
}

func TestNothingFetchable(t *testing.T) {
	rels := minors(3)
	f := &fake{rels: rels, change: 1, gone: map[string]bool{rels[0]: true, rels[1]: true, rels[2]: true}}
	b := &Bisect{Run: f.run}
	if _, err := b.Search(rels, "minor"); err == nil {
		t.Fatal("no error when no release gave a verdict")
	}
	if b.Runs != 0 {
		t.Fatalf("%d runs counted for skipped releases", b.Runs)
	}
}

func TestRefinePatches(t *testing.T) {
	listed := []string{"go1.13.4", "go1.13.15", "go1.14.2", "go1.14.15", "go1.15.15"}
	cands, err := Candidates(listed, "go1.13", "go1.15")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cands, " ") != "go1.13.15 go1.14.15 go1.15.15" {
		t.Fatalf("candidates %v", cands)
	}
	all := releases.Every(listed)
	change := 0
	for i, r := range all {
		if r == "go1.14.5" {
			change = i
		}
	}
	f := &fake{rels: all, change: change, gone: map[string]bool{"go1.14.3": true}}
	b := &Bisect{Run: f.run}
	r, err := b.Search(cands, "minor")
	if err != nil {
		t.Fatal(err)
	}
	if r.New.Release != "go1.14.15" {
		t.Fatalf("minor stage: new %s", r.New.Release)
	}
	between := PatchesBetween(listed, r.Old.Release, r.New.Release)
	if len(between) != 15 || between[0] != "go1.14" || between[14] != "go1.14.14" {
		t.Fatalf("between: %v", between)
	}
	runs := b.Runs
	r, err = b.Refine(r, between, "patch")
	if err != nil {
		t.Fatal(err)
	}
	if r.Old.Release != "go1.14.4" || r.New.Release != "go1.14.5" {
		t.Fatalf("patch stage: old %s new %s", r.Old.Release, r.New.Release)
	}
	// 16 intervals: at most 4 runs, and the known ends are not run again.
	if b.Runs-runs > 4 {
		t.Fatalf("patch stage took %d runs", b.Runs-runs)
	}
	for _, s := range b.Steps[3:] {
		if s.Release == "go1.13.15" || s.Release == "go1.14.15" {
			t.Fatalf("refine ran %s again", s.Release)
		}
	}
}

func TestCandidatesErrors(t *testing.T) {
	listed := []string{"go1.13.15", "go1.14.15"}
	for _, c := range [][2]string{{"go1.14", "go1.13"}, {"1.13", "go1.14"}, {"go1.13", "go1.99"}} {
		if _, err := Candidates(listed, c[0], c[1]); err == nil {
			t.Errorf("Candidates(%s, %s): no error", c[0], c[1])
		}
	}
}

// TestBrokenScript: a script that fails in its text on the first and
// the last candidate is broken after two runs, not "no change".
func TestBrokenScript(t *testing.T) {
	rels := minors(15)
	broken := map[string]bool{}
	for _, r := range rels {
		broken[r] = true
	}
	f := &fake{rels: rels, change: 15, broken: broken}
	b := &Bisect{Run: f.run}
	r, err := b.Search(rels, "minor")
	var be *BrokenError
	if !errors.As(err, &be) {
		t.Fatalf("Search = %+v, %v; want a *BrokenError", r, err)
	}
	if b.Runs != 2 || strings.Join(f.ran, " ") != rels[0]+" "+rels[14] {
		t.Errorf("ran %v (%d runs), want the first and the last candidate", f.ran, b.Runs)
	}
	if be.Line() != 3 || !strings.Contains(err.Error(), `line 3: unknown command "gp"`) || !strings.Contains(err.Error(), "go1.13.9 and go1.27.9") {
		t.Errorf("error %q", err)
	}
}

// TestBrokenOnSomeReleases: a line only some releases reach fails in the
// script's text there: the change found is the script's, not a verdict.
func TestBrokenOnSomeReleases(t *testing.T) {
	rels := minors(15)
	for _, c := range []struct {
		name   string
		broken []string
		change int
	}{
		{"new releases broken", rels[6:], 15},                        // passes, then fails in its text
		{"old releases broken", rels[:6], 15},                        // the first and the last differ
		{"old and new broken", append(rels[:3:3], rels[12:]...), 15}, // first and last broken: two runs
	} {
		broken := map[string]bool{}
		for _, r := range c.broken {
			broken[r] = true
		}
		f := &fake{rels: rels, change: c.change, broken: broken}
		b := &Bisect{Run: f.run}
		r, err := b.Search(rels, "minor")
		var be *BrokenError
		if !errors.As(err, &be) {
			t.Errorf("%s: Search = %+v, %v; want a *BrokenError", c.name, r, err)
		}
	}
	// A failure that is an assertion is a verdict, and the memo runs no
	// release twice.
	f := &fake{rels: rels, change: 6}
	b := &Bisect{Run: f.run}
	if _, err := b.Search(rels, "minor"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range f.ran {
		if seen[r] {
			t.Errorf("%s ran twice: %v", r, f.ran)
		}
		seen[r] = true
	}
}
