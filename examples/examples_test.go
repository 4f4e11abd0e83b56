package examples

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/bisect"
	"github.com/syscope/syscope/matrix"
	"github.com/syscope/syscope/releases"
	sst "github.com/syscope/syscope/testscript"
)

// syscope is the command under test, built once by TestMain.
var syscope string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "syscope-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	syscope = filepath.Join(dir, "syscope")
	cmd := exec.Command("go", "build", "-o", syscope, "github.com/syscope/syscope/tools/syscope")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building syscope: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// all reports whether the heavy variants are asked for.
func all() bool { return os.Getenv("SYSCOPE_EXAMPLES") == "all" }

// run runs syscope with args and returns its stdout; stderr, the
// progress, goes to the test log.
func run(t *testing.T, args ...string) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("the examples fetch toolchains from the module proxy, which -short does not")
	}
	cmd := exec.Command(syscope, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("syscope %s (%.1fs)\n%s", strings.Join(args, " "), time.Since(start).Seconds(), stderr.String())
	if err != nil {
		t.Fatalf("syscope %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
	return stdout.Bytes()
}

// TestCommands runs the scripts in testdata, which run syscope bisect
// and syscope matrix on scripts of their own: a `go run .` script that
// bisects over two releases, broken scripts, and a matrix of a
// testscript. The toolchain under test is the local go.
func TestCommands(t *testing.T) {
	goroot, err := releases.GOROOT(releases.Local)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sst.Params(goroot, []string{filepath.Dir(syscope)})
	if err != nil {
		t.Fatal(err)
	}
	p.Dir = "testdata"
	testscript.Run(t, p)
}

// TestFutexBisect runs the shipped bisect: the RawSyscall futex wait
// passes (ETIMEDOUT) on go1.13 and fails (EINTR) from go1.14 on.
func TestFutexBisect(t *testing.T) {
	out := run(t, "bisect", "-json", "-from", "go1.13", "futex.txtar")
	var rep bisect.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("bisect -json: %v\n%s", err, out)
	}
	if !rep.Found || rep.Old == nil || rep.New == nil {
		t.Fatalf("no change found:\n%s", out)
	}
	if releases.Minor(rep.Old.Release) != "go1.13" || rep.Old.Outcome != bisect.Pass {
		t.Errorf("last old outcome: %s %s, want a go1.13 release that passes", rep.Old.Release, rep.Old.Outcome)
	}
	if releases.Minor(rep.New.Release) != "go1.14" || rep.New.Outcome != bisect.Fail {
		t.Errorf("first new outcome: %s %s, want a go1.14 release that fails", rep.New.Release, rep.New.Outcome)
	}
	if !strings.Contains(rep.Old.Output, "errno 110 (connection timed out) after the full timeout") {
		t.Errorf("%s: the wait did not time out:\n%s", rep.Old.Release, rep.Old.Output)
	}
	if !strings.Contains(rep.New.Output, "errno 4 (interrupted system call) early") {
		t.Errorf("%s: the wait was not cut short by EINTR:\n%s", rep.New.Release, rep.New.Output)
	}
	// go1.13 to the newest minor: 15 candidates or more, and at most
	// 1+⌈log2 n⌉ runs of the script; fetches are not runs.
	n := len(rep.Candidates)
	bound := 1 + int(math.Ceil(math.Log2(float64(n))))
	if n < 15 || rep.Candidates[0] != rep.Steps[0].Release {
		t.Errorf("candidates %v", rep.Candidates)
	}
	if rep.Runs > bound {
		t.Errorf("%d script runs over %d releases, want at most %d", rep.Runs, n, bound)
	}
	if rep.Runs+rep.Skipped != len(rep.Steps) {
		t.Errorf("%d runs and %d skipped, but %d steps", rep.Runs, rep.Skipped, len(rep.Steps))
	}
	fetched := 0
	for _, s := range rep.Steps {
		if !s.Cached {
			fetched++
		}
	}
	t.Logf("futex bisect: %s -> %s, %d script runs (bound %d) over %d releases, %d toolchains fetched, %.1fs",
		rep.Old.Release, rep.New.Release, rep.Runs, bound, n, fetched, rep.WallNS.Seconds())
}

// runMatrix runs `syscope matrix` and reads back its JSON, checking that
// the text table and a well-formed SVG chart were written too.
func runMatrix(t *testing.T, scenario string, versions []string, metrics []string, args ...string) *matrix.Result {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), strings.TrimSuffix(scenario, ".txtar"))
	cmdArgs := []string{"matrix", "-n", "5", "-o", prefix, "-metric", strings.Join(metrics, ",")}
	if len(versions) > 0 {
		cmdArgs = append(cmdArgs, "-versions", strings.Join(versions, ","))
	}
	out := run(t, append(append(cmdArgs, scenario), args...)...)
	t.Logf("\n%s", out)
	data, err := os.ReadFile(prefix + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var r matrix.Result
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if txt, err := os.ReadFile(prefix + ".txt"); err != nil || !bytes.Equal(txt, out) {
		t.Errorf("%s.txt is not the table printed: %v", prefix, err)
	}
	svg, err := os.ReadFile(prefix + ".svg")
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s.svg is not well-formed: %v", prefix, err)
		}
	}
	for _, row := range r.Rows {
		// These releases are supported: one that cannot be fetched or
		// built fails the test instead of shrinking it.
		if row.Skipped != "" {
			t.Errorf("%s skipped: %s", row.Release, row.Skipped)
		}
		for _, e := range row.Errors {
			t.Errorf("%s: %s", row.Release, e)
		}
	}
	return &r
}

// median returns the median of a metric on a release, failing the test
// if the release has no value.
func median(t *testing.T, row *matrix.Row, metric string) float64 {
	t.Helper()
	st, ok := row.Stats[metric]
	if !ok || st.N == 0 {
		t.Fatalf("%s: no values of %s", row.Release, metric)
	}
	return st.Median
}

// TestThreadGrowth: 32 goroutines blocked in read(2) at GOMAXPROCS=2
// make the runtime create at least 32 threads on every release tried,
// one per blocked reader plus a few (sysmon, the M that runs the rest).
func TestThreadGrowth(t *testing.T) {
	const n = 32
	versions := []string{"go1.16.15", "go1.25.14", "go1.26.8"} // one per plan range: go1.16, go1.20, go1.26
	if all() {
		versions = nil // the newest patch of every supported minor
	}
	r := runMatrix(t, "threadgrowth.txtar", versions, []string{"thread_create", "sysmon_retake", "handoff_startm"})
	if len(r.Rows) < 3 {
		t.Fatalf("%d releases", len(r.Rows))
	}
	for _, row := range r.Rows {
		if row.Skipped != "" {
			continue
		}
		if tc := median(t, row, "thread_create"); tc < n || tc > n+8 {
			t.Errorf("%s: thread_create median %v, want %d to %d", row.Release, tc, n, n+8)
		}
		// Every reader but the first two entered its read holding a P
		// that sysmon had to take back for the next one to run.
		if rt := median(t, row, "sysmon_retake"); rt < n-4 {
			t.Errorf("%s: sysmon_retake median %v, want at least %d", row.Release, rt, n-4)
		}
	}
}

// TestExitSplit: each phase of exitsplit.txtar takes the same logical
// exit path on both sides of the go1.26 rewrite. Measured (medians of 7
// runs, k=10) on go1.24.13, go1.25.14, go1.26.8 and go1.27.4 alike: 1001
// kept, 10 idle, 10 queued, 20 retakes, nothing else.
//
// On a busy machine a getppid can be retaken too, which moves an exit
// from kept to idle; so the test checks what holds all the same: in every
// run, each P that sysmon retook comes back as exactly one exit that lost
// its P, an idle-P exit or a queued slow exit and nothing else; the
// queued phase queues k times; and the two releases agree.
func TestExitSplit(t *testing.T) {
	const k = 10
	versions := []string{"go1.25.14", "go1.26.8"}
	if all() {
		versions = []string{"go1.24.13", "go1.25.14", "go1.26.8", "go1.27.4"}
	}
	metrics := []string{"exits", "exit_fast_kept_p", "exit_fast_reacquired_p", "exit_fast_idle_p", "exit_slow_idle_p", "exit_slow_queued", "sysmon_retake"}
	r := runMatrix(t, "exitsplit.txtar", versions, metrics)
	plans := map[string]bool{}
	for _, row := range r.Rows {
		if row.Skipped != "" {
			continue
		}
		plans[row.Plan] = true
		v := row.Values
		for i := range v["exits"] {
			lost := v["exits"][i] - v["exit_fast_kept_p"][i]
			// On a loaded machine an exit that found no P on its fast path
			// may find one idle on the slow path (seen once in a run with
			// two CPU hogs): still one exit per retake that took an idle P
			// or queued, never a P won back.
			if v["sysmon_retake"][i] != lost || v["exit_fast_idle_p"][i]+v["exit_slow_queued"][i]+v["exit_slow_idle_p"][i] != lost {
				t.Errorf("%s run %d: %v retakes, %v exits that lost their P (%v idle, %v queued, %v reacquired, %v slow idle): want one idle or queued exit per retake",
					row.Release, i, v["sysmon_retake"][i], lost, v["exit_fast_idle_p"][i], v["exit_slow_queued"][i], v["exit_fast_reacquired_p"][i], v["exit_slow_idle_p"][i])
			}
		}
		check := func(name string, got, lo, hi float64) {
			if got < lo || got > hi {
				t.Errorf("%s (plan %s): %s median %v, want %v to %v", row.Release, row.Plan, name, got, lo, hi)
			}
		}
		check("exit_fast_kept_p", median(t, row, "exit_fast_kept_p"), 980, 1010) // the 1000 getppid calls
		check("exit_fast_idle_p", median(t, row, "exit_fast_idle_p"), k-2, k+20) // a sleep alone: P retaken, parked, taken back idle
		check("exit_slow_queued", median(t, row, "exit_slow_queued"), k-2, k+2)  // a sleep with a spinner: no P, queued
		check("sysmon_retake", median(t, row, "sysmon_retake"), 2*k-4, 2*k+20)   // one per sleep, and a few getppid calls on a busy machine
		check("kept+idle", median(t, row, "exit_fast_kept_p")+median(t, row, "exit_fast_idle_p"), 1000+k-3, 1000+k+8)
	}
	if !plans["go1.20"] || !plans["go1.26"] {
		t.Errorf("plans %v: the matrix does not span the go1.26 rewrite", plans)
	}
	// The releases agree.
	old, nu := r.Row("go1.25.14"), r.Row("go1.26.8")
	if d := math.Abs(median(t, old, "exit_slow_queued") - median(t, nu, "exit_slow_queued")); d > 2 {
		t.Errorf("exit_slow_queued: go1.25.14 %v, go1.26.8 %v", median(t, old, "exit_slow_queued"), median(t, nu, "exit_slow_queued"))
	}
	fast := func(row *matrix.Row) float64 {
		return median(t, row, "exit_fast_kept_p") + median(t, row, "exit_fast_idle_p")
	}
	if d := math.Abs(fast(old) - fast(nu)); d > 3 {
		t.Errorf("kept+idle: go1.25.14 %v, go1.26.8 %v", fast(old), fast(nu))
	}
}

// TestExitSplitContended runs the contended load (SYSCOPE_EXAMPLES=all
// only, on a quiet machine: a busy one closes the gap): go1.26 retakes
// more Ps from the sleepers, and fewer exits keep their P.
func TestExitSplitContended(t *testing.T) {
	if !all() {
		t.Skip("SYSCOPE_EXAMPLES=all runs the contended load")
	}
	r := runMatrix(t, "exitsplit.txtar", []string{"go1.25.14", "go1.26.8"},
		[]string{"sysmon_retake", "exit_fast_kept_p", "nanosleep.calls", "preempt_sent", "wall_ms"}, "-mode", "contended")
	old, nu := r.Row("go1.25.14"), r.Row("go1.26.8")
	for _, row := range []*matrix.Row{old, nu} {
		if c := median(t, row, "nanosleep.calls"); c != 1200 {
			t.Errorf("%s: %v nanosleep calls, want 1200", row.Release, c)
		}
	}
	if o, n := median(t, old, "sysmon_retake"), median(t, nu, "sysmon_retake"); n < 1.4*o {
		t.Errorf("sysmon_retake: go1.25.14 %v, go1.26.8 %v: want go1.26 to retake at least 1.4 times as many", o, n)
	}
	if o, n := median(t, old, "exit_fast_kept_p"), median(t, nu, "exit_fast_kept_p"); n >= o {
		t.Errorf("exit_fast_kept_p: go1.25.14 %v, go1.26.8 %v: want fewer on go1.26", o, n)
	}
}

// TestExitSplitMixed runs the mixed load (SYSCOPE_EXAMPLES=all only):
// most exits win their own P back from another thread's syscall, in the
// same share on both sides of the rewrite.
func TestExitSplitMixed(t *testing.T) {
	if !all() {
		t.Skip("SYSCOPE_EXAMPLES=all runs the mixed load")
	}
	r := runMatrix(t, "exitsplit.txtar", []string{"go1.25.14", "go1.26.8"}, []string{"exit_fast_reacquired_p", "exits"}, "-mode", "mixed")
	share := map[string]float64{}
	for _, row := range r.Rows {
		share[row.Release] = 100 * median(t, row, "exit_fast_reacquired_p") / median(t, row, "exits")
		if share[row.Release] < 50 {
			t.Errorf("%s: %.0f%% of exits reacquired their P, want most", row.Release, share[row.Release])
		}
	}
	if d := math.Abs(share["go1.25.14"] - share["go1.26.8"]); d > 10 {
		t.Errorf("reacquired share go1.25.14 %.0f%%, go1.26.8 %.0f%%", share["go1.25.14"], share["go1.26.8"])
	}
}
