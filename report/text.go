package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/syscope/syscope/dump"
)

const (
	tableHead = "%-6s %11s %11s %9s %9s %9s %10s %9s %7s %10s %8s %8s  %s\n"
	tableRow  = "%6s %11s %11s %9s %9s %9s %10d %9d %7d %10d %8d %8d  %s\n"
	tableRule = "------ ----------- ----------- --------- --------- --------- ---------- --------- ------- ---------- -------- --------  ----------------\n"
)

// Text writes the human-readable report: a header naming the release, and
// for a sum of dumps (dump.Sum) how many, then a strace -c style table of the
// system calls with their split by path, the heaviest call sites when the
// dump has stacks, the warnings, the runtime's own
// calls by function and the vDSO calls, then the scheduler events with
// the ratios that say whether syscall exits are cheap, then the
// conservation check.
func Text(w io.Writer, d *dump.Dump) error {
	var b strings.Builder
	if d.Sources != nil || d.Dumps > 0 {
		// A sum (dump.Sum): say of how many processes.
		fmt.Fprintf(&b, "syscope report: %d %s, %s (plan %s)\n\n", d.Count(), plural(uint64(d.Count()), "dump", "dumps"), d.GoVersion, d.Plan)
	} else {
		fmt.Fprintf(&b, "syscope report: %s (plan %s)\n\n", d.GoVersion, d.Plan)
	}
	syscallTable(&b, d)
	callSites(&b, d)
	if ws := Warnings(d); len(ws) > 0 {
		b.WriteString("\n")
		for _, w := range ws {
			fmt.Fprintf(&b, "warning: %s\n", w.Text)
		}
	}
	runtimeCalls(&b, d)
	b.WriteString("\n")
	events(&b, d)
	_, err := io.WriteString(w, b.String())
	return err
}

func syscallTable(b *strings.Builder, d *dump.Dump) {
	rs := Table(d)
	var tot Row
	tot.ByPath = map[string]uint64{}
	for _, r := range rs {
		tot.Calls += r.Calls
		tot.Errors += r.Errors
		tot.Eintr += r.Eintr
		tot.Timed += r.Timed
		tot.TotalNS += r.TotalNS
		for p, n := range r.ByPath {
			tot.ByPath[p] += n
		}
	}
	fmt.Fprintf(b, tableHead, "% time", "seconds", "usecs/call", "p50", "p99", "max", "calls", "errors", "eintr",
		"syscall", "raw", "runtime", "name")
	b.WriteString(tableRule)
	for _, r := range rs {
		pct, secs, per, p50, p99, maxNS := "-", "-", "-", "-", "-", "-"
		if r.Timed > 0 {
			pct, secs, per = share(r.TotalNS, tot.TotalNS), seconds(r.TotalNS), usecsPerCall(r.TotalNS, r.Timed)
			p50, p99, maxNS = duration(r.P50NS), duration(r.P99NS), duration(r.MaxNS)
		}
		fmt.Fprintf(b, tableRow, pct, secs, per, p50, p99, maxNS, r.Calls, r.Errors, r.Eintr,
			r.ByPath[dump.PathSyscall], r.ByPath[dump.PathRaw], r.ByPath[dump.PathRuntime], r.Name)
	}
	b.WriteString(tableRule)
	pct := "0.00"
	if tot.TotalNS > 0 {
		pct = "100.00"
	}
	fmt.Fprintf(b, tableRow, pct, seconds(tot.TotalNS), usecsPerCall(tot.TotalNS, tot.Timed), "", "", "", tot.Calls, tot.Errors, tot.Eintr,
		tot.ByPath[dump.PathSyscall], tot.ByPath[dump.PathRaw], tot.ByPath[dump.PathRuntime], "total")
	if note := uncountedNote(d); note != "" {
		b.WriteString("calls counts every SYSCALL of Go code (what strace -f counts, less C code's below); times cover the syscall and raw paths, where the runtime's own calls are counted only\n" + note)
	} else {
		b.WriteString("calls counts every SYSCALL (what strace -f counts); times cover the syscall and raw paths, where the runtime's own calls are counted only\n")
	}
}

// runtimeCalls lists the runtime path by runtime function, and the vDSO
// time calls, which make no SYSCALL and so are not in the table.
func runtimeCalls(b *strings.Builder, d *dump.Dump) {
	for _, sec := range []struct{ path, title string }{
		{dump.PathRuntime, "the runtime's own system calls, by function"},
		{dump.PathVDSO, "vDSO time calls (no SYSCALL; not in the table)"},
	} {
		var ss []dump.Syscall
		for _, s := range sortedSyscalls(d) {
			if s.Path == sec.path && s.Calls > 0 {
				ss = append(ss, s)
			}
		}
		if len(ss) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s\n", sec.title)
		for _, s := range ss {
			eintr := ""
			if s.Eintr > 0 {
				eintr = fmt.Sprintf("  (%d EINTR)", s.Eintr)
			}
			fmt.Fprintf(b, "  %-34s %-18s %10d%s\n", s.Func, s.Name, s.Calls, eintr)
		}
	}
}

func share(ns, total uint64) string {
	if total == 0 {
		return "0.00"
	}
	return fmt.Sprintf("%.2f", float64(ns)*100/float64(total))
}

func usecsPerCall(ns, calls uint64) string {
	if calls == 0 {
		return "0"
	}
	return fmt.Sprint(ns / calls / 1000)
}

// events writes every known event (in schema order, then any unknown keys
// a newer runtime added), the derived ratios and the conservation line.
// Unsupported events print n/a: their zero means "not measurable on this
// Go release", and printing 0 would claim the event never happened. An
// event the dump lacks (an older runtime) prints "absent", and the ratios
// and the conservation line that need it say so instead of counting 0.
func events(b *strings.Builder, d *dump.Dump) {
	names := slices.Clone(dump.EventNames)
	var extra []string
	for name := range d.Events {
		if dump.EventDoc(name) == "" {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	names = append(names, extra...)

	exits, calls := d.Exits(), d.SyscallCalls()
	stats := []struct{ name, value string }{
		{"slow exits per 1,000 syscall exits", needs(d, perMille(d.SlowExits(), exits, "exits"), dump.ExitEvents()...)},
		{"fast-path share of syscall exits", needs(d, percent(d.FastExits(), exits, "exits"), dump.ExitEvents()...)},
		{"sysmon retakes per 1,000 syscalls", needs(d, perMille(d.Event("sysmon_retake"), calls, "syscalls"), "sysmon_retake")},
		{"threads created", countOrNA(d, "thread_create")},
		{"preemption signals that landed in a syscall", needs(d, percent(d.Event("preempt_in_syscall"), d.Event("preempt_sent"), "signals"), "preempt_in_syscall", "preempt_sent")},
		{"handoff_startm", countOrNA(d, "handoff_startm")},
	}

	// One name column for counts and ratios, so the numbers line up.
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, s := range stats {
		width = max(width, len(s.name))
	}
	b.WriteString("scheduler events\n")
	for _, n := range names {
		count := countOrNA(d, n)
		doc := dump.EventDoc(n)
		if doc == "" {
			doc = "(not known to this syscope)"
		}
		fmt.Fprintf(b, "  %-*s %12s  %s\n", width, n, count, doc)
	}

	b.WriteString("\n")
	for _, s := range stats {
		fmt.Fprintf(b, "  %-*s %12s\n", width, s.name, s.value)
	}

	in, out, fl := d.Entries(), d.Exits(), d.Inflight()
	var absent *dump.AbsentError
	if err := d.Check(); err == nil {
		fmt.Fprintf(b, "conservation: enter+enter_block = %d = exits %d + inflight %d (ok)\n", in, out, fl)
	} else if errors.As(err, &absent) {
		fmt.Fprintf(b, "%v\n", err)
	} else {
		fmt.Fprintf(b, "conservation: enter+enter_block = %d != exits %d + inflight %d = %d (MISMATCH)\n", in, out, fl, out+fl)
	}
	if !d.Consistent {
		b.WriteString("warning: the runtime could not take a quiescent snapshot (consistent=false); " +
			"counts may be off by updates that raced with the dump, so small mismatches are expected\n")
	}
}

func countOrNA(d *dump.Dump, name string) string {
	switch {
	case !d.Has(name):
		return "absent"
	case d.IsUnsupported(name):
		return "n/a"
	}
	return fmt.Sprint(d.Event(name))
}

// needs returns value, or n/a naming the events it is computed from that
// the dump lacks.
func needs(d *dump.Dump, value string, names ...string) string {
	if a := d.Absent(names...); len(a) > 0 {
		return "n/a (no " + strings.Join(a, ", ") + ")"
	}
	return value
}
