// Package events is the one list of the scheduler events syscope records.
//
// Everything else that names the events comes from the table All:
// go generate writes the runtime's constants and name array
// (runtime/zsyscope_events.go) and the docs' table (docs/events.md), and
// package dump derives its lists from it. TestGenerated fails when a
// generated file is stale.
//
// To add an event, add a row to All (a counter after the other per-M
// counters, or last of the counters if it is Shared; Check says why),
// run
// go generate ./internal/events, and count it in the runtime: a plan
// edit that calls syscopeEv(CONST), or a hook that bumps it.
package events

//go:generate go run ./gen ../..

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind says what an event's value is.
type Kind uint8

const (
	// Counter counts occurrences since the program started. The runtime
	// keeps it per M, indexed by the event's Const.
	Counter Kind = iota
	// Gauge is a level at the moment of the dump, computed when the dump
	// is taken. A difference of two snapshots must not subtract it.
	Gauge
)

func (k Kind) String() string {
	switch k {
	case Counter:
		return "counter"
	case Gauge:
		return "gauge"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Flow is an event's place in the conservation check: the entries equal
// the exits (fast and slow) plus the syscalls in flight.
type Flow uint8

const (
	// NoFlow events are not terms of the conservation check.
	NoFlow Flow = iota
	// Entry counts syscall entries that must later exit.
	Entry
	// FastExit is a per-exit outcome of the fast path (exitsyscallfast,
	// exitsyscallTryGetP): the exit got a P without blocking.
	FastExit
	// SlowExit is a per-exit outcome of the slow path (exitsyscall0,
	// exitsyscallNoP).
	SlowExit
	// InFlight counts syscalls entered and not yet exited.
	InFlight
)

func (f Flow) String() string {
	switch f {
	case NoFlow:
		return ""
	case Entry:
		return "entry"
	case FastExit:
		return "fast exit"
	case SlowExit:
		return "slow exit"
	case InFlight:
		return "in flight"
	}
	return fmt.Sprintf("Flow(%d)", uint8(f))
}

// Event is one row of the table.
type Event struct {
	// Name is the key in the dump's "events" object.
	Name string
	// Const is the runtime's constant for a Counter: the index of its
	// per-M counter, which the plans' edits pass to syscopeEv. A Gauge
	// has none.
	Const string
	// Doc says in one line what the event counts.
	Doc  string
	Kind Kind
	Flow Flow
	// LostP marks the exits whose goroutine lost its P during the call
	// (sysmon took it, or it was gone at exit): every exit but the one
	// that kept its own P.
	LostP bool
	// Shared marks a counter the runtime keeps in one global counter,
	// added to with an atomic, and not per M: it is counted on a thread
	// other than the call's (sysmon, a thread's maker, a signal's
	// sender), far less often than calls, and a per-M counter would
	// make every thread's m bigger. Shared counters come after the
	// per-M ones, which are m.syscopeEv's first syscopeNumMEvents.
	Shared bool
}

// All is the table, in the order of the runtime's constants, the dump
// and the report. The counters come first: their index is their place.
var All = []Event{
	{Name: "enter", Const: "syscopeEvEnter", Flow: Entry,
		Doc: "entersyscall/reentersyscall, all of them"},
	{Name: "enter_cgo", Const: "syscopeEvEnterCgo",
		Doc: "entries from runtime.cgocall and the return to C after a callback"},
	{Name: "enter_block", Const: "syscopeEvEnterBlock", Flow: Entry,
		Doc: "entersyscallblock (P handed off at once)"},
	{Name: "enter_wake_sysmon", Const: "syscopeEvEnterWakeSysmon",
		Doc: "entry woke a sleeping sysmon"},
	{Name: "enter_gcwait", Const: "syscopeEvEnterGCWait",
		Doc: "entry gave its P to a pending stop-the-world"},
	{Name: "exit_fast_kept_p", Const: "syscopeEvExitFastKept", Flow: FastExit,
		Doc: "fast path, kept its own P"},
	{Name: "exit_fast_reacquired_p", Const: "syscopeEvExitFastReacquired", Flow: FastExit, LostP: true,
		Doc: "fast path, won back its own P after sysmon took it"},
	{Name: "exit_fast_idle_p", Const: "syscopeEvExitFastIdle", Flow: FastExit, LostP: true,
		Doc: "fast path, took an idle P"},
	{Name: "exit_slow_idle_p", Const: "syscopeEvExitSlowIdle", Flow: SlowExit, LostP: true,
		Doc: "slow path (exitsyscall0/exitsyscallNoP) found an idle P"},
	{Name: "exit_slow_queued", Const: "syscopeEvExitSlowQueued", Flow: SlowExit, LostP: true,
		Doc: "slow path, no P: goroutine queued on the global run queue and the M stopped"},
	{Name: "exit_slow_locked", Const: "syscopeEvExitSlowLocked", Flow: SlowExit, LostP: true,
		Doc: "slow path, no P, goroutine locked to its thread: the M waits"},
	{Name: "sysmon_retake", Const: "syscopeEvSysmonRetake", Shared: true,
		Doc: "sysmon took the P of a goroutine in a syscall"},
	{Name: "handoff_startm", Const: "syscopeEvHandoffStartm", Shared: true,
		Doc: "handoffp started an M"},
	{Name: "thread_create", Const: "syscopeEvThreadCreate", Shared: true,
		Doc: "newm created an OS thread"},
	{Name: "preempt_sent", Const: "syscopeEvPreemptSent", Shared: true,
		Doc: "preemptM sent an async preemption signal (SIGURG)"},
	{Name: "preempt_in_syscall", Const: "syscopeEvPreemptInSyscall", Shared: true,
		Doc: "a preemption signal landed on a thread inside a system call"},
	{Name: "inflight", Kind: Gauge, Flow: InFlight,
		Doc: "goroutines in a syscall when the dump was taken"},
}

// Names returns the names of the events for which keep returns true, in
// table order; all of them if keep is nil.
func Names(keep func(Event) bool) []string {
	var names []string
	for _, e := range All {
		if keep == nil || keep(e) {
			names = append(names, e.Name)
		}
	}
	return names
}

// Counters returns the events the runtime counts per M, in the order of
// their constants.
func Counters() []Event {
	var c []Event
	for _, e := range All {
		if e.Kind == Counter {
			c = append(c, e)
		}
	}
	return c
}

var (
	nameRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	constRE = regexp.MustCompile(`^syscopeEv[A-Z][A-Za-z0-9]*$`)
)

// Check validates a table: unique names that are valid dump keys (and
// runtime/metrics name segments), unique constants on exactly the
// counters, counters before gauges, one-line docs, and exit attributes
// that make sense. The generator refuses a table that fails it.
func Check(all []Event) error {
	var errs []string
	bad := func(i int, e Event, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("event %d (%q): %s", i, e.Name, fmt.Sprintf(format, args...)))
	}
	names, consts := map[string]bool{}, map[string]bool{}
	sawGauge, sawExit, sawShared := false, false, false
	for i, e := range all {
		if !nameRE.MatchString(e.Name) {
			bad(i, e, "name must be lower_snake_case (a dump key and a metric name segment)")
		}
		if names[e.Name] {
			bad(i, e, "duplicate name")
		}
		names[e.Name] = true
		switch e.Kind {
		case Counter:
			if sawGauge {
				bad(i, e, "counter after a gauge: counters come first, their index is their place")
			}
			if sawShared && !e.Shared {
				bad(i, e, "per-M counter after a shared one: the per-M counters come first, m.syscopeEv holds only them")
			}
			if e.Shared && e.Flow != NoFlow {
				bad(i, e, "a conservation term is counted on the call's own M: it cannot be Shared")
			}
			sawShared = sawShared || e.Shared
			if !constRE.MatchString(e.Const) {
				bad(i, e, "counter needs a runtime constant syscopeEvName, have %q", e.Const)
			}
			if consts[e.Const] {
				bad(i, e, "duplicate constant %s", e.Const)
			}
			consts[e.Const] = true
		case Gauge:
			sawGauge = true
			if e.Shared {
				bad(i, e, "a gauge has no counter to share")
			}
			if e.Const != "" {
				bad(i, e, "a gauge has no runtime counter, but Const is %q", e.Const)
			}
		default:
			bad(i, e, "unknown kind %d", e.Kind)
		}
		if strings.TrimSpace(e.Doc) == "" || strings.ContainsAny(e.Doc, "\n|") {
			bad(i, e, "doc must be one line without '|'")
		}
		switch e.Flow {
		case NoFlow, Entry, FastExit, SlowExit:
			if e.Flow != NoFlow && e.Kind != Counter {
				bad(i, e, "%s must be a counter", e.Flow)
			}
		case InFlight:
			if e.Kind != Gauge {
				bad(i, e, "in flight must be a gauge")
			}
		default:
			bad(i, e, "unknown flow %d", e.Flow)
		}
		if e.Flow == Entry && sawExit {
			bad(i, e, "entry after an exit: the runtime reads an M's exits before its entries by reading its counters from the last (syscopeAddEvents)")
		}
		if e.Flow == FastExit || e.Flow == SlowExit {
			sawExit = true
		}
		if e.LostP && e.Flow != FastExit && e.Flow != SlowExit {
			bad(i, e, "only an exit can lose its P")
		}
		if e.Flow == SlowExit && !e.LostP {
			bad(i, e, "a slow exit always lost its P")
		}
	}
	for _, f := range []Flow{Entry, FastExit, SlowExit, InFlight} {
		n := 0
		for _, e := range all {
			if e.Flow == f {
				n++
			}
		}
		if n == 0 {
			errs = append(errs, fmt.Sprintf("no %s event: the conservation check needs one", f))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("events table:\n\t%s", strings.Join(errs, "\n\t"))
	}
	return nil
}
