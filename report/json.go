package report

import (
	"encoding/json"
	"io"

	"github.com/syscope/syscope/dump"
)

// jsonSyscall is a dump.Syscall plus the quantiles, so consumers need not
// reimplement the histogram interpolation.
type jsonSyscall struct {
	dump.Syscall
	P50NS uint64 `json:"p50_ns,omitempty"`
	P99NS uint64 `json:"p99_ns,omitempty"`
}

// jsonDump shadows dump.Dump's Syscalls (the shallower field wins in
// encoding/json), so every other field follows dump.Dump automatically.
type jsonDump struct {
	*dump.Dump
	Syscalls []jsonSyscall `json:"syscalls"`
	Table    []Row         `json:"table"`
	Warnings []Warning     `json:"warnings"`
	// CallSites is the text report's digest of the stacks, whose whole
	// list is the dump's own "stacks".
	CallSites *CallSites `json:"call_sites,omitempty"`
	// EventsPerS holds each counted event per second of an interval
	// (dump.Diff); gauges, a level and not a count, have none.
	EventsPerS map[string]float64 `json:"events_per_s,omitempty"`
}

// JSON writes the dump re-encoded and indented, its rows in a fixed order
// with p50_ns/p99_ns added to the timed ones, followed by the text
// report's table (one row per system call), warnings and, when the dump
// has stacks, call sites (the stacks themselves are in "stacks"). The output is
// itself a valid syscope/v1 dump: dump.Parse ignores the extra fields.
// A sum (dump.Sum) carries its "dumps" count and its "sources". A dump
// with the snapshot fields carries them (pid, seq, final, ending, ...).
// The difference of two dumps (dump.Diff) carries its "interval", with
// calls_per_s in each table row and "events_per_s".
func JSON(w io.Writer, d *dump.Dump) error {
	ss := sortedSyscalls(d)
	out := jsonDump{Dump: d, Syscalls: make([]jsonSyscall, len(ss)), Table: Table(d), Warnings: Warnings(d), CallSites: Sites(d)}
	if out.Warnings == nil {
		out.Warnings = []Warning{}
	}
	if iv := d.Interval; iv != nil && iv.ElapsedNS > 0 {
		out.EventsPerS = map[string]float64{}
		for name, n := range d.Events {
			if _, gauge := iv.OldGauges[name]; !gauge {
				out.EventsPerS[name] = rate(n, iv.ElapsedNS)
			}
		}
	}
	for i, s := range ss {
		out.Syscalls[i] = jsonSyscall{Syscall: s}
		if s.IsTimed() {
			out.Syscalls[i].P50NS = s.Quantile(d.HistBoundsNS, 0.50)
			out.Syscalls[i].P99NS = s.Quantile(d.HistBoundsNS, 0.99)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
