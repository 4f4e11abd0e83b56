package dump

import "github.com/syscope/syscope/internal/events"

// Event names one scheduler event and says what it counts.
type Event struct {
	Name string
	Doc  string
	// Gauge marks a level at the moment of the dump (inflight), not a
	// count since the program started: a difference of two snapshots
	// must not subtract it.
	Gauge bool
}

// Events documents the events of schema syscope/v1 that this package
// knows, in the order the runtime writes them and the report prints them.
// A dump may lack some (an older runtime) or hold others (a newer one).
var Events = func() []Event {
	var ev []Event
	for _, e := range events.All {
		ev = append(ev, Event{Name: e.Name, Doc: e.Doc, Gauge: e.Kind == events.Gauge})
	}
	return ev
}()

// EventNames are the names of Events, in the same order.
var EventNames = events.Names(nil)

// The terms of the conservation check (see Check): the entries equal the
// exits, fast and slow, plus the syscalls in flight.
var (
	// EntryEvents count syscall entries that must later exit.
	EntryEvents = events.Names(func(e events.Event) bool { return e.Flow == events.Entry })
	// FastExitEvents are the exits that got a P without blocking.
	FastExitEvents = events.Names(func(e events.Event) bool { return e.Flow == events.FastExit })
	// SlowExitEvents are the exits through the scheduler's slow path.
	SlowExitEvents = events.Names(func(e events.Event) bool { return e.Flow == events.SlowExit })
	// InflightEvents count the syscalls still in flight at the dump.
	InflightEvents = events.Names(func(e events.Event) bool { return e.Flow == events.InFlight })
	// LostPEvents are the exits whose goroutine lost its P in the call.
	LostPEvents = events.Names(func(e events.Event) bool { return e.LostP })
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
