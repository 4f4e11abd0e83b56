// Package report prints a syscope dump for people (Text, modelled on
// strace -c) and for programs (JSON).
package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/syscope/syscope/dump"
)

// Row is one system call in the table: the dump's rows for its trap on
// the syscall, raw and runtime paths, merged. The unknown trap (-1) is a
// row of its own. vDSO rows are not system calls and are kept apart.
type Row struct {
	Trap   int    `json:"trap"`
	Name   string `json:"name"`
	Calls  uint64 `json:"calls"` // all paths: what strace -f counts
	Errors uint64 `json:"errors"`
	Eintr  uint64 `json:"eintr"`
	// ByPath holds the calls per path; every path of the table is present.
	ByPath map[string]uint64 `json:"by_path"`
	// Timed counts the calls that TotalNS, MaxNS and the quantiles cover:
	// those on the syscall and raw paths.
	Timed   uint64 `json:"timed"`
	TotalNS uint64 `json:"total_ns"`
	MaxNS   uint64 `json:"max_ns"`
	P50NS   uint64 `json:"p50_ns"`
	P99NS   uint64 `json:"p99_ns"`
	// CallsPerS is Calls per second of an interval (dump.Diff), and
	// absent from the table of a dump.
	CallsPerS *float64 `json:"calls_per_s,omitempty"`
}

// tablePaths are the paths counted in the table, in column order.
var tablePaths = []string{dump.PathSyscall, dump.PathRaw, dump.PathRuntime}

// Table merges the dump's rows per system call and sorts them: most total
// time first, so the expensive calls lead; ties by calls, then trap, so
// the output does not depend on the order the runtime wrote.
func Table(d *dump.Dump) []Row {
	byTrap := map[int]*Row{}
	hists := map[int]*dump.Syscall{}
	for _, s := range d.Syscalls {
		if s.Path == dump.PathVDSO {
			continue
		}
		r := byTrap[s.Trap]
		if r == nil {
			r = &Row{Trap: s.Trap, Name: s.Name, ByPath: map[string]uint64{}}
			for _, p := range tablePaths {
				r.ByPath[p] = 0
			}
			if s.Trap == -1 {
				r.Name = "unknown" // the name the runtime guessed means nothing
			}
			byTrap[s.Trap] = r
			hists[s.Trap] = &dump.Syscall{}
		}
		r.Calls += s.Calls
		r.Errors += s.Errors
		r.Eintr += s.Eintr
		r.ByPath[s.Path] += s.Calls
		if s.IsTimed() {
			h := hists[s.Trap]
			r.Timed += s.Calls
			r.TotalNS += s.TotalNS
			r.MaxNS = max(r.MaxNS, s.MaxNS)
			h.MaxNS = r.MaxNS
			if len(h.Hist) < len(s.Hist) {
				h.Hist = append(h.Hist, make([]uint64, len(s.Hist)-len(h.Hist))...)
			}
			for i, c := range s.Hist {
				h.Hist[i] += c
			}
		}
	}
	rs := make([]Row, 0, len(byTrap))
	for trap, r := range byTrap {
		h := hists[trap]
		r.P50NS = h.Quantile(d.HistBoundsNS, 0.50)
		r.P99NS = h.Quantile(d.HistBoundsNS, 0.99)
		if d.Interval != nil && d.Interval.ElapsedNS > 0 {
			v := rate(r.Calls, d.Interval.ElapsedNS)
			r.CallsPerS = &v
		}
		rs = append(rs, *r)
	}
	slices.SortFunc(rs, func(a, b Row) int {
		return cmp.Or(
			cmp.Compare(b.TotalNS, a.TotalNS),
			cmp.Compare(b.Calls, a.Calls),
			cmp.Compare(a.Trap, b.Trap),
		)
	})
	return rs
}

// Warning is a finding the report calls out under the table.
type Warning struct {
	Kind string `json:"kind"` // "raw_long", "eintr", "unknown"
	Trap int    `json:"trap"`
	Name string `json:"name"`
	Text string `json:"text"`
}

// LongRaw returns the raw-path rows with calls that blocked past the
// dump's raw_long_ns while their thread held a P, longest first.
func LongRaw(d *dump.Dump) []dump.Syscall {
	var out []dump.Syscall
	for _, s := range d.Syscalls {
		if s.Path == dump.PathRaw && s.Long > 0 {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b dump.Syscall) int {
		return cmp.Or(cmp.Compare(b.LongMaxNS, a.LongMaxNS), cmp.Compare(a.Trap, b.Trap))
	})
	return out
}

// sortedSyscalls returns the dump's rows in a deterministic order: by
// path (table paths, then vdso), then most calls first, then trap and
// runtime function.
func sortedSyscalls(d *dump.Dump) []dump.Syscall {
	order := map[string]int{dump.PathSyscall: 0, dump.PathRaw: 1, dump.PathRuntime: 2, dump.PathVDSO: 3}
	ss := slices.Clone(d.Syscalls)
	slices.SortStableFunc(ss, func(a, b dump.Syscall) int {
		oa, ok := order[a.Path]
		if !ok {
			oa = len(order)
		}
		ob, ok := order[b.Path]
		if !ok {
			ob = len(order)
		}
		return cmp.Or(cmp.Compare(oa, ob), cmp.Compare(b.Calls, a.Calls),
			cmp.Compare(a.Trap, b.Trap), cmp.Compare(a.Func, b.Func))
	})
	return ss
}

// Warnings returns the findings a reader must not miss: raw calls that
// blocked while holding a P (the scheduler was never told, so that P ran
// nothing else), and raw calls cut short by EINTR, which the runtime's
// preemption signals cause and which the caller must handle; and calls
// in the unknown row, which no wrapper syscope instruments made.
func Warnings(d *dump.Dump) []Warning {
	var ws []Warning
	for _, s := range d.Syscalls {
		if s.Trap != -1 || s.Calls == 0 {
			continue
		}
		ws = append(ws, Warning{Kind: "unknown", Trap: -1, Name: "unknown", Text: fmt.Sprintf(
			"%d %s entered the scheduler's syscall state (entersyscall) through no wrapper syscope instruments, "+
				"so their system call is not known: assembly of another package that calls entersyscall itself, "+
				"such as golang.org/x/sys/unix's SyscallNoError; strace -f shows which calls they were",
			s.Calls, plural(s.Calls, "call", "calls"))})
	}
	for _, s := range LongRaw(d) {
		site := "an unknown site"
		switch {
		case s.LongSite != nil:
			site = fmt.Sprintf("%s (%s:%d)", s.LongSite.Func, s.LongSite.File, s.LongSite.Line)
		case d.Interval != nil:
			site = "a site the dumps do not tell for this interval (the longest such call was before it)"
		}
		// An interval (dump.Diff) knows its longest call only when it
		// was the longest since the start, and then keeps its site.
		longest := ""
		if d.Interval == nil || s.LongSite != nil {
			longest = " (longest " + duration(s.LongMaxNS) + ")"
		}
		ws = append(ws, Warning{Kind: "raw_long", Trap: s.Trap, Name: s.Name, Text: fmt.Sprintf(
			"%d raw %s %s blocked longer than %s holding a P%s, called from %s: "+
				"the scheduler was not told, so that P ran nothing else; a call that can block belongs in syscall.Syscall",
			s.Long, s.Name, plural(s.Long, "call", "calls"), duration(d.RawLongNS), longest, site)})
	}
	for _, s := range sortedSyscalls(d) {
		if s.Path != dump.PathRaw || s.Eintr == 0 {
			continue
		}
		// A dump without the preemption events says nothing of them.
		landed := "the dump does not count preemption signals"
		if len(d.Absent("preempt_in_syscall", "preempt_sent")) == 0 {
			landed = fmt.Sprintf("%d of %d preemption signals landed while their target was in a system call",
				d.Event("preempt_in_syscall"), d.Event("preempt_sent"))
		}
		ws = append(ws, Warning{Kind: "eintr", Trap: s.Trap, Name: s.Name, Text: fmt.Sprintf(
			"%d raw %s %s returned EINTR; %s: "+
				"since go1.14 sysmon preempts a goroutine that runs 10ms with SIGURG, which cuts a raw call short",
			s.Eintr, s.Name, plural(s.Eintr, "call", "calls"), landed)})
	}
	return ws
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
