package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

// The basic fixture was written before dumps carried the snapshot fields;
// these tests add them as the runtime writes them (pid, start_unix_ns,
// seq, elapsed_ns, interval_ns, stw_ns, final, ending).

func u64(v uint64) *uint64 { return &v }
func i64(v int64) *int64   { return &v }
func code(c int) *int      { return &c }

// stamp makes d dump seq of process 4711, taken elapsed ns after its
// start; a final one ended as ending says.
func stamp(d *dump.Dump, seq, elapsed, stw uint64, ending *dump.Ending) *dump.Dump {
	final := ending != nil
	d.PID, d.StartUnixNS, d.Seq, d.ElapsedNS = i64(4711), i64(1764631234000000000), u64(seq), u64(elapsed)
	d.TimeUnixNS, d.IntervalNS, d.StwNS, d.Final, d.Ending = i64(1764631234000000000+int64(elapsed)), u64(1e9), u64(stw), &final, ending
	return d
}

func TestSnapshotHeader(t *testing.T) {
	const head = "syscope report: go1.26.8 (plan go1.26)\n"
	for _, c := range []struct {
		ending *dump.Ending
		stw    uint64
		want   string
	}{
		{nil, 84000, "snapshot seq 2 (not final), pid 4711, 2.500s after recording started, SYSCOPE_INTERVAL 1.0s, the world stopped 84us for it"},
		{&dump.Ending{How: dump.EndReturn, Code: code(0)}, 120000, "final dump (seq 2), pid 4711, 2.500s after recording started, " +
			"SYSCOPE_INTERVAL 1.0s, the world stopped 120us for it; the process ended by main.main returning, exit status 0"},
		{&dump.Ending{How: dump.EndExit, Code: code(3)}, 1, "; the process ended by os.Exit, exit status 3"},
		{&dump.Ending{How: dump.EndExit}, 1, "; the process ended by os.Exit, exit status not recorded (os.Exit on go1.16 to go1.19 does not tell it)"},
		{&dump.Ending{How: dump.EndPanic, Code: code(2)}, 0, "taken without stopping the world; the process ended by an unrecovered panic, exit status 2"},
		{&dump.Ending{How: dump.EndFatal, Code: code(2)}, 0, "; the process ended by a fatal error, exit status 2"},
		{&dump.Ending{How: dump.EndSignal, Signal: 15, Name: "SIGTERM"}, 0, "; the process ended by signal 15 (SIGTERM)"},
		{&dump.Ending{How: "vanished", Code: code(9)}, 0, `; the process ended by "vanished" (not known to this syscope), exit status 9`},
	} {
		d := stamp(load(t, "basic"), 2, 25e8, c.stw, c.ending)
		out := text(t, d)
		line, _, _ := strings.Cut(strings.TrimPrefix(out, head), "\n")
		if !strings.HasPrefix(out, head) || !strings.Contains(line, c.want) {
			t.Errorf("ending %+v: the header is\n%s\nwant its second line to contain %q", c.ending, out[:len(head)+len(line)+1], c.want)
		}
		// The rest is the report of the dump without the fields.
		if rest := strings.TrimPrefix(out, head+line+"\n"); rest != strings.TrimPrefix(text(t, load(t, "basic")), head) {
			t.Errorf("ending %+v: the snapshot fields changed the report beyond its header", c.ending)
		}

		var b bytes.Buffer
		if err := JSON(&b, d); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Seq    *uint64      `json:"seq"`
			Final  *bool        `json:"final"`
			PID    *int64       `json:"pid"`
			Ending *dump.Ending `json:"ending"`
		}
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Seq == nil || *got.Seq != 2 || got.Final == nil || *got.Final != (c.ending != nil) || got.PID == nil || *got.PID != 4711 ||
			(got.Ending == nil) != (c.ending == nil) || (got.Ending != nil && got.Ending.How != c.ending.How) {
			t.Errorf("ending %+v: the JSON report has seq %v, final %v, pid %v, ending %+v", c.ending, got.Seq, got.Final, got.PID, got.Ending)
		}
		if d2, err := dump.Parse(b.Bytes()); err != nil || *d2.Seq != 2 || d2.IsFinal() != (c.ending != nil) {
			t.Errorf("ending %+v: the JSON report does not read back as the dump: %v", c.ending, err)
		}
	}
}

// interval is the difference of the basic fixture as snapshot 1 at 1s
// and twice its counts as snapshot 2 at 3s: basic's counts over 2s.
func interval(t *testing.T) *dump.Dump {
	t.Helper()
	sum, err := dump.Sum([]dump.Source{{Path: "a", Dump: load(t, "basic")}, {Path: "b", Dump: load(t, "basic")}})
	if err != nil {
		t.Fatal(err)
	}
	sum.Dumps, sum.Sources = 0, nil
	d, err := dump.Diff(dump.Source{Path: "old.json", Dump: stamp(load(t, "basic"), 1, 1e9, 84000, nil)},
		dump.Source{Path: "new.json", Dump: stamp(sum, 2, 3e9, 84000, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestIntervalText(t *testing.T) {
	out := text(t, interval(t))
	for _, want := range []string{
		"^syscope diff: go1.26.8 \\(plan go1.26\\), pid 4711\n" +
			"interval: seq 1 -> seq 2, 2.000s \\(old.json -> new.json\\)\n" +
			"NEW is a snapshot \\(not final\\): the process was running\n" +
			"counts are NEW minus OLD, rates per second of the interval; max is not differenced .*\n\n" +
			"% time     seconds  usecs/call       p50       p99       max      calls    calls/s    errors .*\n",
		// basic's read row, its calls over 2s, no max.
		"\n  7.05    0.009201           2     1.0us     4.6us         -       4010     2005.0        17       0       4000       10        0  read\n",
		"\n     -           -           -         -         -         -         30       15.0         -       0          0        0       30  mmap\n",
		"\n100.00    0.130553          18                                     7583     3791.5        22       3       7042       11      530  total\n",
		// The longest raw futex call was before the interval: no longest, no site.
		"\nwarning: 1 raw futex call blocked longer than 1.0ms holding a P, called from a site the dumps do not tell for this interval",
		"\n  enter +7014       3507.0  entersyscall",
		"\n  exit_fast_reacquired_p +n/a            -  ",
		"\n  inflight +4            -  goroutines in a syscall when the dump was taken \\(a level: at NEW; 2 at OLD\\)\n",
		"\nconservation over the interval: enter\\+enter_block 7054 \\+ inflight at OLD 2 = 7056 = exits 7052 \\+ inflight 4 = 7056 \\(ok\\)\n",
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("the report of the interval does not match %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "(longest ") || !strings.Contains(out, "\n  8.04    0.010500       10500      10ms      10ms         -        501 ") {
		t.Errorf("the report of the interval prints a longest call:\n%s", out)
	}
	// Final NEW: the header says how the process ended.
	d := interval(t)
	d.Final, d.Ending = new(bool), &dump.Ending{How: dump.EndSignal, Signal: 2, Name: "SIGINT"}
	*d.Final = true
	if out := text(t, d); !strings.Contains(out, "\nNEW is the final dump: the process ended by signal 2 (SIGINT)\n") {
		t.Errorf("the report of an interval to the final dump does not say how the process ended:\n%s", out)
	}
}

func TestIntervalJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, interval(t)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Interval   dump.Interval      `json:"interval"`
		Table      []Row              `json:"table"`
		EventsPerS map[string]float64 `json:"events_per_s"`
		Events     map[string]uint64  `json:"events"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if iv := got.Interval; iv.OldSeq != 1 || iv.NewSeq != 2 || iv.ElapsedNS != 2e9 || iv.Old != "old.json" || iv.OldGauges["inflight"] != 2 {
		t.Errorf("interval = %+v", iv)
	}
	for _, r := range got.Table {
		if r.Name == "read" && (r.Calls != 4010 || r.CallsPerS == nil || *r.CallsPerS != 2005) {
			t.Errorf("read row = %+v, want 4010 calls, 2005/s", r)
		}
	}
	if got.EventsPerS["enter"] != 3507 || got.Events["enter"] != 7014 || got.Events["inflight"] != 4 {
		t.Errorf("enter %d at %v/s, inflight %d; want 7014 at 3507/s, 4", got.Events["enter"], got.EventsPerS["enter"], got.Events["inflight"])
	}
	if _, ok := got.EventsPerS["inflight"]; ok {
		t.Errorf("events_per_s has a rate of inflight, a level")
	}
	// The JSON of a dump, not an interval, has no rates.
	var d bytes.Buffer
	if err := JSON(&d, load(t, "basic")); err != nil {
		t.Fatal(err)
	}
	if s := d.String(); strings.Contains(s, "calls_per_s") || strings.Contains(s, "events_per_s") || strings.Contains(s, `"interval"`) {
		t.Errorf("the JSON of a dump has rates")
	}
}
