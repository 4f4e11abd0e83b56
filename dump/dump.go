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
	// Executable is the program's path (/proc/self/exe) when the dump was
	// written: the main binary of the profile syscope pprof makes. Dumps
	// from before it was recorded lack it.
	Executable string `json:"executable,omitempty"`

	// The snapshot fields say which process wrote the dump and when
	// (SYSCOPE_INTERVAL's periodic snapshots, and the final dump). Dumps
	// of a syscope that did not record them lack them: nil means absent,
	// never zero (see SnapshotAbsent).

	// PID is getpid() of the process that wrote the dump.
	PID *int64 `json:"pid,omitempty"`
	// StartUnixNS is the wall clock, in unix ns, when recording started;
	// with PID it identifies the process.
	StartUnixNS *int64 `json:"start_unix_ns,omitempty"`
	// Seq numbers the dumps of one process: 1 for the first, one more
	// for each later snapshot and for the final dump.
	Seq *uint64 `json:"seq,omitempty"`
	// TimeUnixNS is the wall clock, in unix ns, when the dump was taken.
	TimeUnixNS *int64 `json:"time_unix_ns,omitempty"`
	// ElapsedNS is the monotonic time from the start of recording to the
	// dump: the clock for rates.
	ElapsedNS *uint64 `json:"elapsed_ns,omitempty"`
	// IntervalNS is SYSCOPE_INTERVAL as applied (after clamping), 0 when
	// the process takes no snapshots.
	IntervalNS *uint64 `json:"interval_ns,omitempty"`
	// StwNS is how long taking the dump stopped the world, 0 when it did
	// not stop it (a crash dump).
	StwNS *uint64 `json:"stw_ns,omitempty"`
	// Final is false for a periodic snapshot and true for the dump
	// written as the process ends, which Ending then describes.
	Final  *bool   `json:"final,omitempty"`
	Ending *Ending `json:"ending,omitempty"`

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
	// Interval is set on the difference of two dumps of one process
	// (Diff), and absent from the dump a process writes.
	Interval *Interval `json:"interval,omitempty"`
}

// How a process ended, the values of Ending.How.
const (
	EndReturn = "return" // main.main returned; code 0
	EndExit   = "exit"   // os.Exit or syscall.Exit; Code, when the release tells it
	EndPanic  = "panic"  // an unrecovered panic; code 2
	EndFatal  = "fatal"  // a fatal error (throw); code 2
	EndSignal = "signal" // a fatal signal: Signal and Name
)

// Ending says how the process that wrote a final dump ended.
type Ending struct {
	How string `json:"how"`
	// Code is the exit status, nil when the release does not tell it
	// (os.Exit on go1.16 to go1.19) and for a signal.
	Code *int `json:"code,omitempty"`
	// Signal and Name are the fatal signal, as 15 and "SIGTERM".
	Signal int    `json:"signal,omitempty"`
	Name   string `json:"name,omitempty"`
}

// IsSnapshot reports whether d is a periodic snapshot (final is false).
func (d *Dump) IsSnapshot() bool { return d.Final != nil && !*d.Final }

// IsFinal reports whether d is the dump written as its process ended.
func (d *Dump) IsFinal() bool { return d.Final != nil && *d.Final }

// SnapshotFields are the fields that place a dump in its process's
// series: which process (pid, start_unix_ns) and where in it (seq,
// elapsed_ns). Diff needs them all.
var SnapshotFields = []string{"pid", "start_unix_ns", "seq", "elapsed_ns"}

// SnapshotAbsent returns those of SnapshotFields that d lacks, in their
// order: all of them for a dump of a syscope that did not record them.
func (d *Dump) SnapshotAbsent() []string {
	var a []string
	for i, present := range []bool{d.PID != nil, d.StartUnixNS != nil, d.Seq != nil, d.ElapsedNS != nil} {
		if !present {
			a = append(a, SnapshotFields[i])
		}
	}
	return a
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
