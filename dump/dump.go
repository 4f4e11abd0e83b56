// Package dump reads the JSON file that a syscope-instrumented program
// writes at exit: per-syscall latency histograms plus counters of the Go
// scheduler events on the syscall entry and exit paths.
//
// The reader is strict about what a report depends on (schema, the events
// object, histogram shapes) so a broken or foreign file fails loudly instead
// of producing a plausible-looking but wrong report, and lenient about the
// event list, so dumps of other syscope versions writing syscope/v1 stay
// readable: unknown fields and event keys (a newer runtime) are kept, and
// an event the runtime did not write (an older one) reads as absent, not
// as zero. Figures that need an absent event say so (AbsentError).
package dump

// SchemaV1 is the only schema this package reads.
const SchemaV1 = "syscope/v1"

// Dump is one syscope dump, as written by the instrumented runtime.
type Dump struct {
	Schema    string `json:"schema"`
	GoVersion string `json:"go_version"`
	Plan      string `json:"plan"`
	// SyscopeVersion names the syscope that made the overlay the program
	// was built with, and the overlay's key, e.g. "(devel) 56fefd7a1b2c,
	// overlay 0123456789abcdef". Dumps from before it was recorded lack it.
	SyscopeVersion string `json:"syscope_version,omitempty"`
	// Consistent is false when the runtime could not stop the world for
	// the snapshot, so counters may disagree by in-flight updates.
	Consistent bool `json:"consistent"`
	// HistBoundsNS[i] is the exclusive upper bound of bucket i; the last
	// bucket is unbounded above. Shared by every Syscall.Hist.
	HistBoundsNS []uint64 `json:"hist_bounds_ns"`
	// Events holds the events the runtime wrote: those of EventNames it
	// knew, plus any unknown keys a newer runtime wrote (kept so they can
	// be shown and re-encoded).
	Events map[string]uint64 `json:"events"`
	// Unsupported lists events that cannot occur on this Go release; their
	// zero count means "not measured", not "never happened".
	Unsupported []string  `json:"unsupported"`
	Syscalls    []Syscall `json:"syscalls"`
	// RawLongNS is the threshold above which a raw call counts as long
	// (SYSCOPE_RAW_LONG, 1ms by default).
	RawLongNS uint64 `json:"raw_long_ns,omitempty"`
	// Stacks is the call-site table, nil when the runtime recorded none
	// (see stacks.go).
	Stacks *Stacks `json:"stacks,omitempty"`
}

// The paths by which a SYSCALL instruction is reached.
const (
	PathSyscall = "syscall" // syscall.Syscall/Syscall6, inside entersyscall
	PathRaw     = "raw"     // RawSyscall/RawSyscall6 and what they stand on
	PathRuntime = "runtime" // the runtime's own assembly (sys_linux_amd64.s)
	PathVDSO    = "vdso"    // vDSO time calls (nanotime1, time.now): no SYSCALL
)

// Syscall is the aggregate for one (trap, path) pair; on the runtime and
// vdso paths, for one (trap, runtime function) pair.
type Syscall struct {
	Trap int    `json:"trap"` // -1: unknown
	Name string `json:"name"`
	Path string `json:"path"`
	// Func is the runtime function, on the runtime and vdso paths.
	Func   string `json:"func,omitempty"`
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
	Eintr  uint64 `json:"eintr"`
	// Timed is false for rows with counts only: the runtime and vdso
	// paths and the unknown trap. Such rows have no times or histogram.
	Timed   *bool    `json:"timed,omitempty"`
	TotalNS uint64   `json:"total_ns"`
	MaxNS   uint64   `json:"max_ns"`
	Hist    []uint64 `json:"hist,omitempty"`
	// Raw path only: calls longer than the dump's raw_long_ns made while
	// the thread held a P, the longest, and where it was called from.
	Long      uint64 `json:"long,omitempty"`
	LongMaxNS uint64 `json:"long_max_ns,omitempty"`
	LongSite  *Site  `json:"long_site,omitempty"`
}

// Site is a call site in the program.
type Site struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// IsTimed reports whether s has times and a histogram.
func (s *Syscall) IsTimed() bool {
	if s.Timed != nil {
		return *s.Timed
	}
	return s.Path == PathSyscall || s.Path == PathRaw
}
