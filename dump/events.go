package dump

// Event names one scheduler counter and says what it counts.
type Event struct {
	Name string
	Doc  string
}

// Events documents the counters of schema syscope/v1, in the order the
// runtime writes them and the report prints them.
var Events = []Event{
	{"enter", "entersyscall/reentersyscall, all of them"},
	{"enter_cgo", "entries from runtime.cgocall and the return to C after a callback"},
	{"enter_block", "entersyscallblock (P handed off at once)"},
	{"enter_wake_sysmon", "entry woke a sleeping sysmon"},
	{"enter_gcwait", "entry gave its P to a pending stop-the-world"},
	{"exit_fast_kept_p", "fast path, kept its own P"},
	{"exit_fast_reacquired_p", "fast path, won back its own P after sysmon took it"},
	{"exit_fast_idle_p", "fast path, took an idle P"},
	{"exit_slow_idle_p", "slow path (exitsyscall0/exitsyscallNoP) found an idle P"},
	{"exit_slow_queued", "slow path, no P: goroutine queued on the global run queue and the M stopped"},
	{"exit_slow_locked", "slow path, no P, goroutine locked to its thread: the M waits"},
	{"sysmon_retake", "sysmon took the P of a goroutine in a syscall"},
	{"handoff_startm", "handoffp started an M"},
	{"thread_create", "newm created an OS thread"},
	{"preempt_sent", "preemptM sent an async preemption signal (SIGURG)"},
	{"preempt_in_syscall", "a preemption signal landed on a thread inside a system call"},
	{"inflight", "goroutines in a syscall when the dump was taken"},
}

// EventNames are the names of Events, in the same order. Every one must be
// present in a syscope/v1 dump.
var EventNames = []string{
	"enter",
	"enter_cgo",
	"enter_block",
	"enter_wake_sysmon",
	"enter_gcwait",
	"exit_fast_kept_p",
	"exit_fast_reacquired_p",
	"exit_fast_idle_p",
	"exit_slow_idle_p",
	"exit_slow_queued",
	"exit_slow_locked",
	"sysmon_retake",
	"handoff_startm",
	"thread_create",
	"preempt_sent",
	"preempt_in_syscall",
	"inflight",
}

// The exit counters split every completed syscall exit between the fast
// path (exitsyscall kept or got a P without blocking) and the slow path.
// Together they must balance the entries; see Check.
var (
	fastExitEvents = []string{"exit_fast_kept_p", "exit_fast_reacquired_p", "exit_fast_idle_p"}
	slowExitEvents = []string{"exit_slow_idle_p", "exit_slow_queued", "exit_slow_locked"}
)

// EventDoc returns the documentation of a known event, or "" for a name
// this package does not know (for example one added by a newer runtime).
func EventDoc(name string) string {
	for _, e := range Events {
		if e.Name == name {
			return e.Doc
		}
	}
	return ""
}
