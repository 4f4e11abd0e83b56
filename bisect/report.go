package bisect

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the answer of a search and what led to it. Its JSON form is
// what `syscope bisect -json` prints; WriteText writes the text form.
type Report struct {
	Script     string   `json:"script"`
	Instrument bool     `json:"instrument"`
	From       string   `json:"from"` // the first candidate
	To         string   `json:"to"`   // the last candidate
	Candidates []string `json:"candidates"`
	// Steps lists every release tried, in order.
	Steps []*Step `json:"steps"`
	// Runs counts the steps that ran the script to a verdict, Skipped
	// those that gave none.
	Runs    int  `json:"runs"`
	Skipped int  `json:"skipped"`
	Found   bool `json:"found"` // the outcome changed: New is not nil
	// Old and New are the Result's.
	Old    *Step         `json:"old"`
	New    *Step         `json:"new"`
	WallNS time.Duration `json:"wall_ns"`
}

// Report returns the report of r, the result of b's search over cands;
// the caller fills in Script, Instrument and WallNS.
func (b *Bisect) Report(cands []string, r *Result) *Report {
	rep := &Report{From: cands[0], To: cands[len(cands)-1], Candidates: cands, Steps: b.Steps, Runs: b.Runs,
		Found: r.New != nil, Old: r.Old, New: r.New}
	for _, st := range b.Steps {
		if st.Outcome == Skipped {
			rep.Skipped++
		}
	}
	return rep
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(rep)
}

// WriteText writes the answer: the last release with the old outcome and
// the first with the new one, each with the script's output on it.
func (rep *Report) WriteText(w io.Writer) error {
	var err error
	printf := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	if !rep.Found {
		printf("no change: the script's outcome is %s on every release from %s to %s\n", rep.Old.Outcome, rep.From, rep.Old.Release)
		printf("--- %s: %s\n%s", rep.Old.Release, rep.Old.Outcome, indent(rep.Old.Output))
		return err
	}
	printf("--- last %s: %s\n%s", rep.Old.Outcome, rep.Old.Release, indent(rep.Old.Output))
	printf("--- first %s: %s\n%s", rep.New.Outcome, rep.New.Release, indent(rep.New.Output))
	printf("the script's outcome changes from %s to %s between %s and %s\n", rep.Old.Outcome, rep.New.Outcome, rep.Old.Release, rep.New.Release)
	return err
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t") + "\n"
}
