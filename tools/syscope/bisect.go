package main

import (
	"encoding/json"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syscope/syscope/bisect"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

const bisectUsage = "bisect [-from go1.13] [-to go1.27] [-patches] [-instrument] [-json] [-timeout d] script.txtar"

// bisectReport is what -json prints.
type bisectReport struct {
	Script     string         `json:"script"`
	Instrument bool           `json:"instrument"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Candidates []string       `json:"candidates"`
	Steps      []*bisect.Step `json:"steps"`
	Runs       int            `json:"runs"`
	Skipped    int            `json:"skipped"`
	Found      bool           `json:"found"`
	Old        *bisect.Step   `json:"old"`
	New        *bisect.Step   `json:"new"`
	WallNS     time.Duration  `json:"wall_ns"`
}

func runBisect(args []string) error {
	fs := newFlags("bisect", bisectUsage)
	from := fs.String("from", "go1.13", "the oldest release, whose outcome is the reference: a minor (`release`: its newest patch) or a full release")
	to := fs.String("to", "", "the newest release to try (default: the newest the module proxy lists)")
	patches := fs.Bool("patches", false, "then search every patch release between the two minors found")
	instrument := fs.Bool("instrument", false, "make `syscope` in the script build with the overlay (go1.16 and later)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 10*time.Minute, "time limit for one run of the script")
	if fs.Parse(args) != nil || fs.NArg() != 1 {
		return errUsage
	}
	start := time.Now()
	script, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	if _, err := os.Stat(script); err != nil {
		return err
	}
	listed, err := releases.List()
	if err != nil {
		return err
	}
	if *to == "" {
		*to = releases.Minor(listed[len(listed)-1])
	}
	cands, err := bisect.Candidates(listed, *from, *to)
	if err != nil {
		return err
	}
	s := &bisect.Script{File: script, Instrument: *instrument, Timeout: *timeout}
	if *instrument {
		if s.Syscope, err = os.Executable(); err != nil {
			return err
		}
		plans, err := overlay.Plans()
		if err != nil {
			return err
		}
		if first := plans[0].First; version.Compare(cands[0], first) < 0 {
			return fmt.Errorf("-instrument needs %s or later (the first release with -overlay and a plan); -from is %s", first, cands[0])
		}
	}
	b := &bisect.Bisect{Run: s.Runner(), Progress: os.Stderr}
	fmt.Fprintf(os.Stderr, "bisect: %d releases, %s to %s: %s\n", len(cands), cands[0], cands[len(cands)-1], strings.Join(cands, " "))
	r, err := b.Search(cands, "minor")
	if err != nil {
		return err
	}
	if *patches && r.New != nil {
		between := bisect.PatchesBetween(listed, r.Old.Release, r.New.Release)
		if len(between) > 0 {
			fmt.Fprintf(os.Stderr, "bisect: %d patch releases between %s and %s\n", len(between), r.Old.Release, r.New.Release)
			if r, err = b.Refine(r, between, "patch"); err != nil {
				return err
			}
		}
	}
	rep := &bisectReport{Script: fs.Arg(0), Instrument: *instrument, From: cands[0], To: cands[len(cands)-1],
		Candidates: cands, Steps: b.Steps, Runs: b.Runs, Found: r.New != nil, Old: r.Old, New: r.New, WallNS: time.Since(start)}
	for _, st := range b.Steps {
		if st.Outcome == bisect.Skipped {
			rep.Skipped++
		}
	}
	fmt.Fprintf(os.Stderr, "bisect: %s, %s skipped, %.1fs\n", plural(rep.Runs, "script run"), plural(rep.Skipped, "release"), rep.WallNS.Seconds())
	if *asJSON {
		e := json.NewEncoder(os.Stdout)
		e.SetIndent("", "  ")
		if err := e.Encode(rep); err != nil {
			return err
		}
	} else {
		printBisect(rep)
	}
	if !rep.Found {
		return exitError(1)
	}
	return nil
}

func printBisect(rep *bisectReport) {
	if !rep.Found {
		fmt.Printf("no change: the script's outcome is %s on every release from %s to %s\n", rep.Old.Outcome, rep.From, rep.Old.Release)
		fmt.Printf("--- %s: %s\n%s", rep.Old.Release, rep.Old.Outcome, indent(rep.Old.Output))
		return
	}
	fmt.Printf("--- last %s: %s\n%s", rep.Old.Outcome, rep.Old.Release, indent(rep.Old.Output))
	fmt.Printf("--- first %s: %s\n%s", rep.New.Outcome, rep.New.Release, indent(rep.New.Output))
	fmt.Printf("the script's outcome changes from %s to %s between %s and %s\n", rep.Old.Outcome, rep.New.Outcome, rep.Old.Release, rep.New.Release)
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t") + "\n"
}

// plural returns "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
