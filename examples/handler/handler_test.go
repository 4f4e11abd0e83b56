package handler

import (
	"net/http/httptest"
	"runtime/debug"
	"testing"
	"time"

	"github.com/syscope/syscope/scope"
)

// Built with `syscope test`, these tests assert what the handlers do to
// the scheduler. Built with plain `go test`, the binary has no syscope
// figures: they check that scope says so.

// vanilla reports a build without syscope's overlay, after checking that
// scope then gives an empty snapshot.
func vanilla(t *testing.T) bool {
	if scope.Instrumented() {
		return false
	}
	if s := scope.Take(); s.Instrumented || len(s.Events) != 0 || len(s.Paths) != 0 {
		t.Fatalf("not instrumented, yet the snapshot is %+v", s)
	}
	t.Log("not instrumented (go test): run it with syscope test")
	return true
}

func serve(h func(*httptest.ResponseRecorder)) scope.Snapshot {
	before := scope.Take()
	h(httptest.NewRecorder())
	return scope.Take().Sub(before)
}

// TestHelloCreatesNoThread: a handler that answers from memory makes its
// system calls without losing its P and starts no thread.
func TestHelloCreatesNoThread(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // the GC's workers may start threads
	if vanilla(t) {
		return
	}
	req := httptest.NewRequest("GET", "/", nil)
	Hello(httptest.NewRecorder(), req) // warm up: first-use allocations
	// The figures are process-wide: a thread the runtime starts for work
	// of its own in the same window (a loaded machine's late sysmon, the
	// test runner) counts too. So a window with a thread is tried again,
	// up to three times; a handler that does start threads starts them
	// in every window and fails.
	var d scope.Snapshot
	for try := 0; try < 3; try++ {
		d = serve(func(w *httptest.ResponseRecorder) {
			for i := 0; i < 100; i++ {
				Hello(w, req)
			}
		})
		if d.Events["thread_create"] == 0 && d.SlowExits() == 0 {
			break
		}
	}
	if d.Paths["syscall"].Calls < 100 {
		t.Errorf("%d calls on the syscall path, want the 100 stats at least", d.Paths["syscall"].Calls)
	}
	if n := d.Events["thread_create"]; n != 0 {
		t.Errorf("Hello created %d threads", n)
	}
	if n := d.SlowExits(); n > 0 {
		t.Errorf("%d slow syscall exits, want none", n)
	}
	t.Logf("instrumented: Hello x100: %d syscalls, thread_create +%d, slow exits %d",
		d.Paths["syscall"].Calls, d.Events["thread_create"], d.SlowExits())
}

// TestBlockingLosesItsP: the check above is not vacuous. A handler
// blocked in read(2) for 50ms loses its P to sysmon, and its call shows
// in the latency histogram's buckets of 10ms and more.
func TestBlockingLosesItsP(t *testing.T) {
	if vanilla(t) {
		return
	}
	h := Blocking(50 * time.Millisecond)
	req := httptest.NewRequest("GET", "/", nil)
	d := serve(func(w *httptest.ResponseRecorder) { h(w, req) })
	if n := d.Events["sysmon_retake"]; n < 1 {
		t.Errorf("sysmon_retake +%d, want the blocked read's P taken", n)
	}
	if n := d.LostP(); n < 1 {
		t.Errorf("%d exits lost their P, want the blocked read's", n)
	}
	if n := d.Paths["syscall"].Latency.AtLeast(0.01); n < 1 {
		t.Errorf("%d calls of 10ms or more, want the blocked read", n)
	}
	t.Logf("instrumented: Blocking: sysmon_retake +%d, lost P %d, calls >= 10ms %d",
		d.Events["sysmon_retake"], d.LostP(), d.Paths["syscall"].Latency.AtLeast(0.01))
}
