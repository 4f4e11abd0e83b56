package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/syscope/syscope/dump"
)

const (
	tableHead = "%-6s %11s %11s %9s %9s %9s %10s %9s %7s %10s %8s %8s  %s\n"
	tableRow  = "%6s %11s %11s %9s %9s %9s %10d %9s %7d %10d %8d %8d  %s\n"
	tableRule = "------ ----------- ----------- --------- --------- --------- ---------- --------- ------- ---------- -------- --------  ----------------\n"
)

// Text writes the human-readable report: a header naming the release, and
// for a sum of dumps (dump.Sum) how many, then a strace -c style table of the
// system calls with their split by path, the heaviest call sites when the
// dump has stacks, the warnings, the runtime's own
// calls by function and the vDSO calls, then the scheduler events with
// the ratios that say whether syscall exits are cheap, then the
// conservation check.
//
// A dump with the snapshot fields says on a second line which dump of
// its process it is: a snapshot (seq N, not final) or the final dump and
// how the process ended. The difference of two dumps (dump.Diff) has a
// header of its own, which names the interval, and a column of rates per
// second in the table and the events.
func Text(w io.Writer, d *dump.Dump) error {
	var b strings.Builder
	switch {
	case d.Interval != nil:
		intervalHeader(&b, d)
	case d.Sources != nil || d.Dumps > 0:
		// A sum (dump.Sum): say of how many processes.
		fmt.Fprintf(&b, "syscope report: %d %s, %s (plan %s)\n", d.Count(), plural(uint64(d.Count()), "dump", "dumps"), d.GoVersion, d.Plan)
	default:
		fmt.Fprintf(&b, "syscope report: %s (plan %s)\n", d.GoVersion, d.Plan)
		if line := snapshotLine(d); line != "" {
			b.WriteString(line + "\n")
		}
	}
	b.WriteString("\n")
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

// snapshotLine says which dump of its process d is, from the snapshot
// fields it has, or returns "" when it has none.
func snapshotLine(d *dump.Dump) string {
	var parts []string
	seq := ""
	if d.Seq != nil {
		seq = fmt.Sprintf("seq %d", *d.Seq)
	}
	switch {
	case d.IsSnapshot():
		parts = append(parts, strings.TrimSpace("snapshot "+seq)+" (not final)")
	case d.IsFinal():
		if seq != "" {
			seq = " (" + seq + ")"
		}
		parts = append(parts, "final dump"+seq)
	case seq != "":
		parts = append(parts, "dump "+seq)
	}
	if d.PID != nil {
		parts = append(parts, fmt.Sprintf("pid %d", *d.PID))
	}
	if d.ElapsedNS != nil {
		parts = append(parts, fmt.Sprintf("%ss after recording started", seconds3(*d.ElapsedNS)))
	}
	if d.IntervalNS != nil && *d.IntervalNS > 0 {
		parts = append(parts, "SYSCOPE_INTERVAL "+duration(*d.IntervalNS))
	}
	if d.StwNS != nil {
		if *d.StwNS > 0 {
			parts = append(parts, "the world stopped "+duration(*d.StwNS)+" for it")
		} else {
			parts = append(parts, "taken without stopping the world")
		}
	}
	line := strings.Join(parts, ", ")
	if d.Ending != nil {
		line += "; the process ended by " + endingText(d.Ending)
	}
	return line
}

// endingText says how a process ended, from its final dump's ending.
func endingText(e *dump.Ending) string {
	var s string
	switch e.How {
	case dump.EndReturn:
		s = "main.main returning"
	case dump.EndExit:
		s = "os.Exit"
	case dump.EndPanic:
		s = "an unrecovered panic"
	case dump.EndFatal:
		s = "a fatal error"
	case dump.EndSignal:
		s = fmt.Sprintf("signal %d", e.Signal)
		if e.Name != "" {
			s += " (" + e.Name + ")"
		}
	default:
		s = fmt.Sprintf("%q (not known to this syscope)", e.How)
	}
	switch {
	case e.Code != nil:
		s += fmt.Sprintf(", exit status %d", *e.Code)
	case e.How == dump.EndExit:
		s += ", exit status not recorded (os.Exit on go1.16 to go1.19 does not tell it)"
	}
	return s
}

// intervalHeader names the two dumps of a difference, the time between
// them and whether NEW is the final dump.
func intervalHeader(b *strings.Builder, d *dump.Dump) {
	iv := d.Interval
	fmt.Fprintf(b, "syscope diff: %s (plan %s)", d.GoVersion, d.Plan)
	if d.PID != nil {
		fmt.Fprintf(b, ", pid %d", *d.PID)
	}
	fmt.Fprintf(b, "\ninterval: seq %d -> seq %d, %ss (%s -> %s)\n", iv.OldSeq, iv.NewSeq, seconds3(iv.ElapsedNS), iv.Old, iv.New)
	switch {
	case d.IsFinal() && d.Ending != nil:
		fmt.Fprintf(b, "NEW is the final dump: the process ended by %s\n", endingText(d.Ending))
	case d.IsFinal():
		b.WriteString("NEW is the final dump\n")
	case d.IsSnapshot():
		b.WriteString("NEW is a snapshot (not final): the process was running\n")
	}
	b.WriteString("counts are NEW minus OLD, rates per second of the interval; max is not differenced (a dump keeps the longest call since the start)\n")
}

// perSecond formats n events in ns as a rate per second.
func perSecond(n, ns uint64) string {
	if ns == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", rate(n, ns))
}

func rate(n, ns uint64) float64 { return float64(n) * 1e9 / float64(ns) }

// tableFormats returns the table's head, row and rule formats: with a
// calls/s column after calls for an interval.
func tableFormats(interval bool) (head, row, rule string) {
	if !interval {
		return tableHead, tableRow, tableRule
	}
	ins := func(f, col string) string {
		cols := strings.Split(f, " ")
		return strings.Join(slices.Insert(cols, 7, col), " ")
	}
	return ins(tableHead, "%10s"), ins(tableRow, "%10s"), ins(tableRule, "----------")
}

func syscallTable(b *strings.Builder, d *dump.Dump) {
	head, rowFmt, rule := tableFormats(d.Interval != nil)
	// row prints one row: the rate goes after calls in an interval.
	row := func(cells ...any) {
		if d.Interval != nil {
			cells = slices.Insert(cells, 7, any(perSecond(cells[6].(uint64), d.Interval.ElapsedNS)))
		}
		fmt.Fprintf(b, rowFmt, cells...)
	}
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
	heads := []any{"% time", "seconds", "usecs/call", "p50", "p99", "max", "calls", "errors", "eintr", "syscall", "raw", "runtime", "name"}
	if d.Interval != nil {
		heads = slices.Insert(heads, 7, any("calls/s"))
	}
	fmt.Fprintf(b, head, heads...)
	b.WriteString(rule)
	for _, r := range rs {
		pct, secs, per, p50, p99, maxNS := "-", "-", "-", "-", "-", "-"
		if r.Timed > 0 {
			pct, secs, per = share(r.TotalNS, tot.TotalNS), seconds(r.TotalNS), usecsPerCall(r.TotalNS, r.Timed)
			p50, p99 = duration(r.P50NS), duration(r.P99NS)
			if d.Interval == nil {
				maxNS = duration(r.MaxNS)
			}
		}
		// The runtime's own sites count EINTR results but no other
		// errors: a row made only of them has no errors to show.
		errs := strconv.FormatUint(r.Errors, 10)
		if r.Timed == 0 && r.Calls > 0 && r.Calls == r.ByPath[dump.PathRuntime] && r.Errors == 0 {
			errs = "-"
		}
		row(pct, secs, per, p50, p99, maxNS, r.Calls, errs, r.Eintr,
			r.ByPath[dump.PathSyscall], r.ByPath[dump.PathRaw], r.ByPath[dump.PathRuntime], r.Name)
	}
	b.WriteString(rule)
	pct := "0.00"
	if tot.TotalNS > 0 {
		pct = "100.00"
	}
	row(pct, seconds(tot.TotalNS), usecsPerCall(tot.TotalNS, tot.Timed), "", "", "", tot.Calls, strconv.FormatUint(tot.Errors, 10), tot.Eintr,
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
	iv := d.Interval
	if iv == nil {
		b.WriteString("scheduler events\n")
	} else {
		fmt.Fprintf(b, "scheduler events%*s %12s %12s\n", width-14, "", "in interval", "per second")
	}
	for _, n := range names {
		count := countOrNA(d, n)
		doc := dump.EventDoc(n)
		if doc == "" {
			doc = "(not known to this syscope)"
		}
		if iv == nil {
			fmt.Fprintf(b, "  %-*s %12s  %s\n", width, n, count, doc)
			continue
		}
		perSec := "-"
		if was, ok := iv.OldGauges[n]; ok {
			doc += fmt.Sprintf(" (a level: at NEW; %d at OLD)", was)
		} else if d.Has(n) && !d.IsUnsupported(n) {
			perSec = perSecond(d.Event(n), iv.ElapsedNS)
		}
		fmt.Fprintf(b, "  %-*s %12s %12s  %s\n", width, n, count, perSec, doc)
	}

	b.WriteString("\n")
	for _, s := range stats {
		fmt.Fprintf(b, "  %-*s %12s\n", width, s.name, s.value)
	}

	in, out, fl := d.Entries(), d.Exits(), d.Inflight()
	var absent *dump.AbsentError
	err := d.Check()
	switch {
	case errors.As(err, &absent):
		fmt.Fprintf(b, "%v\n", err)
	case iv != nil:
		// Over an interval, the syscalls in flight at its start exit in it.
		was := iv.AtOld(dump.InflightEvents...)
		eq, verdict := "=", "ok"
		if err != nil {
			eq, verdict = "!=", "MISMATCH"
		}
		fmt.Fprintf(b, "conservation over the interval: enter+enter_block %d + inflight at OLD %d = %d %s exits %d + inflight %d = %d (%s)\n",
			in, was, in+was, eq, out, fl, out+fl, verdict)
	case err == nil:
		fmt.Fprintf(b, "conservation: enter+enter_block = %d = exits %d + inflight %d (ok)\n", in, out, fl)
	default:
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
