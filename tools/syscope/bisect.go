package main

import (
	"errors"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syscope/syscope/bisect"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
	"github.com/syscope/syscope/testscript"
)

const bisectUsage = "bisect [-from release] [-to release] [-patches] [-instrument] [-json] [-timeout d] script.txtar"

func runBisect(args []string) error {
	fs := newFlags("bisect", bisectUsage)
	from := fs.String("from", "go1.13", "the oldest release, whose outcome is the reference: a minor (`release`: its newest patch) or a full release")
	to := fs.String("to", "", "the newest release to try (default: the newest the module proxy lists)")
	patches := fs.Bool("patches", false, "then search every patch release between the two minors found")
	instrument := fs.Bool("instrument", false, "put syscope on the script's PATH, so that exec syscope build builds with the overlay (go1.16 and later)")
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
	s := &testscript.Script{File: script, Instrument: *instrument, Timeout: *timeout}
	if *instrument {
		if s.Syscope, err = os.Executable(); err != nil {
			return err
		}
		plans, err := plan.All()
		if err != nil {
			return err
		}
		if first := plans[0].First; version.Compare(cands[0], first) < 0 {
			return fmt.Errorf("-instrument needs %s or later (the first release with -overlay and a plan); -from is %s", first, cands[0])
		}
	}
	b := &bisect.Bisect{Run: bisect.ScriptRunner(s), Progress: os.Stderr}
	fmt.Fprintf(os.Stderr, "bisect: %d releases, %s to %s: %s\n", len(cands), cands[0], cands[len(cands)-1], strings.Join(cands, " "))
	r, err := b.Search(cands, "minor")
	var broken *bisect.BrokenError
	if errors.As(err, &broken) {
		return brokenScript(fs.Arg(0), broken, start)
	}
	if err != nil {
		return err
	}
	if *patches && r.New != nil {
		between := bisect.PatchesBetween(listed, r.Old.Release, r.New.Release)
		if len(between) > 0 {
			fmt.Fprintf(os.Stderr, "bisect: %d patch releases between %s and %s\n", len(between), r.Old.Release, r.New.Release)
			r, err = b.Refine(r, between, "patch")
			if errors.As(err, &broken) {
				return brokenScript(fs.Arg(0), broken, start)
			}
			if err != nil {
				return err
			}
		}
	}
	rep := b.Report(cands, r)
	rep.Script, rep.Instrument, rep.WallNS = fs.Arg(0), *instrument, time.Since(start)
	fmt.Fprintf(os.Stderr, "bisect: %s, %s skipped, %.1fs\n", plural(rep.Runs, "script run"), plural(rep.Skipped, "release"), rep.WallNS.Seconds())
	if *asJSON {
		err = rep.WriteJSON(os.Stdout)
	} else {
		err = rep.WriteText(os.Stdout)
	}
	if err != nil {
		return err
	}
	if !rep.Found {
		return exitError(1)
	}
	return nil
}

// brokenScript reports a script that fails in its own text as cmd/go
// reports an error in a file, and makes main exit 2, as for a usage
// error: such a script gives no verdict on any release.
func brokenScript(name string, b *bisect.BrokenError, start time.Time) error {
	var rels []string
	for _, s := range b.Steps {
		rels = append(rels, s.Release)
	}
	fmt.Fprintf(os.Stderr, "%s:%d: %s\n", name, b.Line(), b.Message())
	fmt.Fprintf(os.Stderr, "bisect: a broken script: it fails at line %d on %s, where no release can change it (%.1fs)\n",
		b.Line(), strings.Join(rels, " and "), time.Since(start).Seconds())
	return exitError(2)
}

// plural returns "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
