// Package matrix builds a scenario with syscope's overlay on several Go
// releases, runs it a number of times on each, and tabulates metrics read
// from the dumps: the median and spread per release, as a text table,
// JSON and an SVG chart.
//
// A scenario is a directory holding a main package with its go.mod, a
// txtar archive of one, or a testscript. An archive whose comment holds
// only comment lines (#) and blank lines is a program; one with a command
// in it is a testscript.
//
// A testscript runs as `syscope bisect -instrument` runs it (see
// [testscript.Script]), with the commands of syscope's suites: `go` is
// the toolchain under test, `exec syscope build` builds with its
// overlay, and the dump commands are there.
// Each run of the script on a release is one run of the matrix: it must
// pass, and leave exactly one dump in $WORK, the script's work directory:
// one *.json file at any depth that is a syscope dump (other JSON files
// are not looked at). Matrix sets SYSCOPE_OUT=$WORK/syscope.json, so a
// program the script runs without setting SYSCOPE_OUT itself leaves its
// dump there. wall_ms is then the whole script's run, builds included.
// A testscript takes no arguments.
//
// Builds run in parallel, up to BuildParallel at a time. Runs do not by
// default: what a scenario measures (threads created, syscalls that lost
// their P) depends on how busy the machine is, so runs of different
// releases are interleaved, one round at a time, and each has the
// machine to itself. RunParallel raises that where the metrics allow.
//
// # Metrics
//
// A metric is one of the names of package
// [github.com/syscope/syscope/dump/metric] (an event, a derived
// count such as exit_slow_pct, NAME.FIELD or NAME.PATH.FIELD for a
// system call's rows), read from each run's dump, or wall_ms, the run's
// wall time, measured by the matrix. A misspelt name fails before
// anything is built. A system call with no row in a dump counts zero. An
// event that a release cannot record is an error on that release, never
// a zero.
package matrix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
	"github.com/syscope/syscope/testscript"
	"golang.org/x/tools/txtar"
)

// Matrix describes a run.
type Matrix struct {
	// Scenario is a directory holding a main package (with its go.mod),
	// a txtar archive of one, or a testscript.
	Scenario string
	// Syscope is the syscope binary that a testscript runs as syscope.
	Syscope  string
	Args     []string // passed to every run of the program
	Releases []string
	Metrics  []string
	Runs     int // per release; 0 means 5
	// BuildParallel is how many releases are fetched and built at once;
	// 0 means runtime.NumCPU().
	BuildParallel int
	// RunParallel is how many runs go at once; 0 means 1.
	RunParallel int
	Timeout     time.Duration // per run; 0 means 2 minutes (10 for a testscript)
	Progress    io.Writer     // if not nil, gets a line per build and per round
	Title       string        // for the chart; default: the scenario's name and arguments
}

// Result is what a matrix found. It is also the JSON file's schema.
type Result struct {
	Schema   string   `json:"schema"` // "syscope-matrix/v1"
	Scenario string   `json:"scenario"`
	Title    string   `json:"title,omitempty"` // the chart's title, if not the scenario's name
	Args     []string `json:"args,omitempty"`
	Runs     int      `json:"runs"`
	Metrics  []string `json:"metrics"`
	Rows     []*Row   `json:"rows"`
	Host     string   `json:"host"` // GOOS/GOARCH and CPUs of the machine that ran it
	Date     string   `json:"date"`
	WallNS   int64    `json:"wall_ns"`
}

// Row is one release.
type Row struct {
	Release string `json:"release"`
	Plan    string `json:"plan,omitempty"`
	// Skipped says why the release has no values: not fetched, no
	// overlay, or the scenario did not build. Not a finding.
	Skipped string `json:"skipped,omitempty"`
	// Values holds, per metric, one value per run, in the order the
	// runs finished; a run's values share an index across metrics unless
	// a metric failed on some run (see Errors).
	Values map[string][]float64 `json:"values,omitempty"`
	Stats  map[string]Stats     `json:"stats,omitempty"`
	// Errors lists failed runs and metrics a release cannot record.
	Errors  []string `json:"errors,omitempty"`
	BuildNS int64    `json:"build_ns"`

	bin    string // the scenario built for the release
	goroot string // for a testscript: the release's GOROOT
}

// Schema is the JSON schema name of Result.
const Schema = "syscope-matrix/v1"

// Run builds and runs the scenario on every release.
func (m *Matrix) Run() (*Result, error) {
	start := time.Now()
	if len(m.Releases) == 0 {
		return nil, errors.New("no releases")
	}
	if len(m.Metrics) == 0 {
		return nil, errors.New("no metrics")
	}
	var errs []error
	for _, name := range m.Metrics {
		errs = append(errs, CheckMetric(name))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	runs := m.Runs
	if runs <= 0 {
		runs = 5
	}
	work, err := os.MkdirTemp("", "syscope-matrix-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	src, script, err := m.source(work)
	if err != nil {
		return nil, err
	}
	if script {
		if len(m.Args) > 0 {
			return nil, fmt.Errorf("%s is a testscript, which takes no arguments (got %q)", m.Scenario, m.Args)
		}
		if m.Syscope == "" {
			return nil, errors.New("a testscript needs the syscope binary to run (Matrix.Syscope)")
		}
		src = ""
	}
	res := &Result{Schema: Schema, Scenario: scenarioName(m.Scenario), Title: m.Title, Args: m.Args, Runs: runs, Metrics: m.Metrics,
		Host: fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()), Date: time.Now().Format("2006-01-02")}
	for _, rel := range m.Releases {
		res.Rows = append(res.Rows, &Row{Release: rel, Values: map[string][]float64{}})
	}
	m.buildAll(res.Rows, src, work)

	// Runs go round by round, each release once per round, so that a
	// change in the machine's load spreads over every release alike.
	type job struct {
		row *Row
		i   int
	}
	var jobs []job
	for i := 0; i < runs; i++ {
		for _, row := range res.Rows {
			if row.Skipped == "" {
				jobs = append(jobs, job{row, i})
			}
		}
	}
	var mu sync.Mutex
	done, built := 0, countBuilt(res.Rows)
	errCount := map[*Row]map[string]int{}
	parallel(len(jobs), max(1, m.RunParallel), func(k int) {
		j := jobs[k]
		vals, err := m.runOnce(j.row, filepath.Join(work, fmt.Sprintf("run-%s-%d", j.row.Release, j.i)))
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if errCount[j.row] == nil {
				errCount[j.row] = map[string]int{}
			}
			for _, e := range strings.Split(err.Error(), "\n") {
				errCount[j.row][e]++
			}
		}
		for name, v := range vals {
			j.row.Values[name] = append(j.row.Values[name], v)
		}
		if done++; m.Progress != nil && done%built == 0 {
			fmt.Fprintf(m.Progress, "matrix: round %d of %d done (%.1fs)\n", done/built, runs, time.Since(start).Seconds())
		}
	})
	for _, row := range res.Rows {
		if row.Skipped != "" {
			continue
		}
		for e, n := range errCount[row] {
			row.Errors = append(row.Errors, fmt.Sprintf("%s (%d of %d runs)", e, n, runs))
		}
		slices.Sort(row.Errors)
		row.Stats = map[string]Stats{}
		for _, name := range m.Metrics {
			if vs := row.Values[name]; len(vs) > 0 {
				row.Stats[name] = Summarise(vs)
			}
		}
	}
	res.WallNS = int64(time.Since(start))
	return res, nil
}

func countBuilt(rows []*Row) int {
	n := 0
	for _, r := range rows {
		if r.Skipped == "" {
			n++
		}
	}
	return max(n, 1)
}

// source returns the directory of the scenario's sources, unpacking an
// archive into work, or, for a testscript, script true.
func (m *Matrix) source(work string) (dir string, script bool, err error) {
	fi, err := os.Stat(m.Scenario)
	if err != nil {
		return "", false, err
	}
	if fi.IsDir() {
		dir, err := filepath.Abs(m.Scenario)
		return dir, false, err
	}
	ar, err := txtar.ParseFile(m.Scenario)
	if err != nil {
		return "", false, err
	}
	if IsScript(ar) {
		return "", true, nil
	}
	if len(ar.Files) == 0 {
		return "", false, fmt.Errorf("%s: an archive with no files", m.Scenario)
	}
	dir = filepath.Join(work, "src")
	for _, f := range ar.Files {
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) {
			return "", false, fmt.Errorf("%s: file %q is outside the archive", m.Scenario, f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return "", false, err
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			return "", false, err
		}
	}
	return dir, false, nil
}

// IsScript reports whether an archive is a testscript: its comment
// holds a line that is neither blank nor a comment.
func IsScript(ar *txtar.Archive) bool {
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			return true
		}
	}
	return false
}

func scenarioName(path string) string {
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(filepath.Clean(path)), ".txtar"), ".txt")
}

// buildAll fetches each release, makes its overlay and builds the
// scenario with it, BuildParallel at a time.
func (m *Matrix) buildAll(rows []*Row, src, work string) {
	n := m.BuildParallel
	if n <= 0 {
		n = runtime.NumCPU()
	}
	parallel(len(rows), n, func(i int) {
		row := rows[i]
		start := time.Now()
		err := m.build(row, src, work)
		row.BuildNS = int64(time.Since(start))
		if err != nil {
			row.Skipped = err.Error()
		}
		if m.Progress != nil {
			msg := "built"
			if err != nil {
				msg = "skipped: " + err.Error()
			}
			fmt.Fprintf(m.Progress, "matrix: %-10s %s (%.1fs)\n", row.Release, msg, time.Since(start).Seconds())
		}
	})
}

func (m *Matrix) build(row *Row, src, work string) error {
	tc, err := releases.Fetch(row.Release)
	if err != nil {
		return err
	}
	r, err := overlay.Generate(overlay.Options{GOROOT: tc.GOROOT})
	if err != nil {
		return fmt.Errorf("overlay: %v", firstLine(err.Error()))
	}
	row.Plan = strings.TrimSuffix(strings.TrimPrefix(r.Plan.Name, "patches/"), ".plan")
	if src == "" { // a testscript, which builds what it runs
		row.goroot = tc.GOROOT
		return nil
	}
	row.bin = filepath.Join(work, "bin", row.Release, "scenario")
	cmd := exec.Command(r.GoCommand(), "build", "-overlay="+r.JSON, "-o", row.bin, ".")
	cmd.Dir = src
	cmd.Env = append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v: %s", err, firstLine(string(out)))
	}
	return nil
}

// runOnce runs the program in its own directory and reads the metrics
// from its dump.
func (m *Matrix) runOnce(row *Row, dir string) (map[string]float64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if row.goroot != "" {
		return m.runScript(row)
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := filepath.Join(dir, "dump.json")
	cmd := exec.CommandContext(ctx, row.bin, m.Args...)
	cmd.Dir = dir
	cmd.Env = append(runEnv(), "SYSCOPE_OUT="+out)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("timed out after %v", timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstLine(stderr.String()))
	}
	d, err := dump.Read(out)
	if err != nil {
		return nil, err
	}
	return m.values(d, wall)
}

// runScript runs the testscript once on row's release and reads the
// metrics from the one dump it leaves in $WORK.
func (m *Matrix) runScript(row *Row) (map[string]float64, error) {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	file, err := filepath.Abs(m.Scenario)
	if err != nil {
		return nil, err
	}
	var d *dump.Dump
	s := &testscript.Script{File: file, Instrument: true, Syscope: m.Syscope, Timeout: timeout,
		Env: []string{"SYSCOPE_OUT=$WORK/syscope.json"},
		Collect: func(work string) (err error) {
			d, err = scriptDump(work)
			return err
		}}
	start := time.Now()
	pass, log, err := s.Run(row.goroot)
	wall := time.Since(start)
	if err != nil {
		return nil, err
	}
	if !pass {
		return nil, fmt.Errorf("the script failed: %s", lastFail(log))
	}
	return m.values(d, wall)
}

// scriptDump returns the one syscope dump under work.
func scriptDump(work string) (*dump.Dump, error) {
	var names []string
	var d *dump.Dump
	err := filepath.WalkDir(work, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		dd, err := dump.Read(path)
		if errors.Is(err, dump.ErrNotDump) {
			return nil
		}
		rel, _ := filepath.Rel(work, path)
		if err != nil {
			return fmt.Errorf("$WORK/%s: %v", rel, err)
		}
		names, d = append(names, "$WORK/"+filepath.ToSlash(rel)), dd
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case len(names) == 0:
		return nil, errors.New("the script left no dump in $WORK (SYSCOPE_OUT is $WORK/syscope.json unless the script sets it)")
	case len(names) > 1:
		return nil, fmt.Errorf("the script left %d dumps (%s); a run of the matrix reads one", len(names), strings.Join(names, ", "))
	}
	return d, nil
}

// lastFail says where and why a script failed.
func lastFail(log string) string {
	if f := testscript.ParseFailure(log); f != nil {
		return fmt.Sprintf("line %d: %s", f.Line, f.Message)
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	return lines[len(lines)-1]
}

// values reads the metrics from a run's dump; wall is the run's time.
func (m *Matrix) values(d *dump.Dump, wall time.Duration) (map[string]float64, error) {
	vals := map[string]float64{}
	var errs []error
	if err := d.Check(); err != nil {
		errs = append(errs, err)
	}
	for _, name := range m.Metrics {
		if name == WallMS {
			vals[name] = float64(wall.Microseconds()) / 1000
			continue
		}
		v, err := Value(d, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals[name] = v
	}
	return vals, errors.Join(errs...)
}

// runEnv is the environment of a run: ours, less what would stop the
// program from recording (SYSCOPE=off) or send its dump elsewhere.
func runEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SYSCOPE=") && !strings.HasPrefix(kv, "SYSCOPE_OUT=") {
			env = append(env, kv)
		}
	}
	return env
}

// parallel calls f(0..n-1), at most p at a time.
func parallel(n, p int, f func(i int)) {
	sem := make(chan struct{}, p)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}(i)
	}
	wg.Wait()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
