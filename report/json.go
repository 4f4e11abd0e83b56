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
	P50NS uint64 `json:"p50_ns"`
	P99NS uint64 `json:"p99_ns"`
}

// jsonDump shadows dump.Dump's Syscalls (the shallower field wins in
// encoding/json), so every other field follows dump.Dump automatically.
type jsonDump struct {
	*dump.Dump
	Syscalls []jsonSyscall `json:"syscalls"`
}

// JSON writes the dump re-encoded and indented, with the syscalls in the
// order of the text table and p50_ns/p99_ns added to each. The output is
// itself a valid syscope/v1 dump (dump.Parse ignores the extra fields).
func JSON(w io.Writer, d *dump.Dump) error {
	rs := rows(d)
	out := jsonDump{Dump: d, Syscalls: make([]jsonSyscall, len(rs))}
	for i, r := range rs {
		out.Syscalls[i] = jsonSyscall{Syscall: r.Syscall, P50NS: r.P50, P99NS: r.P99}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
