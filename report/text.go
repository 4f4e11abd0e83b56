package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/syscope/syscope/dump"
)

const (
	tableHead = "%-6s %11s %11s %9s %9s %9s %10s %9s %s\n"
	tableRow  = "%6.2f %11s %11d %9s %9s %9s %10d %9d %s\n"
	tableRule = "------ ----------- ----------- --------- --------- --------- ---------- --------- ----------------\n"
)

// Text writes the human-readable report: a strace -c style table of the
// syscalls, then the scheduler events with the ratios that say whether
// syscall exits are cheap, then the conservation check.
func Text(w io.Writer, d *dump.Dump) error {
	var b strings.Builder
	fmt.Fprintf(&b, "syscope report: %s (plan %s)\n\n", d.GoVersion, d.Plan)
	syscallTable(&b, d)
	b.WriteString("\n")
	events(&b, d)
	_, err := io.WriteString(w, b.String())
	return err
}

func syscallTable(b *strings.Builder, d *dump.Dump) {
	total := d.SyscallTotalNS()
	fmt.Fprintf(b, tableHead, "% time", "seconds", "usecs/call", "p50", "p99", "max", "calls", "errors", "syscall")
	b.WriteString(tableRule)
	for _, r := range rows(d) {
		p50, p99, maxNS := "-", "-", "-"
		if r.Calls > 0 {
			p50, p99, maxNS = duration(r.P50), duration(r.P99), duration(r.MaxNS)
		}
		fmt.Fprintf(b, tableRow, share(r.TotalNS, total), seconds(r.TotalNS), usecsPerCall(r.TotalNS, r.Calls),
			p50, p99, maxNS, r.Calls, r.Errors, r.Label)
	}
	b.WriteString(tableRule)
	calls := d.SyscallCalls()
	pct := 0.0
	if total > 0 {
		pct = 100
	}
	fmt.Fprintf(b, tableRow, pct, seconds(total), usecsPerCall(total, calls), "", "", "", calls, d.SyscallErrors(), "total")
}

func share(ns, total uint64) float64 {
	if total == 0 {
		return 0
	}
	return float64(ns) * 100 / float64(total)
}

func usecsPerCall(ns, calls uint64) uint64 {
	if calls == 0 {
		return 0
	}
	return ns / calls / 1000
}

// events writes every known event (in schema order, then any unknown keys
// a newer runtime added), the derived ratios and the conservation line.
// Unsupported events print n/a: their zero means "not measurable on this
// Go release", and printing 0 would claim the event never happened.
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
		{"slow exits per 1,000 syscall exits", perMille(d.SlowExits(), exits, "exits")},
		{"fast-path share of syscall exits", percent(d.FastExits(), exits, "exits")},
		{"sysmon retakes per 1,000 syscalls", perMille(d.Event("sysmon_retake"), calls, "syscalls")},
		{"threads created", countOrNA(d, "thread_create")},
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
		count := fmt.Sprint(d.Event(n))
		if d.IsUnsupported(n) {
			count = "n/a"
		}
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
	if d.Check() == nil {
		fmt.Fprintf(b, "conservation: enter+enter_block = %d = exits %d + inflight %d (ok)\n", in, out, fl)
	} else {
		fmt.Fprintf(b, "conservation: enter+enter_block = %d != exits %d + inflight %d = %d (MISMATCH)\n", in, out, fl, out+fl)
	}
	if !d.Consistent {
		b.WriteString("warning: the runtime could not take a quiescent snapshot (consistent=false); " +
			"counts may be off by updates that raced with the dump, so small mismatches are expected\n")
	}
}

func countOrNA(d *dump.Dump, name string) string {
	if d.IsUnsupported(name) {
		return "n/a"
	}
	return fmt.Sprint(d.Event(name))
}
