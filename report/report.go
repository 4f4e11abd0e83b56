// Package report prints a syscope dump for people (Text, modelled on
// strace -c) and for programs (JSON).
package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/syscope/syscope/dump"
)

// row is one syscall with what the report derives from it.
type row struct {
	dump.Syscall
	Label    string // name shown in the table
	P50, P99 uint64 // estimated from the histogram, ns
}

// rows returns the syscalls sorted like the table: most total time first,
// so the expensive calls lead; ties by calls, then trap, then name and path
// so that output is deterministic whatever order the runtime wrote.
func rows(d *dump.Dump) []row {
	rs := make([]row, len(d.Syscalls))
	for i, s := range d.Syscalls {
		rs[i] = row{
			Syscall: s,
			P50:     s.Quantile(d.HistBoundsNS, 0.50),
			P99:     s.Quantile(d.HistBoundsNS, 0.99),
		}
	}
	labels(rs)
	slices.SortStableFunc(rs, func(a, b row) int {
		return cmp.Or(
			cmp.Compare(b.TotalNS, a.TotalNS),
			cmp.Compare(b.Calls, a.Calls),
			cmp.Compare(a.Trap, b.Trap),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Path, b.Path),
		)
	})
	return rs
}

// labels names each row. The path is shown only when it carries
// information: for the same name reached by several paths, or for a path
// other than the ordinary "syscall" one. Trap -1 is always "unknown", since
// the name the runtime guessed for it means nothing.
func labels(rs []row) {
	names := map[string]int{}
	pairs := map[[2]string]int{}
	for i := range rs {
		n := name(rs[i].Syscall)
		names[n]++
		pairs[[2]string{n, rs[i].Path}]++
	}
	for i := range rs {
		s := rs[i].Syscall
		n := name(s)
		switch {
		case pairs[[2]string{n, s.Path}] > 1:
			// Same name and path twice: only the trap tells them apart.
			rs[i].Label = fmt.Sprintf("%s (%s, trap %d)", n, s.Path, s.Trap)
		case names[n] > 1 || s.Path != "syscall":
			rs[i].Label = fmt.Sprintf("%s (%s)", n, s.Path)
		default:
			rs[i].Label = n
		}
	}
}

func name(s dump.Syscall) string {
	if s.Trap == -1 {
		return "unknown"
	}
	return s.Name
}
