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
	// Uncounted names the parts of the process whose own system calls
	// are not counted: "libc" and "ld.so" in a cgo binary (their calls:
	// report.Uncounted), none otherwise. Older dumps lack it (nil).
	Uncounted []string `json:"uncounted,omitempty"`
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
	// Stacks is the call-site profile, nil when the dump has none.
	Stacks *Stacks `json:"stacks,omitempty"`
	// Dumps is the number of process dumps summed into this one by Sum,
	// and Sources the files it read; both are absent from the dump a
	// process writes, which is one (see Count).
	Dumps   int      `json:"dumps,omitempty"`
	Sources []string `json:"sources,omitempty"`
}

// Count is the number of process dumps d holds: 1, or Dumps for a sum.
func (d *Dump) Count() int {
	if d.Dumps > 0 {
		return d.Dumps
	}
	return 1
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
