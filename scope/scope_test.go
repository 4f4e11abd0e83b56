package scope

import (
	"math"
	"runtime/metrics"
	"strings"
	"testing"
)

// TestVanilla runs in the plain test binary, built without the overlay:
// runtime/metrics has no /syscope/ name, so the binary is not
// instrumented and a snapshot is empty. syscope's own tests run the
// instrumented side (testscript/testdata/metrics.txtar, examples/).
func TestVanilla(t *testing.T) {
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/syscope/") {
			t.Fatalf("this test binary is instrumented (%s): run it with go test, not syscope test", d.Name)
		}
	}
	if Instrumented() {
		t.Error("Instrumented() = true in a vanilla build")
	}
	s := Take()
	if s.Instrumented || len(s.Events) != 0 || len(s.Paths) != 0 {
		t.Errorf("vanilla snapshot = %+v, want empty", s)
	}
}

func TestSub(t *testing.T) {
	old := Snapshot{Instrumented: true,
		Events: map[string]uint64{"enter": 10, "inflight": 3, "exit_slow_queued": 1, "exit_fast_idle_p": 2},
		Paths: map[string]Path{"syscall": {Calls: 10, Errors: 1, Latency: &Histogram{
			Buckets: []float64{0, 1e-6, 1e-3, math.Inf(1)}, Counts: []uint64{5, 4, 1}}}}}
	now := Snapshot{Instrumented: true,
		Events: map[string]uint64{"enter": 15, "inflight": 1, "exit_slow_queued": 3, "exit_slow_idle_p": 1, "exit_fast_idle_p": 2},
		Paths: map[string]Path{"syscall": {Calls: 16, Errors: 1, Latency: &Histogram{
			Buckets: []float64{0, 1e-6, 1e-3, math.Inf(1)}, Counts: []uint64{8, 5, 3}}}}}
	d := Diff(old, now)
	if d.Events["enter"] != 5 || d.Events["inflight"] != 1 {
		t.Errorf("enter %d inflight %d, want 5 and 1 (a gauge keeps its level)", d.Events["enter"], d.Events["inflight"])
	}
	if n := d.SlowExits(); n != 3 {
		t.Errorf("SlowExits = %d, want 3", n)
	}
	if n := d.LostP(); n != 3 {
		t.Errorf("LostP = %d, want 3", n)
	}
	p := d.Paths["syscall"]
	if p.Calls != 6 || p.Errors != 0 || p.Latency.Total() != 6 || p.Latency.AtLeast(1e-3) != 2 || p.Latency.AtLeast(1e-6) != 3 {
		t.Errorf("syscall path %+v %v, want 6 calls, 0 errors, 2 at least 1ms, 3 at least 1µs", p, p.Latency.Counts)
	}
	if old.Paths["syscall"].Latency.Counts[0] != 5 {
		t.Error("Sub changed its argument")
	}
}
