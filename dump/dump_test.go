package dump

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/syscope/syscope/internal/events"
)

func readValid(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mutate decodes the valid fixture generically, lets f damage it, and
// re-encodes it, so each bad case differs from a good dump in one way only.
func mutate(t *testing.T, f func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readValid(t), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestParseValid(t *testing.T) {
	d, err := Parse(readValid(t))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if d.Schema != SchemaV1 || d.GoVersion != "go1.26.8" || d.Plan != "go1.26" || !d.Consistent {
		t.Errorf("header = %q %q %q %v", d.Schema, d.GoVersion, d.Plan, d.Consistent)
	}
	if got := len(d.HistBoundsNS); got != 8 {
		t.Errorf("len(HistBoundsNS) = %d, want 8", got)
	}
	if got := d.Event("exit_slow_queued"); got != 8 {
		t.Errorf("exit_slow_queued = %d, want 8", got)
	}
	if got, ok := d.Events["exit_future_thing"]; !ok || got != 7 {
		t.Errorf("unknown event key not kept: %d, %v", got, ok)
	}
	if !d.IsUnsupported("exit_fast_reacquired_p") || d.IsUnsupported("enter") {
		t.Errorf("IsUnsupported wrong for %v", d.Unsupported)
	}
	if len(d.Syscalls) != 3 {
		t.Fatalf("len(Syscalls) = %d, want 3", len(d.Syscalls))
	}
	want := Syscall{Trap: 0, Name: "read", Path: "syscall", Calls: 600, Errors: 3, TotalNS: 900000, MaxNS: 9000,
		Hist: []uint64{0, 100, 300, 150, 40, 8, 2, 0}}
	if !reflect.DeepEqual(d.Syscalls[0], want) {
		t.Errorf("Syscalls[0] = %+v, want %+v", d.Syscalls[0], want)
	}
	if d.Syscalls[2].Trap != -1 || d.Syscalls[2].Path != "raw" {
		t.Errorf("Syscalls[2] = %+v", d.Syscalls[2])
	}
	// The syscall path only: raw, runtime and vdso rows are not syscall
	// entries, and Instructions counts every path but vdso.
	if got := d.SyscallCalls(); got != 1000 {
		t.Errorf("SyscallCalls = %d, want 1000", got)
	}
	if got := d.SyscallErrors(); got != 3 {
		t.Errorf("SyscallErrors = %d, want 3", got)
	}
	if got := d.SyscallTotalNS(); got != 1200000 {
		t.Errorf("SyscallTotalNS = %d, want 1200000", got)
	}
}

func TestRoundTrip(t *testing.T) {
	d, err := Parse(readValid(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Parse(out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Errorf("round trip changed the dump:\n%+v\n%+v", d, d2)
	}
}

func TestParseErrors(t *testing.T) {
	valid := string(readValid(t))
	tests := []struct {
		name  string
		input string
		want  string
		is    error
	}{
		{"empty", "", "empty file", ErrEmpty},
		{"whitespace", " \n\t", "empty file", ErrEmpty},
		{"truncated", valid[:len(valid)/2], "truncated (unexpected end of JSON)", ErrTruncated},
		{"truncated at open brace", "{", "truncated", ErrTruncated},
		{"garbage", "hello", "not a syscope dump: invalid character 'h'", ErrNotDump},
		{"bad syntax", `{"schema":"syscope/v1",}`, "not a syscope dump: invalid character '}'", ErrNotDump},
		{"array", `[1,2]`, "not a syscope dump: top-level JSON value is an array, not an object", ErrNotDump},
		{"trailing garbage", valid + "xyz", `trailing data after the dump object at byte`, nil},
		{"two objects", valid + valid, `trailing data after the dump object`, nil},
		{"other json", `{"name":"package.json"}`, "missing schema (not a syscope dump)", ErrNotDump},
		{"schema not string", `{"schema":2}`, "not a syscope dump: schema is 2, not a string", ErrNotDump},
		{"schema v2", mutate(t, func(m map[string]any) { m["schema"] = "syscope/v2"; m["events"] = []int{1} }),
			`schema "syscope/v2" is not supported (this syscope reads syscope/v1)`, nil},
		{"null event", mutate(t, func(m map[string]any) { m["events"].(map[string]any)["exit_slow_queued"] = nil }),
			`events: "exit_slow_queued" is null, not a count`, nil},
		{"missing events", mutate(t, func(m map[string]any) { delete(m, "events") }), `missing "events"`, nil},
		{"missing consistent", mutate(t, func(m map[string]any) { delete(m, "consistent") }), `missing "consistent"`, nil},
		{"missing bounds", mutate(t, func(m map[string]any) { delete(m, "hist_bounds_ns") }), `missing "hist_bounds_ns"`, nil},
		{"non-increasing bounds", mutate(t, func(m map[string]any) { m["hist_bounds_ns"].([]any)[3] = 400 }),
			"hist_bounds_ns: bounds must be strictly increasing, but bound 3 (400) <= bound 2 (400)", nil},
		{"short hist", mutate(t, func(m map[string]any) {
			sc := m["syscalls"].([]any)[1].(map[string]any)
			sc["hist"] = sc["hist"].([]any)[:5]
		}), "syscalls[1] (write): hist has 5 buckets, want 8", nil},
		{"missing path", mutate(t, func(m map[string]any) { delete(m["syscalls"].([]any)[0].(map[string]any), "path") }),
			"syscalls[0] (read): missing path", nil},
		{"negative count", mutate(t, func(m map[string]any) { m["events"].(map[string]any)["enter"] = -1 }),
			"invalid syscope/v1 dump: events: number -1 is not a valid uint64", nil},
		{"bad trap", mutate(t, func(m map[string]any) { m["syscalls"].([]any)[0].(map[string]any)["trap"] = -2 }),
			"syscalls[0] (read): trap -2 is invalid", nil},
		{"runtime row with hist", mutate(t, func(m map[string]any) { m["syscalls"].([]any)[1].(map[string]any)["path"] = "runtime" }),
			"syscalls[1] (write): an untimed runtime row has a histogram", nil},
		{"untimed row with hist", mutate(t, func(m map[string]any) { m["syscalls"].([]any)[0].(map[string]any)["timed"] = false }),
			"syscalls[0] (read): an untimed syscall row has a histogram", nil},
		{"timed row without hist", mutate(t, func(m map[string]any) { delete(m["syscalls"].([]any)[0].(map[string]any), "hist") }),
			"syscalls[0] (read): hist has 0 buckets, want 8", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.input))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want error containing %q", d, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%q, %v) = false", err, tt.is)
			}
		})
	}
}

func TestSchemaErrorAs(t *testing.T) {
	_, err := Parse([]byte(`{"schema":"syscope/v2"}`))
	var se *SchemaError
	if !errors.As(err, &se) || se.Schema != "syscope/v2" {
		t.Fatalf("err = %v, want *SchemaError for syscope/v2", err)
	}
}

func TestReadNamesFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ content, want string }{
		{"", "dump.json: empty file"},
		{`{"schema":"syscope/v1","events":{`, "dump.json: truncated (unexpected end of JSON)"},
		{`{"schema":"syscope/v2"}`, `dump.json: schema "syscope/v2" is not supported (this syscope reads syscope/v1)`},
		{`{}`, "dump.json: missing schema (not a syscope dump)"},
		{`nope`, "dump.json: not a syscope dump: invalid character"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "dump.json")
		if err := os.WriteFile(path, []byte(tt.content), 0o666); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		if err == nil || !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Read(%q) error = %v, want suffix %q", tt.content, err, tt.want)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want ErrNotExist", err)
	}
	if _, err := Read("testdata/valid.json"); err != nil {
		t.Errorf("Read(valid) = %v", err)
	}
}

func TestQuantile(t *testing.T) {
	bounds := []uint64{100, 200, 400, 800}
	tests := []struct {
		name string
		s    Syscall
		q    float64
		want uint64
	}{
		// 10 calls in [100,200): rank 5 sits halfway through the bucket.
		{"p50 one bucket", Syscall{MaxNS: 190, Hist: []uint64{0, 10, 0, 0}}, 0.5, 150},
		// rank 10 is the bucket's top edge, 200, clamped to the max.
		{"p99 clamped to max", Syscall{MaxNS: 190, Hist: []uint64{0, 10, 0, 0}}, 0.99, 190},
		// 100 calls: 50 in [0,100), 40 in [100,200), 10 in [200,400).
		{"p50 at bucket top", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0.5, 100},
		{"p90", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0.9, 200},
		{"p95", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0.95, 300},
		// rank ceil(0.99*100) = 99, not 100: 200 + 200*9/10.
		{"p99", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0.99, 380},
		{"p10", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0.1, 20},
		{"q=0 is the first call", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 0, 2},
		{"q=1 is the max", Syscall{MaxNS: 390, Hist: []uint64{50, 40, 10, 0}}, 1, 390},
		// The last bucket is [400, +inf): MaxNS is its upper edge.
		{"last bucket uses max", Syscall{MaxNS: 1400, Hist: []uint64{0, 0, 0, 4}}, 0.5, 900},
		{"last bucket top", Syscall{MaxNS: 1400, Hist: []uint64{0, 0, 0, 4}}, 1, 1400},
		{"all zero", Syscall{MaxNS: 0, Hist: []uint64{0, 0, 0, 0}}, 0.5, 0},
		{"max below bucket", Syscall{MaxNS: 50, Hist: []uint64{0, 0, 2, 0}}, 0.5, 50},
	}
	for _, tt := range tests {
		if got := tt.s.Quantile(bounds, tt.q); got != tt.want {
			t.Errorf("%s: Quantile(%v) = %d, want %d", tt.name, tt.q, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	d, err := Parse(readValid(t))
	if err != nil {
		t.Fatal(err)
	}
	// 1000 enter + 5 enter_block = (950+0+30) + (10+8+2) exits + 5 inflight.
	if err := d.Check(); err != nil {
		t.Errorf("Check on balanced dump: %v", err)
	}
	if d.Entries() != 1005 || d.Exits() != 1000 || d.FastExits() != 980 || d.SlowExits() != 20 || d.Inflight() != 5 {
		t.Errorf("Entries/Exits/Fast/Slow/Inflight = %d/%d/%d/%d/%d",
			d.Entries(), d.Exits(), d.FastExits(), d.SlowExits(), d.Inflight())
	}
	// enter_cgo is part of enter, not an extra entry: bumping it alone
	// must not break the balance.
	d.Events["enter_cgo"] += 100
	if err := d.Check(); err != nil {
		t.Errorf("Check after enter_cgo change: %v", err)
	}
	d.Events["exit_slow_locked"] += 3
	err = d.Check()
	if err == nil {
		t.Fatal("Check on unbalanced dump succeeded")
	}
	for _, want := range []string{"enter+enter_block = 1005", "exits 1003", "inflight 5", "= 1008", "off by -3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error %q lacks %q", err, want)
		}
	}
}

func TestEventTables(t *testing.T) {
	if len(Events) != len(events.All) || len(EventNames) != len(events.All) {
		t.Fatalf("len(Events)=%d len(EventNames)=%d, want %d (the events table)", len(Events), len(EventNames), len(events.All))
	}
	seen := map[string]bool{}
	for i, e := range Events {
		if e.Name != EventNames[i] || e.Name != events.All[i].Name || e.Doc == "" || seen[e.Name] {
			t.Errorf("Events[%d] = %+v, EventNames[%d] = %q, table %q", i, e, i, EventNames[i], events.All[i].Name)
		}
		seen[e.Name] = true
		if got := EventDoc(e.Name); got != e.Doc {
			t.Errorf("EventDoc(%q) = %q, want %q", e.Name, got, e.Doc)
		}
	}
	if EventDoc("inflight") == "" || EventDoc("nope") != "" {
		t.Error("EventDoc lookup wrong")
	}
	var gauges []string
	for _, e := range Events {
		if e.Gauge {
			gauges = append(gauges, e.Name)
		}
	}
	if !reflect.DeepEqual(gauges, []string{"inflight"}) || !reflect.DeepEqual(InflightEvents, []string{"inflight"}) {
		t.Errorf("gauges %v, in flight %v, want [inflight]", gauges, InflightEvents)
	}
	// Every exit is fast or slow, once; every exit but the one that kept
	// its own P lost it.
	exits := ExitEvents()
	want := []string{"exit_fast_kept_p", "exit_fast_reacquired_p", "exit_fast_idle_p", "exit_slow_idle_p", "exit_slow_queued", "exit_slow_locked"}
	if !reflect.DeepEqual(exits, want) {
		t.Errorf("ExitEvents() = %v, want %v", exits, want)
	}
	if !reflect.DeepEqual(LostPEvents, want[1:]) {
		t.Errorf("LostPEvents = %v, want %v", LostPEvents, want[1:])
	}
	if !reflect.DeepEqual(EntryEvents, []string{"enter", "enter_block"}) {
		t.Errorf("EntryEvents = %v", EntryEvents)
	}
	for _, n := range BalanceEvents() {
		if !seen[n] {
			t.Errorf("balance term %q is not an event", n)
		}
	}
}

// A dump from an older runtime lacks events, one from a newer runtime
// has more: both read, and what is missing stays missing.
func TestOtherVersions(t *testing.T) {
	in := mutate(t, func(m map[string]any) {
		ev := m["events"].(map[string]any)
		delete(ev, "exit_slow_locked")
		delete(ev, "preempt_sent")
		ev["exit_newer"] = 3
	})
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatalf("Parse of a dump lacking two events: %v", err)
	}
	if d.Has("exit_slow_locked") || d.Has("preempt_sent") || !d.Has("exit_slow_queued") || !d.Has("exit_newer") {
		t.Errorf("Has wrong for %v", d.Events)
	}
	if got := d.Absent(EventNames...); !reflect.DeepEqual(got, []string{"exit_slow_locked", "preempt_sent"}) {
		t.Errorf("Absent = %v", got)
	}
	// Conservation needs exit_slow_locked: Check must not read it as 0.
	err = d.Check()
	var ae *AbsentError
	if !errors.As(err, &ae) || !reflect.DeepEqual(ae.Events, []string{"exit_slow_locked"}) {
		t.Fatalf("Check = %v, want an *AbsentError for exit_slow_locked", err)
	}
	if want := `conservation cannot be checked: the dump has no "exit_slow_locked" (its runtime did not record it)`; err.Error() != want {
		t.Errorf("Check error = %q, want %q", err, want)
	}
	// Re-encoding keeps the absence: no zero appears for a missing event.
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "exit_slow_locked") || !strings.Contains(string(out), `"exit_newer":3`) {
		t.Errorf("re-encoded events: %s", out)
	}
	// A dump lacking every balance term names them all.
	in = mutate(t, func(m map[string]any) { m["events"] = map[string]any{"sysmon_retake": 1} })
	if d, err = Parse([]byte(in)); err != nil {
		t.Fatalf("Parse of a dump with one event: %v", err)
	}
	if err := d.Check(); !errors.As(err, &ae) || !reflect.DeepEqual(ae.Events, BalanceEvents()) {
		t.Errorf("Check = %v, want every balance term absent", err)
	}
}

func TestPaths(t *testing.T) {
	in := mutate(t, func(m map[string]any) {
		m["raw_long_ns"] = 1000000
		m["syscalls"] = append(m["syscalls"].([]any),
			map[string]any{"trap": 202, "name": "futex", "path": "raw", "calls": 3, "errors": 3, "eintr": 3,
				"total_ns": 30000000, "max_ns": 12000000, "hist": []int{0, 0, 0, 0, 0, 0, 0, 3},
				"long": 2, "long_max_ns": 12000000, "long_site": map[string]any{"func": "main.main", "file": "main.go", "line": 28}},
			map[string]any{"trap": 202, "name": "futex", "path": "runtime", "func": "runtime.futex", "calls": 40, "eintr": 1},
			map[string]any{"trap": 228, "name": "clock_gettime", "path": "vdso", "func": "runtime.nanotime1", "calls": 900})
	})
	d, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if d.RawLongNS != 1000000 {
		t.Errorf("RawLongNS = %d", d.RawLongNS)
	}
	raw := d.Syscalls[3]
	if raw.Long != 2 || raw.LongMaxNS != 12000000 || raw.LongSite == nil || *raw.LongSite != (Site{"main.main", "main.go", 28}) || raw.Eintr != 3 || !raw.IsTimed() {
		t.Errorf("raw row = %+v", raw)
	}
	if rt := d.Syscalls[4]; rt.IsTimed() || rt.Func != "runtime.futex" || rt.Eintr != 1 {
		t.Errorf("runtime row = %+v", rt)
	}
	if d.Syscalls[5].IsTimed() {
		t.Errorf("vdso row is timed")
	}
	// strace's view: every path but vdso, trap -1 left out.
	ins := d.Instructions()
	if ins["futex"] != 43 || ins["read"] != 600 || ins["clock_gettime"] != 0 || ins["unknown"] != 0 {
		t.Errorf("Instructions = %v", ins)
	}
	if got := d.SyscallCalls(); got != 1000 {
		t.Errorf("SyscallCalls = %d, want 1000 (syscall path only)", got)
	}
}
