package dump

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeDumps writes each text to dir/name and returns dir.
func writeDumps(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// second is the valid fixture as another process of the same program
// might leave it: other counts, a raw read row the first lacks, a longer
// write, and bounds from a tick rate measured 0.5% higher.
func second(t *testing.T) string {
	return mutate(t, func(m map[string]any) {
		ev := m["events"].(map[string]any)
		ev["enter"] = 2000.0
		ev["exit_fast_kept_p"] = 1950.0
		ev["inflight"] = 0.0
		ev["thread_create"] = 1.0
		ev["enter_block"] = 0.0
		ev["exit_slow_idle_p"] = 0.0
		ev["exit_slow_queued"] = 0.0
		ev["exit_slow_locked"] = 0.0
		ev["exit_fast_idle_p"] = 50.0
		b := m["hist_bounds_ns"].([]any)
		for i := range b {
			b[i] = float64(int(b[i].(float64) * 1.005))
		}
		ss := m["syscalls"].([]any)
		w := ss[1].(map[string]any)
		w["calls"], w["total_ns"], w["max_ns"] = 100.0, 50000.0, 2500.0
		w["hist"] = []any{0, 0, 50, 50, 0, 0, 0, 0}
		m["syscalls"] = append(ss[1:2], map[string]any{"trap": 0, "name": "read", "path": "raw", "calls": 7,
			"total_ns": 7000, "max_ns": 4000000, "long": 2, "long_max_ns": 4000000,
			"long_site": map[string]any{"func": "main.poll", "file": "/src/p.go", "line": 9},
			"hist":      []any{0, 0, 0, 0, 0, 0, 0, 7}})
	})
}

func TestSum(t *testing.T) {
	dir := writeDumps(t, map[string]string{"a.1.json": string(readValid(t)), "b.2.json": second(t), "b.2.json.syscope-tmp": "half a du"})
	srcs, err := ReadSources(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || filepath.Base(srcs[0].Path) != "a.1.json" || filepath.Base(srcs[1].Path) != "b.2.json" {
		t.Fatalf("ReadSources(dir) = %v, want a.1.json and b.2.json in that order", srcs)
	}
	for _, s := range srcs {
		if err := s.Dump.Check(); err != nil {
			t.Fatalf("fixture %s: %v", s.Path, err)
		}
	}
	s, err := Sum(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if s.Count() != 2 || !reflect.DeepEqual(s.Sources, []string{srcs[0].Path, srcs[1].Path}) {
		t.Errorf("Count = %d, Sources = %q", s.Count(), s.Sources)
	}
	for name, want := range map[string]uint64{"enter": 3000, "exit_fast_kept_p": 2900, "inflight": 5, "thread_create": 5,
		"exit_fast_idle_p": 80, "sysmon_retake": 40, "exit_future_thing": 14} {
		if got := s.Event(name); got != want {
			t.Errorf("summed %s = %d, want %d", name, got, want)
		}
	}
	// Conserved dumps sum to a conserved dump.
	if err := s.Check(); err != nil {
		t.Errorf("sum of conserved dumps: %v", err)
	}
	if !reflect.DeepEqual(s.HistBoundsNS, srcs[0].Dump.HistBoundsNS) {
		t.Errorf("sum's bounds %v, want the first dump's %v", s.HistBoundsNS, srcs[0].Dump.HistBoundsNS)
	}
	want := []Syscall{
		{Trap: 0, Name: "read", Path: "syscall", Calls: 600, Errors: 3, TotalNS: 900000, MaxNS: 9000, Hist: []uint64{0, 100, 300, 150, 40, 8, 2, 0}},
		{Trap: 1, Name: "write", Path: "syscall", Calls: 500, TotalNS: 350000, MaxNS: 2500, Hist: []uint64{50, 150, 200, 100, 0, 0, 0, 0}},
		{Trap: -1, Name: "unknown", Path: "raw", Calls: 5, Errors: 5, TotalNS: 100, MaxNS: 30, Hist: []uint64{5, 0, 0, 0, 0, 0, 0, 0}},
		{Trap: 0, Name: "read", Path: "raw", Calls: 7, TotalNS: 7000, MaxNS: 4000000, Long: 2, LongMaxNS: 4000000,
			LongSite: &Site{Func: "main.poll", File: "/src/p.go", Line: 9}, Hist: []uint64{0, 0, 0, 0, 0, 0, 0, 7}},
	}
	if !reflect.DeepEqual(s.Syscalls, want) {
		t.Errorf("summed rows:\n%+v\nwant\n%+v", s.Syscalls, want)
	}
	// Summing leaves the dumps it read as they were.
	if srcs[0].Dump.Syscalls[1].Calls != 400 || srcs[0].Dump.Syscalls[1].Hist[2] != 150 || srcs[0].Dump.Event("enter") != 1000 {
		t.Errorf("Sum changed its input: %+v", srcs[0].Dump.Syscalls[1])
	}

	// A sum written out and read back counts as the dumps it holds.
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if back.Count() != 2 || len(back.Sources) != 2 {
		t.Errorf("re-read sum: Count %d, Sources %q", back.Count(), back.Sources)
	}
	s3, err := Sum([]Source{{"sum.json", back}, srcs[0]})
	if err != nil {
		t.Fatal(err)
	}
	if s3.Count() != 3 || s3.Event("enter") != 4000 || s3.Check() != nil {
		t.Errorf("sum of a sum and a dump: Count %d, enter %d, check %v", s3.Count(), s3.Event("enter"), s3.Check())
	}
}

func TestSumConservation(t *testing.T) {
	bad := mutate(t, func(m map[string]any) { m["events"].(map[string]any)["exit_slow_locked"] = 5.0 })
	dir := writeDumps(t, map[string]string{"a.json": string(readValid(t)), "b.json": bad})
	srcs, err := ReadSources(filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Sum(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "off by -3") {
		t.Errorf("sum with an unbalanced dump: Check = %v, want off by -3", err)
	}
	if s.Consistent != true {
		t.Errorf("sum of consistent dumps is not consistent")
	}
	inc := mutate(t, func(m map[string]any) { m["consistent"] = false })
	d, err := Parse([]byte(inc))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Sum([]Source{srcs[0], {"inc.json", d}}); err != nil || s.Consistent {
		t.Errorf("sum with an inconsistent dump: consistent %v, err %v", s != nil && s.Consistent, err)
	}
	// An event one dump lacks is absent from the sum, not a partial total.
	old := mutate(t, func(m map[string]any) { delete(m["events"].(map[string]any), "handoff_startm") })
	d, err = Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	s, err = Sum([]Source{srcs[0], {"old.json", d}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Has("handoff_startm") || s.Event("enter") != 2000 {
		t.Errorf("handoff_startm present (%v) or enter %d != 2000", s.Has("handoff_startm"), s.Event("enter"))
	}
}

func TestSumErrors(t *testing.T) {
	valid := string(readValid(t))
	for _, c := range []struct {
		name, other, want string
	}{
		{"release", mutate(t, func(m map[string]any) { m["go_version"], m["plan"] = "go1.25.14", "go1.25" }),
			"cannot sum dumps of two releases: OTHER is of go1.25.14 (plan go1.25), FIRST of go1.26.8 (plan go1.26)"},
		{"rawlong", mutate(t, func(m map[string]any) { m["raw_long_ns"] = 5000000.0 }),
			"cannot sum dumps with two raw_long_ns: OTHER has 5000000, FIRST 0"},
		{"unsupported", mutate(t, func(m map[string]any) { m["unsupported"] = []any{} }),
			"cannot sum dumps with two lists of unsupported events"},
		{"buckets", mutate(t, func(m map[string]any) {
			m["hist_bounds_ns"] = []any{100, 200, 400}
			for _, s := range m["syscalls"].([]any) {
				s.(map[string]any)["hist"] = []any{0, 0, 0}
			}
		}), "cannot sum dumps with unlike histograms: OTHER has 3 buckets, FIRST 8"},
		{"bounds", mutate(t, func(m map[string]any) { m["hist_bounds_ns"].([]any)[7] = 13000.0 }),
			"hist_bounds_ns[7] is 13000 in OTHER and 12800 in FIRST, more than 1% apart"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeDumps(t, map[string]string{"first.json": valid, "other.json": c.other})
			srcs, err := ReadSources(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Sum(srcs)
			want := strings.NewReplacer("OTHER", srcs[1].Path, "FIRST", srcs[0].Path).Replace(c.want)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Sum = %v, want an error with %q", err, want)
			}
		})
	}
	// Bounds 1% apart still agree: the same buckets, another measurement.
	near := mutate(t, func(m map[string]any) { m["hist_bounds_ns"].([]any)[7] = 12928.0 })
	d1, _ := Parse(readValid(t))
	d2, err := Parse([]byte(near))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sum([]Source{{"a", d1}, {"b", d2}}); err != nil {
		t.Errorf("bounds 1%% apart: %v", err)
	}
}

func TestReadSourcesErrors(t *testing.T) {
	valid := string(readValid(t))
	dir := writeDumps(t, map[string]string{"a.json": valid, "b.json": `{"schema":"syscope/v1","go_version":"go1.26.8","events":{"enter":`})
	if _, err := ReadSources(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "b.json")+": truncated") {
		t.Errorf("directory with a truncated dump: %v, want the error to name b.json", err)
	}
	foreign := writeDumps(t, map[string]string{"a.json": valid, "coverage.json": `{"files":[]}`})
	if _, err := ReadSources(foreign); err == nil || !strings.Contains(err.Error(), "coverage.json: missing schema") {
		t.Errorf("directory with a JSON file that is no dump: %v, want the error to name it", err)
	}
	empty := writeDumps(t, map[string]string{"notes.txt": "x"})
	if _, err := ReadSources(empty); err == nil || !strings.Contains(err.Error(), empty+": no dump in the directory") {
		t.Errorf("directory without dumps: %v", err)
	}
	one := writeDumps(t, map[string]string{"a.json": valid})
	if _, err := ReadSources(one, filepath.Join(one, "a.json")); err == nil || !strings.Contains(err.Error(), "the same file as") {
		t.Errorf("a file named twice: %v", err)
	}
	if _, err := ReadSources(filepath.Join(one, "none.json")); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v, want not exist", err)
	}
	if _, err := ReadSources(); err == nil {
		t.Errorf("no paths: no error")
	}
}
