package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

// diffFixtures writes, in a new directory, the dumps that TestDiff
// compares. They are built from the real dumps in dump/testdata (see
// dump's diff_test.go), written before dumps carried the snapshot fields,
// which are added here: old.json is run1 as snapshot 1 of process 4711,
// 1s after its start; new.json is run1+run2 as its final dump, seq 3 at
// 3.5s, after os.Exit(3); the others are damaged in one way each.
func diffFixtures(t *testing.T) string {
	t.Helper()
	read := func(name string) *dump.Dump {
		d, err := dump.Read(filepath.Join("..", "..", "dump", "testdata", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	stamp := func(d *dump.Dump, seq, elapsed uint64, final bool) *dump.Dump {
		pid, start, stw, iv := int64(4711), int64(1764631234000000000), uint64(84000), uint64(1e9)
		at := start + int64(elapsed)
		d.PID, d.StartUnixNS, d.Seq, d.TimeUnixNS, d.ElapsedNS = &pid, &start, &seq, &at, &elapsed
		d.IntervalNS, d.StwNS, d.Final = &iv, &stw, &final
		if final {
			code := 3
			d.Ending = &dump.Ending{How: dump.EndExit, Code: &code}
		}
		return d
	}
	newDump := func() *dump.Dump {
		sum, err := dump.Sum([]dump.Source{{Path: "run1", Dump: read("run1")}, {Path: "run2", Dump: read("run2")}})
		if err != nil {
			t.Fatal(err)
		}
		sum.Dumps, sum.Sources = 0, nil
		return stamp(sum, 3, 35e8, true)
	}
	dir := t.TempDir()
	write := func(name string, d *dump.Dump) {
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	write("old.json", stamp(read("run1"), 1, 1e9, false))
	write("new.json", newDump())
	write("older.json", read("run1"))
	other := newDump()
	*other.PID = 4712
	write("other.json", other)
	down := newDump()
	down.Events["thread_create"] = 2
	write("down.json", down)
	rel := newDump()
	rel.GoVersion, rel.Plan = "go1.25.14", "go1.25"
	write("release.json", rel)
	leak := newDump()
	leak.Events["exit_slow_queued"]++ // one exit that never entered
	write("leak.json", leak)
	data, err := os.ReadFile(filepath.Join(dir, "new.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"truncated.json": string(data[:len(data)/2]), "package.json": `{"name":"x","version":"1.0.0"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiff(t *testing.T) {
	dir := diffFixtures(t)

	stdout, stderr, status := runSyscope(t, dir, "diff", "old.json", "new.json")
	for _, want := range []string{
		"^syscope diff: go1.26.8 \\(plan go1.26\\), pid 4711\n" +
			"interval: seq 1 -> seq 3, 2.500s \\(old.json -> new.json\\)\n" +
			"NEW is the final dump: the process ended by os.Exit, exit status 3\n" +
			"counts are NEW minus OLD, rates per second of the interval; max is not differenced",
		// run2's rows: 4 goroutines x 1000 reads in the interval, over 2.5s.
		"\n 45.77    0.016102           4     2.2us     9.7us         -       4003     1601.2         0       0       4000        2        1  read\n",
		"\n  3.50    0.001233           0     274ns     726ns         -       4001     1600.4      4000       0          0     4001        0  epoll_ctl\n",
		"\n  enter +28001      11200.4  entersyscall",
		"\n  thread_create +4          1.6  ",
		"\nconservation over the interval: enter\\+enter_block 28001 \\+ inflight at OLD 0 = 28001 = exits 28001 \\+ inflight 0 = 28001 \\(ok\\)\n$",
	} {
		if !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("syscope diff old.json new.json: stdout does not match %q:\n%s", want, stdout)
		}
	}
	if status != 0 || stderr != "" {
		t.Errorf("syscope diff old.json new.json: exit status %d, stderr %q; want 0, nothing", status, stderr)
	}

	stdout, stderr, status = runSyscope(t, dir, "diff", "-format", "json", "old.json", "new.json")
	var got struct {
		Interval   dump.Interval      `json:"interval"`
		Events     map[string]uint64  `json:"events"`
		EventsPerS map[string]float64 `json:"events_per_s"`
		Final      bool               `json:"final"`
		Ending     dump.Ending        `json:"ending"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || status != 0 || stderr != "" {
		t.Fatalf("syscope diff -format json: exit status %d, stderr %q, %v", status, stderr, err)
	}
	if got.Interval.ElapsedNS != 25e8 || got.Interval.OldSeq != 1 || got.Interval.NewSeq != 3 || got.Events["enter"] != 28001 ||
		got.EventsPerS["enter"] != 11200.4 || !got.Final || got.Ending.How != "exit" || *got.Ending.Code != 3 {
		t.Errorf("syscope diff -format json: interval %+v, enter %d (%v/s), final %v, ending %+v", got.Interval, got.Events["enter"],
			got.EventsPerS["enter"], got.Final, got.Ending)
	}

	// An interval whose books do not balance is a warning on stderr.
	stdout, stderr, status = runSyscope(t, dir, "diff", "old.json", "leak.json")
	if status != 0 || !strings.Contains(stdout, "(MISMATCH)") ||
		stderr != "syscope: warning: conservation violated over the interval: enter+enter_block = 28001, but exits 28002 + inflight 0 - inflight at the start 0 = 28002 (off by -1)\n" {
		t.Errorf("syscope diff old.json leak.json: exit status %d, stderr %q; want 0 and the warning", status, stderr)
	}

	for _, c := range []struct {
		args []string
		want string // the one line of stderr
	}{
		{[]string{"new.json", "old.json"}, "cannot diff new.json and old.json: new.json (seq 3) was taken after old.json (seq 1): name the older dump first (syscope diff old.json new.json)"},
		{[]string{"old.json", "other.json"}, "cannot diff old.json and other.json: they are dumps of two processes: old.json of pid 4711 started at 2025-12-01T23:20:34.000000000Z, other.json of pid 4712 started at 2025-12-01T23:20:34.000000000Z (pid and start_unix_ns); diff compares two dumps of one process, such as its SYSCOPE_INTERVAL snapshots"},
		{[]string{"older.json", "new.json"}, `cannot diff older.json and new.json: older.json has none of "pid", "start_unix_ns", "seq", "elapsed_ns": it was written by a syscope that does not record which process wrote a dump and when`},
		{[]string{"old.json", "truncated.json"}, "cannot diff old.json and truncated.json: truncated.json: truncated (unexpected end of JSON)"},
		{[]string{"package.json", "new.json"}, "cannot diff package.json and new.json: package.json: missing schema (not a syscope dump)"},
		{[]string{"old.json", "down.json"}, "cannot diff old.json and down.json: the event thread_create went down, from 3 in old.json to 2 in down.json: a process's counts never do, so one of the dumps is corrupt or of another program"},
		{[]string{"old.json", "release.json"}, "cannot diff dumps of two releases: release.json is of go1.25.14 (plan go1.25), old.json of go1.26.8 (plan go1.26)"},
		{[]string{"old.json", "old.json"}, "cannot diff old.json and old.json: both are dump seq 1 of process 4711: there is no interval between them"},
		{[]string{"old.json", "missing.json"}, "cannot diff old.json and missing.json: open missing.json: no such file or directory"},
	} {
		stdout, stderr, status := runSyscope(t, dir, append([]string{"diff"}, c.args...)...)
		if status != 1 || stdout != "" || stderr != "syscope: "+c.want+"\n" {
			t.Errorf("syscope diff %s: exit status %d, stdout %q, stderr %q; want 1, nothing, %q", strings.Join(c.args, " "), status, stdout, stderr, "syscope: "+c.want)
		}
	}
	for _, args := range [][]string{{"old.json"}, {"old.json", "new.json", "new.json"}, {"-format", "xml", "old.json", "new.json"}, {"-bogus", "old.json", "new.json"}} {
		stdout, stderr, status := runSyscope(t, dir, append([]string{"diff"}, args...)...)
		if status != 2 || stdout != "" || !strings.Contains(stderr, "usage: syscope "+diffUsage+"\n") {
			t.Errorf("syscope diff %s: exit status %d, stdout %q, stderr %q; want 2, nothing, the usage", strings.Join(args, " "), status, stdout, stderr)
		}
	}
}
