// Package bisect finds the first Go release on which a testscript's
// outcome differs from its outcome on an older release.
//
// The candidates are released toolchains, fetched through the module
// proxy as GOTOOLCHAIN does: by default the newest patch of each minor,
// or every patch release. The search assumes one change: the outcome on
// the first candidate holds up to some release and the other outcome
// from there on. Over n candidates it runs the script at most
// 1+⌈log2 n⌉ times: once on the first, then a binary search in which the
// release past the last candidate counts as changed, so that "no change"
// costs no extra run. A release that cannot be fetched, or on which the
// script skips itself, is reported and dropped from the search; it is
// never taken as a verdict.
package bisect

import (
	"fmt"
	"go/version"
	"io"
	"strings"
	"time"

	"github.com/syscope/syscope/releases"
	"github.com/syscope/syscope/testscript"
)

// Outcome is what a try of one release came to.
type Outcome string

const (
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
	Skipped Outcome = "skipped" // not a verdict: not fetched, not built, or the script skipped
)

// Step is one release tried.
type Step struct {
	Release string  `json:"release"`
	Outcome Outcome `json:"outcome"`
	// Why a step was skipped.
	Reason string `json:"reason,omitempty"`
	// Cached is true when the toolchain was in the module cache already.
	Cached bool          `json:"cached"`
	Fetch  time.Duration `json:"fetch_ns"`
	Run    time.Duration `json:"run_ns"`
	Output string        `json:"output,omitempty"` // the script's log
	Stage  string        `json:"stage"`            // "minor" or "patch"
	// Failure is where a failing script failed.
	Failure *testscript.Failure `json:"failure,omitempty"`
}

// Runner tries a script on one release. It returns a Skipped step, with
// a Reason, when the release gives no verdict.
type Runner func(rel string) *Step

// ScriptRunner returns the Runner that fetches a release and runs s on
// it: a release that cannot be fetched, or on which s gives no verdict,
// is a Skipped step.
func ScriptRunner(s *testscript.Script) Runner {
	return func(rel string) *Step {
		st := &Step{Release: rel}
		tc, err := releases.Fetch(rel)
		if err != nil {
			st.Outcome, st.Reason = Skipped, err.Error()
			return st
		}
		st.Cached, st.Fetch = tc.Cached, tc.Elapsed
		start := time.Now()
		pass, out, err := s.Run(tc.GOROOT)
		st.Run, st.Output = time.Since(start), out
		switch {
		case err != nil:
			st.Outcome, st.Reason = Skipped, err.Error()
		case pass:
			st.Outcome = Pass
		default:
			st.Outcome, st.Failure = Fail, testscript.ParseFailure(out)
		}
		return st
	}
}

// Bisect holds a search. Progress, if not nil, gets one line per step.
type Bisect struct {
	Run      Runner
	Progress io.Writer
	// Steps lists every step taken, in order.
	Steps []*Step
	// Runs counts the steps that ran the script to a verdict.
	Runs int

	tried map[string]*Step
}

// Result is the answer of a search.
type Result struct {
	// Old is the newest release found with the reference outcome (the
	// outcome on the first candidate that gave one).
	Old *Step `json:"old"`
	// New is the first release with the other outcome; nil when every
	// candidate had the reference outcome.
	New *Step `json:"new"`
}

// try runs the script on rel, once: a release tried before gives its
// step again.
func (b *Bisect) try(rel, stage string) *Step {
	if s, ok := b.tried[rel]; ok {
		return s
	}
	s := b.Run(rel)
	if b.tried == nil {
		b.tried = map[string]*Step{}
	}
	b.tried[rel] = s
	s.Release, s.Stage = rel, stage
	b.Steps = append(b.Steps, s)
	if s.Outcome != Skipped {
		b.Runs++
	}
	if b.Progress != nil {
		how := "fetched"
		if s.Cached {
			how = "cached"
		}
		line := fmt.Sprintf("bisect: %-10s toolchain %s %.1fs", rel, how, s.Fetch.Seconds())
		if s.Outcome == Skipped {
			line = fmt.Sprintf("bisect: %-10s skipped: %s", rel, s.Reason)
		} else {
			line += fmt.Sprintf(", script %.1fs: %s", s.Run.Seconds(), s.Outcome)
		}
		fmt.Fprintln(b.Progress, line)
	}
	return s
}

// Search finds where the outcome changes among cands, oldest first. It
// runs the first candidate that gives a verdict, then searches the rest.
//
// A failure in the script's text (Failure.InScript: an unknown command,
// a parse or usage error) is no verdict but a broken script: when the
// first candidate fails so, Search runs the last one at once, and if it
// fails so too returns a *BrokenError after two runs. Nor is such a
// failure taken as the answer: if the release before or after the
// change found fails in the script's text, Search returns a *BrokenError.
func (b *Bisect) Search(cands []string, stage string) (*Result, error) {
	if err := sorted(cands); err != nil {
		return nil, err
	}
	for i, rel := range cands {
		ref := b.try(rel, stage)
		if ref.Outcome == Skipped {
			continue
		}
		var last *Step
		if inScript(ref) && i < len(cands)-1 {
			last = b.try(cands[len(cands)-1], stage)
			if inScript(last) {
				return nil, &BrokenError{Steps: []*Step{ref, last}}
			}
			if last.Outcome == Skipped || last.Outcome == ref.Outcome {
				last = nil
			}
		}
		return b.checked(b.search(cands[i:], ref, last, stage))
	}
	return nil, fmt.Errorf("no release of %d gave a verdict", len(cands))
}

// checked returns r, or a *BrokenError if one of its steps failed in the
// script's text.
func (b *Bisect) checked(r *Result) (*Result, error) {
	var bad []*Step
	for _, s := range []*Step{r.Old, r.New} {
		if inScript(s) {
			bad = append(bad, s)
		}
	}
	if len(bad) > 0 {
		return nil, &BrokenError{Steps: bad}
	}
	return r, nil
}

func inScript(s *Step) bool {
	return s != nil && s.Outcome == Fail && s.Failure != nil && s.Failure.InScript
}

// BrokenError reports a script that fails in its own text: at a line
// that no release can change, so its outcome is no verdict.
type BrokenError struct {
	Steps []*Step // the releases that failed so, oldest first
}

// Line and Message are where and why the script fails, on the oldest
// release that failed so.
func (e *BrokenError) Line() int       { return e.Steps[0].Failure.Line }
func (e *BrokenError) Message() string { return e.Steps[0].Failure.Message }

func (e *BrokenError) Error() string {
	var rels []string
	for _, s := range e.Steps {
		rels = append(rels, s.Release)
	}
	return fmt.Sprintf("line %d: %s: a broken script (it fails there on %s, where no release can change it)",
		e.Line(), e.Message(), strings.Join(rels, " and "))
}

// Refine searches the releases strictly between a known old and a known
// new step (from an earlier Search) without running either again.
func (b *Bisect) Refine(r *Result, between []string, stage string) (*Result, error) {
	if r.New == nil {
		return nil, fmt.Errorf("nothing to refine: no change found")
	}
	cands := append(append([]string{r.Old.Release}, between...), r.New.Release)
	if err := sorted(cands); err != nil {
		return nil, err
	}
	return b.checked(b.search(cands, r.Old, r.New, stage))
}

// search looks for the first candidate whose outcome differs from ref,
// the outcome of cands[0]. last, if not nil, is the known step of the
// last candidate, which must differ from ref.
func (b *Bisect) search(cands []string, ref, last *Step, stage string) *Result {
	cands = append([]string(nil), cands...)
	lo, hi := 0, len(cands)
	old, nu := ref, (*Step)(nil)
	if last != nil {
		hi, nu = len(cands)-1, last
	}
	// Invariant: cands[lo] has ref's outcome (old is its step); cands[hi]
	// has the other outcome (nu is its step), or hi == len(cands) and
	// no candidate is known to differ.
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		s := b.try(cands[mid], stage)
		switch {
		case s.Outcome == Skipped:
			cands = append(cands[:mid], cands[mid+1:]...)
			hi--
		case s.Outcome == ref.Outcome:
			lo, old = mid, s
		default:
			hi, nu = mid, s
		}
	}
	return &Result{Old: old, New: nu}
}

func sorted(cands []string) error {
	if len(cands) == 0 {
		return fmt.Errorf("no releases to search")
	}
	for i := 1; i < len(cands); i++ {
		if version.Compare(cands[i-1], cands[i]) >= 0 {
			return fmt.Errorf("releases out of order: %s before %s", cands[i-1], cands[i])
		}
	}
	return nil
}

// Candidates returns the releases to search in [from, to]: the newest
// listed patch of each minor. from and to may name a minor (go1.13: its
// newest patch) or a release (go1.13.4: that release, which then leads or
// ends the list).
func Candidates(listed []string, from, to string) ([]string, error) {
	f, err := releases.Resolve(listed, from)
	if err != nil {
		return nil, fmt.Errorf("-from: %w", err)
	}
	t, err := releases.Resolve(listed, to)
	if err != nil {
		return nil, fmt.Errorf("-to: %w", err)
	}
	if version.Compare(f, t) >= 0 {
		return nil, fmt.Errorf("-from %s is not older than -to %s", f, t)
	}
	cands := []string{f}
	for _, r := range releases.Between(releases.Newest(listed), f, t) {
		if r != f && r != t {
			cands = append(cands, r)
		}
	}
	return append(cands, t), nil
}

// PatchesBetween returns every patch release strictly between old and
// new, for the second stage of a -patches search.
func PatchesBetween(listed []string, old, new string) []string {
	var out []string
	for _, r := range releases.Every(listed) {
		if version.Compare(r, old) > 0 && version.Compare(r, new) < 0 {
			out = append(out, r)
		}
	}
	return out
}
