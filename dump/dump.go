// Package dump reads the JSON file that a syscope-instrumented program
// writes at exit: per-syscall latency histograms plus counters of the Go
// scheduler events on the syscall entry and exit paths.
//
// The reader is strict about what a report depends on (schema, every known
// event, histogram shapes) so a broken or foreign file fails loudly instead
// of producing a plausible-looking but wrong report, and lenient about
// additions (unknown fields and event keys) so newer runtimes writing
// syscope/v1 stay readable.
package dump

// SchemaV1 is the only schema this package reads.
const SchemaV1 = "syscope/v1"

// Dump is one syscope dump, as written by the instrumented runtime.
type Dump struct {
	Schema    string `json:"schema"`
	GoVersion string `json:"go_version"`
	Plan      string `json:"plan"`
	// Consistent is false when the runtime could not stop the world for
	// the snapshot, so counters may disagree by in-flight updates.
	Consistent bool `json:"consistent"`
	// HistBoundsNS[i] is the exclusive upper bound of bucket i; the last
	// bucket is unbounded above. Shared by every Syscall.Hist.
	HistBoundsNS []uint64 `json:"hist_bounds_ns"`
	// Events holds every name in EventNames, plus any unknown keys a newer
	// runtime wrote (kept so they can be shown and re-encoded).
	Events map[string]uint64 `json:"events"`
	// Unsupported lists events that cannot occur on this Go release; their
	// zero count means "not measured", not "never happened".
	Unsupported []string  `json:"unsupported"`
	Syscalls    []Syscall `json:"syscalls"`
}

// Syscall is the aggregate for one (trap, path) pair.
type Syscall struct {
	// Trap is the syscall number; -1 means the runtime could not tell.
	Trap int    `json:"trap"`
	Name string `json:"name"`
	// Path is the entry route: "syscall" today; "raw", "runtime" and
	// "vdso" later. The same Name may appear once per Path.
	Path    string   `json:"path"`
	Calls   uint64   `json:"calls"`
	Errors  uint64   `json:"errors"`
	TotalNS uint64   `json:"total_ns"`
	MaxNS   uint64   `json:"max_ns"`
	Hist    []uint64 `json:"hist"`
}
