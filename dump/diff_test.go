package dump

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"
)

// The fixtures testdata/run1.json and run2.json are real dumps, their
// stacks left out: a program built with the go1.26.8 overlay that opens,
// reads and closes /proc/self/stat N times in each of 4 goroutines, opens
// a missing file, sleeps N us and makes a raw 2ms nanosleep, run with
// N=200 and with N=1000. They were written by a runtime that did not
// record the snapshot fields yet, so the tests add them.

func readFixture(t *testing.T, name string) *Dump {
	t.Helper()
	d, err := Read("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// snap adds the snapshot fields of dump seq of process 4711, taken
// elapsed ns after its start, to d.
func snap(d *Dump, seq, elapsed uint64, final bool) *Dump {
	pid, start, stw := int64(4711), int64(1764631234000000000), uint64(84000)
	at, iv := start+int64(elapsed), uint64(1e9)
	d.PID, d.StartUnixNS, d.Seq, d.TimeUnixNS, d.ElapsedNS = &pid, &start, &seq, &at, &elapsed
	d.IntervalNS, d.StwNS, d.Final = &iv, &stw, &final
	if final {
		code := 3
		d.Ending = &Ending{How: EndExit, Code: &code}
	}
	return d
}

// series returns OLD, run1 as snapshot 1 at 1s, and NEW, the sum of run1
// and run2 as the final dump, seq 3 at 3.5s: one process whose counts
// grew by run2's between the two.
func series(t *testing.T) (old, new Source) {
	t.Helper()
	run1, run2 := readFixture(t, "run1"), readFixture(t, "run2")
	sum, err := Sum([]Source{{"run1", run1}, {"run2", run2}})
	if err != nil {
		t.Fatal(err)
	}
	sum.Dumps, sum.Sources = 0, nil
	return Source{"old.json", snap(readFixture(t, "run1"), 1, 1e9, false)}, Source{"new.json", snap(sum, 3, 35e8, true)}
}

type rowKey struct {
	trap     int
	path, fn string
}

func rows(d *Dump) map[rowKey]Syscall {
	m := map[rowKey]Syscall{}
	for _, s := range d.Syscalls {
		m[rowKey{s.Trap, s.Path, s.Func}] = s
	}
	return m
}

// TestDiffUndoesSum checks that the difference of run1 and run1+run2 is
// run2, count for count.
func TestDiffUndoesSum(t *testing.T) {
	old, new := series(t)
	d, err := Diff(old, new)
	if err != nil {
		t.Fatal(err)
	}
	run1, run2 := readFixture(t, "run1"), readFixture(t, "run2")
	want := &Interval{Old: "old.json", New: "new.json", OldSeq: 1, NewSeq: 3, ElapsedNS: 25e8,
		OldGauges: map[string]uint64{"inflight": run1.Event("inflight")}}
	if !reflect.DeepEqual(d.Interval, want) {
		t.Errorf("Interval = %+v, want %+v", d.Interval, want)
	}
	// Exact figures of the fixture, so that the test does not only
	// compare Diff with Sum.
	if d.Event("enter") != 28001 || d.Event("exit_fast_kept_p") != 27993 || d.Event("thread_create") != 4 {
		t.Errorf("enter, exit_fast_kept_p, thread_create = %d, %d, %d; want run2's 28001, 27993, 4",
			d.Event("enter"), d.Event("exit_fast_kept_p"), d.Event("thread_create"))
	}
	for name, n := range run2.Events {
		if name == "inflight" {
			n += run1.Events[name] // a level: NEW's, the sum's
		}
		if d.Events[name] != n {
			t.Errorf("event %s = %d, want %d", name, d.Events[name], n)
		}
	}
	if len(d.Events) != len(run2.Events) {
		t.Errorf("the difference has %d events, want %d", len(d.Events), len(run2.Events))
	}
	got, r2, r1 := rows(d), rows(run2), rows(run1)
	if len(got) != len(rows(new.Dump)) {
		t.Errorf("the difference has %d rows, NEW %d", len(got), len(rows(new.Dump)))
	}
	read := got[rowKey{0, PathSyscall, ""}]
	if read.Calls != 4000 || read.Errors != 0 || read.TotalNS != r2[rowKey{0, PathSyscall, ""}].TotalNS {
		t.Errorf("read on the syscall path: %+v, want run2's 4000 calls", read)
	}
	for k, g := range got {
		w, ok := r2[k]
		if !ok {
			// A row only run1 has: nothing happened on it since.
			w = Syscall{Trap: g.Trap, Name: g.Name, Path: g.Path, Func: g.Func, Timed: g.Timed}
			if g.IsTimed() {
				w.Hist = make([]uint64, len(g.Hist))
			}
		}
		if g.Calls != w.Calls || g.Errors != w.Errors || g.Eintr != w.Eintr || g.TotalNS != w.TotalNS || g.Long != w.Long ||
			!reflect.DeepEqual(g.Hist, w.Hist) {
			t.Errorf("row %v = %+v, want run2's %+v", k, g, w)
		}
		if n := rows(new.Dump)[k]; g.MaxNS != n.MaxNS || g.LongMaxNS != n.LongMaxNS {
			t.Errorf("row %v: max_ns %d, long_max_ns %d: the longest call cannot be differenced, want NEW's %d, %d",
				k, g.MaxNS, g.LongMaxNS, n.MaxNS, n.LongMaxNS)
		}
		inInterval := r2[k].LongMaxNS > r1[k].LongMaxNS
		if (g.LongSite != nil) != inInterval {
			t.Errorf("row %v: long_site %v, but the longest call was in the interval: %v", k, g.LongSite, inInterval)
		}
	}
	if err := d.Check(); err != nil {
		t.Errorf("the difference of two dumps that conserve does not: %v", err)
	}
	if *d.Seq != 3 || !d.IsFinal() || d.Ending == nil || *d.Ending.Code != 3 || d.Stacks != nil {
		t.Errorf("the difference's seq %d, final %v, ending %+v, stacks %v: want NEW's and none", *d.Seq, d.IsFinal(), d.Ending, d.Stacks)
	}
	// Diff copies what it changes: OLD and NEW are as they were.
	o2, n2 := series(t)
	if !reflect.DeepEqual(old.Dump, o2.Dump) || !reflect.DeepEqual(new.Dump, n2.Dump) {
		t.Errorf("Diff changed its arguments")
	}
}

// TestDiffUnknownRow checks that the derived unknown row may go down
// between dumps only when one of them is not consistent.
func TestDiffUnknownRow(t *testing.T) {
	for _, consistent := range []bool{true, false} {
		old, new := series(t)
		f := false
		unknown := Syscall{Trap: -1, Name: "unknown", Path: PathSyscall, Timed: &f, Calls: 5}
		old.Dump.Syscalls = append(old.Dump.Syscalls, unknown)
		unknown.Calls = 4
		new.Dump.Syscalls = append(new.Dump.Syscalls, unknown)
		new.Dump.Consistent = consistent
		d, err := Diff(old, new)
		if consistent {
			if err == nil || !strings.Contains(err.Error(), "the calls of unknown on the syscall path went down, from 5 in old.json to 4 in new.json") {
				t.Errorf("consistent dumps: Diff = %v, want the unknown row's calls gone down", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("NEW not consistent: %v", err)
		}
		// Its calls come out 0, and a row with no calls is left out.
		for _, r := range d.Syscalls {
			if r.Trap == -1 {
				t.Errorf("NEW not consistent: unknown row %+v; want it left out with 0 calls", r)
			}
		}
		if d.Consistent {
			t.Errorf("NEW not consistent: the difference says consistent")
		}
	}
}

// TestDiffNumbers checks one row and the events by hand.
func TestDiffNumbers(t *testing.T) {
	parse := func(enter, kept, inflight, calls, total uint64, hist string) *Dump {
		d, err := Parse([]byte(strings.NewReplacer("ENTER", u(enter), "KEPT", u(kept), "INFL", u(inflight),
			"CALLS", u(calls), "TOTAL", u(total), "HIST", hist).Replace(`{"schema":"syscope/v1","go_version":"go1.26.8","plan":"go1.26",
			"pid":7,"start_unix_ns":100,"seq":1,"elapsed_ns":1,"consistent":true,"hist_bounds_ns":[100,200,400],
			"events":{"enter":ENTER,"exit_fast_kept_p":KEPT,"inflight":INFL,"enter_block":0,"exit_fast_reacquired_p":0,
			 "exit_fast_idle_p":0,"exit_slow_idle_p":0,"exit_slow_queued":0,"exit_slow_locked":0},
			"syscalls":[{"trap":0,"name":"read","path":"syscall","calls":CALLS,"errors":1,"eintr":0,"total_ns":TOTAL,"max_ns":300,"hist":HIST}]}`)))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := parse(12, 10, 2, 10, 1000, "[1,9,0]")
	b := parse(40, 39, 1, 25, 4500, "[3,20,2]")
	seq, el := uint64(2), uint64(2000000001)
	b.Seq, b.ElapsedNS = &seq, &el
	d, err := Diff(Source{"a", a}, Source{"b", b})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Syscalls[0]
	if r.Calls != 15 || r.Errors != 0 || r.TotalNS != 3500 || !reflect.DeepEqual(r.Hist, []uint64{2, 11, 2}) || r.MaxNS != 300 {
		t.Errorf("row = %+v, want 15 calls, 0 errors, 3500 ns, hist [2 11 2], NEW's max 300", r)
	}
	want := map[string]uint64{"enter": 28, "exit_fast_kept_p": 29, "inflight": 1, "enter_block": 0, "exit_fast_reacquired_p": 0,
		"exit_fast_idle_p": 0, "exit_slow_idle_p": 0, "exit_slow_queued": 0, "exit_slow_locked": 0}
	if !maps.Equal(d.Events, want) {
		t.Errorf("events = %v, want %v", d.Events, want)
	}
	if d.Interval.ElapsedNS != 2e9 || d.Interval.OldGauges["inflight"] != 2 {
		t.Errorf("interval = %+v, want 2s and inflight 2 at OLD", d.Interval)
	}
	// 28 entries + 2 in flight at OLD = 29 exits + 1 in flight at NEW.
	if err := d.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	d.Events["exit_fast_kept_p"]--
	if err := d.Check(); err == nil || !strings.Contains(err.Error(), "conservation violated over the interval") {
		t.Errorf("Check of an interval one exit short = %v, want the violation", err)
	}
}

func u(n uint64) string { b, _ := json.Marshal(n); return string(b) }

// TestDiffTickRate checks that a total_ns a few ns lower in NEW, the
// same ticks converted at a rate measured over a longer run, is no time
// in the interval, and that a real drop is still an error.
func TestDiffTickRate(t *testing.T) {
	for _, c := range []struct {
		newTotal uint64
		ok       bool
	}{{1819, true}, {1800, true}, {1700, false}} {
		old, new := series(t)
		old.Dump.Syscalls = append(old.Dump.Syscalls, Syscall{Trap: 999, Name: "syscall_999", Path: PathRaw, Calls: 1, TotalNS: 1820, Hist: make([]uint64, len(old.Dump.HistBoundsNS))})
		new.Dump.Syscalls = append(new.Dump.Syscalls, Syscall{Trap: 999, Name: "syscall_999", Path: PathRaw, Calls: 1, TotalNS: c.newTotal, Hist: make([]uint64, len(new.Dump.HistBoundsNS))})
		old.Dump.Syscalls[len(old.Dump.Syscalls)-1].Hist[3] = 1
		new.Dump.Syscalls[len(new.Dump.Syscalls)-1].Hist[3] = 1
		_, err := Diff(old, new)
		if c.ok && err != nil {
			t.Errorf("total_ns 1820 then %d: %v", c.newTotal, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), "the total_ns of syscall_999 on the raw path went down")) {
			t.Errorf("total_ns 1820 then %d: %v, want it gone down", c.newTotal, err)
		}
	}
}

func TestDiffErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(old, new *Dump) // nil: swap them
		want string
	}{
		{"old without the fields", func(o, n *Dump) { o.PID, o.StartUnixNS, o.Seq, o.ElapsedNS = nil, nil, nil, nil },
			`old.json has none of "pid", "start_unix_ns", "seq", "elapsed_ns": it was written by a syscope that does not record which process wrote a dump and when`},
		{"new without seq", func(o, n *Dump) { n.Seq = nil },
			`new.json has no "seq" (diff needs "pid", "start_unix_ns", "seq", "elapsed_ns")`},
		{"two pids", func(o, n *Dump) { p := int64(99); n.PID = &p },
			"they are dumps of two processes: old.json of pid 4711 started at 2025-12-01T23:20:34.000000000Z, new.json of pid 99"},
		{"a reused pid", func(o, n *Dump) { s := *n.StartUnixNS + 1; n.StartUnixNS = &s }, "they are dumps of two processes"},
		{"swapped", nil, "new.json (seq 3) was taken after old.json (seq 1): name the older dump first (syscope diff old.json new.json)"},
		{"the same dump", func(o, n *Dump) { n.Seq, n.ElapsedNS = o.Seq, o.ElapsedNS }, "both are dump seq 1 of process 4711: there is no interval between them"},
		{"same seq", func(o, n *Dump) { n.Seq = o.Seq }, "both are seq 1 of process 4711, but taken 1000000000 ns and 3500000000 ns after its start"},
		{"elapsed backwards", func(o, n *Dump) { e := uint64(5e8); n.ElapsedNS = &e },
			"old.json (seq 1) is older than new.json (seq 3), but its elapsed_ns, 1000000000, is not less than 500000000: one of them is corrupt"},
		{"old final", func(o, n *Dump) { f := true; o.Final = &f }, "old.json is the final dump of process 4711 (seq 1), yet new.json (seq 3) is later"},
		{"two releases", func(o, n *Dump) { n.GoVersion = "go1.26.7" }, "cannot diff dumps of two releases: new.json is of go1.26.7 (plan go1.26), old.json of go1.26.8"},
		{"two plans", func(o, n *Dump) { n.Plan = "go1.25" }, "cannot diff dumps of two releases"},
		{"event down", func(o, n *Dump) { n.Events["thread_create"] = 1 },
			"the event thread_create went down, from 3 in old.json to 1 in new.json: a process's counts never do"},
		{"calls down", func(o, n *Dump) { n.Syscalls[0].Calls = 0 }, "the calls of read on the syscall path went down, from 800 in old.json to 0"},
		{"bucket down", func(o, n *Dump) { n.Syscalls[0].Hist[11] = 0 }, "the hist[11] of read on the syscall path went down"},
		{"row gone", func(o, n *Dump) { n.Syscalls = n.Syscalls[1:] },
			"old.json has a row for read on the syscall path with 800 calls, and new.json has none"},
		{"event gone", func(o, n *Dump) { delete(n.Events, "sysmon_retake") },
			`old.json has the event "sysmon_retake" and new.json does not: the dumps of one process hold the same events`},
		{"a sum", func(o, n *Dump) { n.Dumps = 2 }, "new.json is a sum of 2 dumps, not a dump a process wrote"},
		{"timed and not", func(o, n *Dump) { f := false; n.Syscalls[0].Timed, n.Syscalls[0].Hist = &f, nil },
			"the read row on the syscall path is timed in one dump and not in the other"},
	} {
		t.Run(c.name, func(t *testing.T) {
			old, new := series(t)
			if c.edit == nil {
				old, new = new, old
			} else {
				c.edit(old.Dump, new.Dump)
			}
			_, err := Diff(old, new)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Diff = %v, want an error containing %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "cannot diff "+old.Path+" and "+new.Path+": ") && !strings.HasPrefix(err.Error(), "cannot diff dumps") {
				t.Errorf("error %q does not start by naming both files", err)
			}
		})
	}
}

func TestSnapshotFields(t *testing.T) {
	d, err := Parse(readValid(t))
	if err != nil {
		t.Fatal(err)
	}
	if a := d.SnapshotAbsent(); !reflect.DeepEqual(a, SnapshotFields) || d.IsSnapshot() || d.IsFinal() ||
		d.TimeUnixNS != nil || d.IntervalNS != nil || d.StwNS != nil || d.Ending != nil {
		t.Errorf("a dump without the snapshot fields: absent %q, snapshot %v, final %v; want all absent", a, d.IsSnapshot(), d.IsFinal())
	}
	// Zeros are present, not absent.
	d, err = Parse([]byte(mutate(t, func(m map[string]any) {
		m["pid"], m["start_unix_ns"], m["seq"], m["time_unix_ns"], m["elapsed_ns"] = 4711, 0, 1, 0, 0
		m["interval_ns"], m["stw_ns"], m["final"] = 0, 0, false
	})))
	if err != nil {
		t.Fatal(err)
	}
	if a := d.SnapshotAbsent(); len(a) != 0 || !d.IsSnapshot() || d.IsFinal() || *d.PID != 4711 || *d.Seq != 1 ||
		d.StartUnixNS == nil || *d.StartUnixNS != 0 || d.IntervalNS == nil || *d.IntervalNS != 0 || d.StwNS == nil || *d.StwNS != 0 {
		t.Errorf("zero snapshot fields read as absent: absent %q, %+v", a, d)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"plan":"go1.26",`+
		`"pid":4711,"start_unix_ns":0,"seq":1,"time_unix_ns":0,"elapsed_ns":0,"interval_ns":0,"stw_ns":0,"final":false,"consistent"`) {
		t.Errorf("re-encoded, the zeros or the order are lost: %s", out)
	}
	for _, c := range []struct {
		ending string
		want   Ending
	}{
		{`{"how":"exit","code":0}`, Ending{How: EndExit, Code: new(int)}},
		{`{"how":"exit"}`, Ending{How: EndExit}},
		{`{"how":"signal","signal":15,"name":"SIGTERM"}`, Ending{How: EndSignal, Signal: 15, Name: "SIGTERM"}},
		{`{"how":"panic","code":2,"goroutine":1}`, Ending{How: EndPanic, Code: func() *int { c := 2; return &c }()}},
	} {
		d, err := Parse([]byte(mutate(t, func(m map[string]any) {
			m["final"] = true
			m["ending"] = json.RawMessage(c.ending)
		})))
		if err != nil {
			t.Fatalf("ending %s: %v", c.ending, err)
		}
		if !d.IsFinal() || !reflect.DeepEqual(*d.Ending, c.want) {
			t.Errorf("ending %s read as %+v, want %+v", c.ending, d.Ending, c.want)
		}
	}
	for _, c := range []struct {
		edit func(m map[string]any)
		want string
	}{
		{func(m map[string]any) { m["seq"] = 0 }, "seq is 0 (a process numbers its dumps from 1)"},
		{func(m map[string]any) { m["pid"] = 0 }, "pid is 0, not a process id"},
		{func(m map[string]any) { m["pid"] = "4711" }, `invalid syscope/v1 dump: pid: string is not a valid int64`},
		{func(m map[string]any) { m["elapsed_ns"] = -1 }, `invalid syscope/v1 dump: elapsed_ns: number -1 is not a valid uint64`},
		{func(m map[string]any) { m["ending"] = map[string]any{"how": "exit"} }, `"ending" in a dump whose "final" is not true`},
		{func(m map[string]any) { m["final"], m["ending"] = true, map[string]any{"code": 1} }, `ending: missing "how"`},
		{func(m map[string]any) { m["final"], m["ending"] = true, map[string]any{"how": "signal"} }, `ending: how is "signal" but there is no signal number`},
	} {
		in := mutate(t, c.edit)
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", in, err, c.want)
		}
	}
}

// TestSumOfSnapshots checks that a sum belongs to no process, and that
// two dumps of one process, the later holding the earlier's counts, are
// not summed.
func TestSumOfSnapshots(t *testing.T) {
	run1, run2 := readFixture(t, "run1"), readFixture(t, "run2")
	snap(run1, 1, 1e9, false)
	s, err := Sum([]Source{{"run1", run1}, {"run2", run2}})
	if err != nil {
		t.Fatal(err)
	}
	if s.PID != nil || s.Seq != nil || s.Final != nil || s.ElapsedNS != nil || s.StartUnixNS != nil || s.StwNS != nil {
		t.Errorf("a sum kept the snapshot fields of its first dump: %+v", s)
	}
	old, new := series(t)
	if _, err := Sum([]Source{old, new}); err == nil || !strings.Contains(err.Error(),
		"cannot sum old.json and new.json: both are dumps of process 4711 (seq 1 and 3)") {
		t.Errorf("Sum of two dumps of one process = %v, want the error", err)
	}
	if _, err := Sum([]Source{old, {"copy.json", old.Dump}}); err == nil || !strings.Contains(err.Error(),
		"cannot sum old.json and copy.json: both are dump seq 1 of process 4711, the same dump twice") {
		t.Errorf("Sum of a dump and its copy = %v, want the error", err)
	}
}
