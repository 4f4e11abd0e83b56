package dump

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Interval describes the difference of two dumps of one process, OLD and
// NEW (see Diff).
type Interval struct {
	Old string `json:"old"` // the file OLD was read from
	New string `json:"new"`
	// OldSeq and NewSeq are the seq of OLD and of NEW.
	OldSeq uint64 `json:"old_seq"`
	NewSeq uint64 `json:"new_seq"`
	// ElapsedNS is the monotonic time from OLD to NEW.
	ElapsedNS uint64 `json:"elapsed_ns"`
	// OldGauges holds the gauges (inflight) at OLD; the difference's
	// Events hold them at NEW, as a gauge is a level, not a count.
	OldGauges map[string]uint64 `json:"old_gauges"`
}

// Gauge reports whether the named event is a level at the moment of the
// dump (inflight) rather than a count since the start. An event this
// package does not know counts.
func Gauge(name string) bool {
	for _, e := range Events {
		if e.Name == name {
			return e.Gauge
		}
	}
	return false
}

// Diff returns what happened in one process between its dumps OLD and
// NEW, such as two snapshots that SYSCOPE_INTERVAL wrote, or a snapshot
// and the final dump: a dump whose events and system call rows hold NEW
// minus OLD (calls, errors, EINTRs, times, long raw calls and histogram
// buckets), whose gauges (inflight) are NEW's, with OLD's in Interval,
// and whose snapshot fields (pid, seq, final, ending, ...) are NEW's.
// Interval holds the elapsed time between the two. A row with no calls,
// errors or EINTRs in the interval is left out. The difference keeps no
// call-site stacks: it is not taken stack by stack.
//
// The longest call cannot be differenced: a dump keeps the longest since
// the start, not one per interval. So max_ns and long_max_ns are NEW's,
// the longest since the start, which bound the interval's from above
// (and clamp its quantiles); a report of the difference prints no max.
// They are the interval's own when NEW's exceeds OLD's, since that call
// was then made in the interval: a long raw call's site is kept just
// then, and is nil otherwise.
//
// Diff fails, naming both files and the cause, on dumps that lack the
// snapshot fields (SnapshotFields, which an older syscope did not write),
// dumps of two processes (pid or start_unix_ns differ), OLD taken after
// NEW or the same dump twice, OLD a final dump, two releases, plans or
// histograms (as Sum does), and a counter that went down from OLD to NEW,
// which in one process never happens: one of the dumps is corrupt or of
// another program. The one exception is the unknown row (trap -1), which
// the runtime derives from several counters: when either dump is not
// consistent (a crash dump, taken without stopping the world), a count of
// it that went down is 0 in the difference, whose Consistent is false.
// And a total_ns at most 1% (and 2ns) lower in NEW is no time in the
// interval: the runtime converts CPU ticks to ns at the rate measured
// over the whole run, which moves a little from dump to dump.
func Diff(old, new Source) (*Dump, error) {
	a, b := old.Dump, new.Dump
	fail := func(format string, args ...any) error {
		return fmt.Errorf("cannot diff %s and %s: %s", old.Path, new.Path, fmt.Sprintf(format, args...))
	}
	for _, s := range []Source{old, new} {
		switch {
		case s.Dump.Interval != nil:
			return nil, fail("%s is a difference of two dumps (syscope diff), not a dump a process wrote", s.Path)
		case s.Dump.Dumps > 0:
			return nil, fail("%s is a sum of %d dumps, not a dump a process wrote", s.Path, s.Dump.Dumps)
		}
		switch f := s.Dump.SnapshotAbsent(); {
		case len(f) == len(SnapshotFields):
			return nil, fail("%s has none of %s: it was written by a syscope that does not record which process wrote a dump and when",
				s.Path, quoteList(f))
		case len(f) > 0:
			return nil, fail("%s has no %s (diff needs %s): it was written by a syscope that does not record them all, or is corrupt",
				s.Path, quoteList(f), quoteList(SnapshotFields))
		}
	}
	if *a.PID != *b.PID || *a.StartUnixNS != *b.StartUnixNS {
		return nil, fail("they are dumps of two processes: %s of pid %d started at %s, %s of pid %d started at %s (pid and start_unix_ns); "+
			"diff compares two dumps of one process, such as its SYSCOPE_INTERVAL snapshots",
			old.Path, *a.PID, unixNS(*a.StartUnixNS), new.Path, *b.PID, unixNS(*b.StartUnixNS))
	}
	switch {
	case *a.Seq == *b.Seq && *a.ElapsedNS == *b.ElapsedNS:
		return nil, fail("both are dump seq %d of process %d: there is no interval between them", *a.Seq, *a.PID)
	case *a.Seq == *b.Seq:
		return nil, fail("both are seq %d of process %d, but taken %d ns and %d ns after its start: one of them is corrupt",
			*a.Seq, *a.PID, *a.ElapsedNS, *b.ElapsedNS)
	case *a.Seq > *b.Seq:
		return nil, fail("%s (seq %d) was taken after %s (seq %d): name the older dump first (syscope diff %s %s)",
			old.Path, *a.Seq, new.Path, *b.Seq, new.Path, old.Path)
	case *a.ElapsedNS >= *b.ElapsedNS:
		return nil, fail("%s (seq %d) is older than %s (seq %d), but its elapsed_ns, %d, is not less than %d: one of them is corrupt",
			old.Path, *a.Seq, new.Path, *b.Seq, *a.ElapsedNS, *b.ElapsedNS)
	case a.IsFinal():
		return nil, fail("%s is the final dump of process %d (seq %d), yet %s (seq %d) is later: one of them is corrupt",
			old.Path, *a.PID, *a.Seq, new.Path, *b.Seq)
	}
	if err := agree("diff", old, new); err != nil {
		return nil, err
	}

	// went names a counter that went down.
	went := func(what string, x, y uint64) error {
		return fail("%s went down, from %d in %s to %d in %s: a process's counts never do, so one of the dumps is corrupt or of another program",
			what, x, old.Path, y, new.Path)
	}
	d := *b
	d.HistBoundsNS = slices.Clone(b.HistBoundsNS)
	d.Unsupported = slices.Clone(b.Unsupported)
	d.Consistent = a.Consistent && b.Consistent
	d.Stacks = nil // see Diff
	d.Interval = &Interval{
		Old: old.Path, New: new.Path, OldSeq: *a.Seq, NewSeq: *b.Seq,
		ElapsedNS: *b.ElapsedNS - *a.ElapsedNS, OldGauges: map[string]uint64{},
	}
	d.Events = map[string]uint64{}
	for _, name := range slices.Sorted(maps.Keys(b.Events)) {
		y := b.Events[name]
		x, ok := a.Events[name]
		switch {
		case !ok:
			return nil, fail("%s has the event %q and %s does not: the dumps of one process hold the same events", new.Path, name, old.Path)
		case Gauge(name):
			d.Events[name] = y
			d.Interval.OldGauges[name] = x
		case y < x:
			return nil, went(fmt.Sprintf("the event %s", name), x, y)
		default:
			d.Events[name] = y - x
		}
	}
	for _, name := range slices.Sorted(maps.Keys(a.Events)) {
		if _, ok := b.Events[name]; !ok {
			return nil, fail("%s has the event %q and %s does not: the dumps of one process hold the same events", old.Path, name, new.Path)
		}
	}

	type key struct {
		trap     int
		path, fn string
	}
	was := map[key]Syscall{}
	for _, s := range a.Syscalls {
		was[key{s.Trap, s.Path, s.Func}] = s
	}
	d.Syscalls = make([]Syscall, 0, len(b.Syscalls))
	for _, y := range b.Syscalls {
		k := key{y.Trap, y.Path, y.Func}
		x, ok := was[k]
		delete(was, k)
		if !ok {
			x = Syscall{Hist: make([]uint64, len(y.Hist))}
		} else if x.IsTimed() != y.IsTimed() {
			return nil, fail("the %s row on the %s path is timed in one dump and not in the other", y.Name, y.Path)
		}
		r := y
		if y.Hist != nil {
			r.Hist = make([]uint64, len(y.Hist))
		}
		// max_ns and long_max_ns stay NEW's (see Diff).
		if y.LongMaxNS <= x.LongMaxNS {
			r.LongSite = nil
		}
		what := func(field string) string {
			return fmt.Sprintf("the %s of %s on the %s path", field, rowName(y), y.Path)
		}
		for _, f := range []struct {
			name string
			x, y uint64
			out  *uint64
		}{
			{"calls", x.Calls, y.Calls, &r.Calls},
			{"errors", x.Errors, y.Errors, &r.Errors},
			{"eintr", x.Eintr, y.Eintr, &r.Eintr},
			{"total_ns", x.TotalNS, y.TotalNS, &r.TotalNS},
			{"long", x.Long, y.Long, &r.Long},
		} {
			switch {
			case f.y >= f.x:
				*f.out = f.y - f.x
			case f.name == "total_ns" && f.x-f.y <= f.x/100+2:
				// The runtime counts CPU ticks and converts them to ns at
				// the tick rate measured over the whole run, so a later
				// dump's rate may make the same ticks a few ns fewer (the
				// 1% and 2ns that Sum allows the bounds). Nothing went
				// in the interval.
				*f.out = 0
			case y.Trap == -1 && !d.Consistent:
				// The unknown row is derived from the counters, which a
				// dump that is not consistent read while they moved: it
				// may come out lower. The report warns of the race.
				*f.out = 0
			default:
				return nil, went(what(f.name), f.x, f.y)
			}
		}
		for i := range y.Hist {
			if y.Hist[i] < x.Hist[i] {
				return nil, went(what(fmt.Sprintf("hist[%d]", i)), x.Hist[i], y.Hist[i])
			}
			r.Hist[i] = y.Hist[i] - x.Hist[i]
		}
		// A row with no calls in the interval says nothing of it.
		if r.Calls == 0 && r.Errors == 0 && r.Eintr == 0 {
			continue
		}
		d.Syscalls = append(d.Syscalls, r)
	}
	// A row of OLD's that NEW lacks had better be all zero.
	for _, x := range a.Syscalls {
		if _, ok := was[key{x.Trap, x.Path, x.Func}]; ok && (x.Calls > 0 || x.Errors > 0 || x.Eintr > 0) {
			return nil, fail("%s has a row for %s on the %s path with %d calls, and %s has none: a process's counts never go down, "+
				"so one of the dumps is corrupt or of another program", old.Path, rowName(x), x.Path, x.Calls, new.Path)
		}
	}
	return &d, nil
}

// unixNS formats a wall clock time in unix ns, in UTC to the ns.
func unixNS(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// rowName names a row in a message: its system call, and its runtime
// function on the runtime and vdso paths.
func rowName(s Syscall) string {
	if s.Func != "" {
		return s.Name + " (" + s.Func + ")"
	}
	return s.Name
}

// AtOld sums the gauges of names at OLD, the start of the interval.
func (iv *Interval) AtOld(names ...string) uint64 {
	var n uint64
	for _, name := range names {
		n += iv.OldGauges[name]
	}
	return n
}
