package dump

import (
	"fmt"
	"strings"
)

// Has reports whether the dump holds the named event. A runtime older
// than this package may not have written every event of EventNames.
func (d *Dump) Has(name string) bool {
	_, ok := d.Events[name]
	return ok
}

// Event returns the count of the named event, or 0 if the dump lacks it:
// use Has or Absent before reading a 0 as "never happened".
func (d *Dump) Event(name string) uint64 { return d.Events[name] }

// Absent returns those of names that the dump lacks, in their order.
func (d *Dump) Absent(names ...string) []string {
	var a []string
	for _, n := range names {
		if !d.Has(n) {
			a = append(a, n)
		}
	}
	return a
}

// AbsentError reports a figure that needs events the dump lacks: the
// runtime that wrote it did not record them, and reading them as zero
// would invent a result.
type AbsentError struct {
	What   string   // what cannot be done, such as "conservation cannot be checked"
	Events []string // the events it needs and the dump lacks
}

func (e *AbsentError) Error() string {
	return fmt.Sprintf("%s: the dump has no %s (its runtime did not record %s)",
		e.What, quoteList(e.Events), plural(len(e.Events), "it", "them"))
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// IsUnsupported reports whether the named event cannot occur on the Go
// release that wrote the dump, so its zero must not be read as "never".
func (d *Dump) IsUnsupported(name string) bool {
	for _, u := range d.Unsupported {
		if u == name {
			return true
		}
	}
	return false
}

func (d *Dump) sum(names []string) uint64 {
	var n uint64
	for _, name := range names {
		n += d.Events[name]
	}
	return n
}

// ExitEvents are the fast and the slow exits.
func ExitEvents() []string {
	return append(append([]string(nil), FastExitEvents...), SlowExitEvents...)
}

// BalanceEvents are every term of the conservation check.
func BalanceEvents() []string {
	return append(append(append([]string(nil), EntryEvents...), ExitEvents()...), InflightEvents...)
}

// The sums below add the events the dump holds; one it lacks adds
// nothing, so check Absent (Check does) before trusting a sum.

// Entries counts syscall entries that must later exit: enter (which
// includes cgo entries) plus enter_block.
func (d *Dump) Entries() uint64 { return d.sum(EntryEvents) }

// FastExits counts exits that got a P back without blocking.
func (d *Dump) FastExits() uint64 { return d.sum(FastExitEvents) }

// SlowExits counts exits that went through the scheduler's slow path.
func (d *Dump) SlowExits() uint64 { return d.sum(SlowExitEvents) }

// Exits counts all syscall exits, fast and slow.
func (d *Dump) Exits() uint64 { return d.FastExits() + d.SlowExits() }

// Inflight counts goroutines still in a syscall when the dump was taken.
func (d *Dump) Inflight() uint64 { return d.sum(InflightEvents) }

// SyscallCalls sums the calls of the rows on the syscall path.
func (d *Dump) SyscallCalls() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.Calls
		}
	}
	return n
}

// SyscallErrors sums the errors of the rows on the syscall path.
func (d *Dump) SyscallErrors() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.Errors
		}
	}
	return n
}

// SyscallTotalNS sums the time spent in the rows on the syscall path.
func (d *Dump) SyscallTotalNS() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.TotalNS
		}
	}
	return n
}

// Instructions counts, per system call name, the SYSCALL instructions the
// dump saw on the syscall, raw and runtime paths (vDSO calls make none):
// what strace counts.
func (d *Dump) Instructions() map[string]uint64 {
	m := map[string]uint64{}
	for _, s := range d.Syscalls {
		if s.Path != PathVDSO && s.Trap >= 0 {
			m[s.Name] += s.Calls
		}
	}
	return m
}

// Check verifies conservation: every entry has either exited or is still
// in flight. A mismatch means the instrumentation missed a path (or, with
// Consistent false, that the snapshot raced with running goroutines).
//
// A dump that lacks one of the terms (BalanceEvents) cannot show
// conservation: Check returns an *AbsentError naming them, rather than
// count them as zero.
//
// Over an interval (Diff), the entries made in it equal its exits plus
// the syscalls in flight at its end, less those in flight at its start.
func (d *Dump) Check() error {
	if a := d.Absent(BalanceEvents()...); len(a) > 0 {
		return &AbsentError{What: "conservation cannot be checked", Events: a}
	}
	in, out, fl := d.Entries(), d.Exits(), d.Inflight()
	if d.Interval != nil {
		was := d.Interval.AtOld(InflightEvents...)
		if in+was != out+fl {
			return fmt.Errorf("conservation violated over the interval: %s = %d, but exits %d + %s %d - %s at the start %d = %d (off by %d)",
				strings.Join(EntryEvents, "+"), in, out, strings.Join(InflightEvents, "+"), fl, strings.Join(InflightEvents, "+"), was,
				diff(out+fl, was), diff(in+was, out+fl))
		}
		return nil
	}
	if in != out+fl {
		return fmt.Errorf("conservation violated: %s = %d, but exits %d + %s %d = %d (off by %d)",
			strings.Join(EntryEvents, "+"), in, out, strings.Join(InflightEvents, "+"), fl, out+fl, diff(in, out+fl))
	}
	return nil
}

func diff(a, b uint64) int64 {
	if a >= b {
		return int64(a - b)
	}
	return -int64(b - a)
}
