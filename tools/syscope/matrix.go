package main

import (
	"bytes"
	"fmt"
	"go/version"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/syscope/syscope/matrix"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

const matrixUsage = "matrix [-versions list] [-metric name]... [-n runs] [-o prefix] [-title text] [-p n] [-runp n] [-timeout d] dir|archive.txtar [args...] | script.txtar"

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

func runMatrix(args []string) error {
	fs := newFlags("matrix", matrixUsage)
	var vers, metrics listFlag
	fs.Var(&vers, "versions", "comma-separated `releases`: go1.N means its newest patch (default: the newest patch of every supported minor)")
	fs.Var(&metrics, "metric", "a `metric` to tabulate, repeatable or comma-separated: "+matrix.MetricHelp()+" (default: thread_create,sysmon_retake,exit_fast,exit_slow)")
	runs := fs.Int("n", 5, "runs per release")
	out := fs.String("o", "matrix", "write `prefix`.txt, prefix.json and prefix.svg")
	builds := fs.Int("p", runtime.NumCPU(), "fetch and build `n` releases at once")
	runp := fs.Int("runp", 1, "run `n` programs at once (1: each run has the machine to itself)")
	timeout := fs.Duration("timeout", 0, "time limit for one run (default 2m, 10m for a testscript)")
	title := fs.String("title", "", "the chart's `title` (default: the scenario's name and arguments)")
	if fs.Parse(args) != nil || fs.NArg() < 1 {
		return errUsage
	}
	if len(metrics) == 0 {
		metrics = listFlag{"thread_create", "sysmon_retake", "exit_fast", "exit_slow"}
	}
	rels, err := matrixReleases(vers)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	m := &matrix.Matrix{Scenario: fs.Arg(0), Args: fs.Args()[1:], Syscope: self, Releases: rels, Metrics: metrics, Runs: *runs,
		BuildParallel: *builds, RunParallel: *runp, Timeout: *timeout, Progress: os.Stderr, Title: *title}
	fmt.Fprintf(os.Stderr, "matrix: %s on %d releases, %d runs each: %s\n", m.Scenario, len(rels), *runs, strings.Join(rels, " "))
	res, err := m.Run()
	if err != nil {
		return err
	}
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		return err
	}
	os.Stdout.Write(text.Bytes())
	var js, svg bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		return err
	}
	if err := res.WriteSVG(&svg); err != nil {
		return err
	}
	for ext, data := range map[string][]byte{".txt": text.Bytes(), ".json": js.Bytes(), ".svg": svg.Bytes()} {
		if err := os.WriteFile(*out+ext, data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "matrix: wrote %s.txt, %s.json, %s.svg (%.1fs)\n", *out, *out, *out, time.Duration(res.WallNS).Seconds())
	built := false
	for _, row := range res.Rows {
		if row.Skipped != "" {
			continue
		}
		built = true
		for _, vs := range row.Values {
			if len(vs) > 0 {
				return nil
			}
		}
	}
	if !built {
		return fmt.Errorf("no release was built")
	}
	return fmt.Errorf("no run gave a value")
}

// matrixReleases resolves -versions, or lists the newest patch of every
// minor the plans support.
func matrixReleases(vers []string) ([]string, error) {
	var listed []string
	needList := len(vers) == 0
	for _, v := range vers {
		if releases.Minor(v) == v {
			needList = true
		}
	}
	if needList {
		var err error
		if listed, err = releases.List(); err != nil {
			return nil, err
		}
	}
	if len(vers) == 0 {
		plans, err := plan.All()
		if err != nil {
			return nil, err
		}
		first, last := plans[0].First, plans[len(plans)-1].Last
		var rels []string
		for _, r := range releases.Newest(listed) {
			if version.Compare(r, first) >= 0 && version.Compare(releases.Minor(r), last) <= 0 {
				rels = append(rels, r)
			}
		}
		return rels, nil
	}
	var rels []string
	for _, v := range vers {
		r, err := releases.Resolve(listed, v)
		if err != nil {
			return nil, fmt.Errorf("-versions: %w", err)
		}
		rels = append(rels, r)
	}
	releases.Sort(rels)
	return rels, nil
}
