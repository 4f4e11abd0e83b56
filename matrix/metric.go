package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syscope/syscope/dump"
)

// derived are the metrics computed from several counters.
var derived = map[string]func(d *dump.Dump) float64{
	"entries":   func(d *dump.Dump) float64 { return float64(d.Entries()) },
	"exits":     func(d *dump.Dump) float64 { return float64(d.Exits()) },
	"exit_fast": func(d *dump.Dump) float64 { return float64(d.FastExits()) },
	"exit_slow": func(d *dump.Dump) float64 { return float64(d.SlowExits()) },
	"exit_slow_pct": func(d *dump.Dump) float64 {
		if d.Exits() == 0 {
			return 0
		}
		return 100 * float64(d.SlowExits()) / float64(d.Exits())
	},
	"calls":    func(d *dump.Dump) float64 { return float64(d.SyscallCalls()) },
	"errors":   func(d *dump.Dump) float64 { return float64(d.SyscallErrors()) },
	"total_ns": func(d *dump.Dump) float64 { return float64(d.SyscallTotalNS()) },
}

// rowFields are the fields of NAME.FIELD; timed marks those that only
// the syscall and raw paths record.
var rowFields = map[string]struct {
	timed bool
	get   func(s *dump.Syscall) uint64
}{
	"calls":    {false, func(s *dump.Syscall) uint64 { return s.Calls }},
	"errors":   {false, func(s *dump.Syscall) uint64 { return s.Errors }},
	"eintr":    {false, func(s *dump.Syscall) uint64 { return s.Eintr }},
	"long":     {false, func(s *dump.Syscall) uint64 { return s.Long }},
	"total_ns": {true, func(s *dump.Syscall) uint64 { return s.TotalNS }},
	"max_ns":   {true, nil}, // a maximum, not a sum: see rowValue
	"mean_ns":  {true, nil}, // total_ns / calls
}

var paths = []string{dump.PathSyscall, dump.PathRaw, dump.PathRuntime, dump.PathVDSO, "all"}

// WallMS is the metric that the matrix measures itself: the run's wall
// time in milliseconds, from start to exit.
const WallMS = "wall_ms"

// metric is a parsed metric name.
type metric struct {
	name  string
	event bool
	// For NAME[.PATH].FIELD:
	syscall, path, field string
}

func parseMetric(name string) (metric, error) {
	m := metric{name: name}
	switch {
	case name == WallMS || derived[name] != nil:
		return m, nil
	case slices.Contains(dump.EventNames, name):
		m.event = true
		return m, nil
	case !strings.Contains(name, "."):
		return m, fmt.Errorf("unknown metric %q: want %s", name, MetricHelp())
	}
	f := strings.Split(name, ".")
	switch len(f) {
	case 2:
		m.syscall, m.path, m.field = f[0], dump.PathSyscall, f[1]
	case 3:
		m.syscall, m.path, m.field = f[0], f[1], f[2]
	default:
		return m, fmt.Errorf("metric %q: want NAME.FIELD or NAME.PATH.FIELD", name)
	}
	if m.syscall == "" {
		return m, fmt.Errorf("metric %q: no system call name", name)
	}
	if !slices.Contains(paths, m.path) {
		return m, fmt.Errorf("metric %q: unknown path %q (want %s)", name, m.path, strings.Join(paths, ", "))
	}
	rf, ok := rowFields[m.field]
	if !ok {
		return m, fmt.Errorf("metric %q: unknown field %q (want %s)", name, m.field, strings.Join(fieldNames(), ", "))
	}
	if rf.timed && m.path != dump.PathSyscall && m.path != dump.PathRaw {
		return m, fmt.Errorf("metric %q: the %s path records no times (%s needs syscall or raw)", name, m.path, m.field)
	}
	return m, nil
}

func fieldNames() []string {
	var f []string
	for k := range rowFields {
		f = append(f, k)
	}
	slices.Sort(f)
	return f
}

// MetricHelp describes the metric names, for a flag's help.
func MetricHelp() string {
	var d []string
	for k := range derived {
		d = append(d, k)
	}
	slices.Sort(d)
	return fmt.Sprintf("an event (%s), %s, NAME.FIELD or NAME.PATH.FIELD for system call NAME (PATH %s; FIELD %s), or %s",
		strings.Join(dump.EventNames, ", "), strings.Join(d, ", "), strings.Join(paths, "|"), strings.Join(fieldNames(), "|"), WallMS)
}

// CheckMetric reports whether name is a metric this package can read.
func CheckMetric(name string) error {
	_, err := parseMetric(name)
	return err
}

// Value reads a metric from a dump. A system call the dump has no row
// for counts zero; an event the release cannot record is an error, so a
// chart never shows "cannot happen" as zero. wall_ms is not in a dump:
// it is an error here.
func Value(d *dump.Dump, name string) (float64, error) {
	m, err := parseMetric(name)
	if err != nil {
		return 0, err
	}
	switch {
	case name == WallMS:
		return 0, fmt.Errorf("%s is measured by the matrix, not read from a dump", WallMS)
	case derived[name] != nil:
		return derived[name](d), nil
	case m.event:
		if d.IsUnsupported(name) {
			return 0, fmt.Errorf("%s cannot occur on %s (n/a)", name, d.GoVersion)
		}
		return float64(d.Event(name)), nil
	}
	return m.rowValue(d), nil
}

// rowValue folds the rows of m's system call on m's path: a name has one
// row per path, and on the runtime and vdso paths one per function.
func (m metric) rowValue(d *dump.Dump) float64 {
	var calls, total, maxNS, sum uint64
	for i := range d.Syscalls {
		s := &d.Syscalls[i]
		if s.Name != m.syscall || !(s.Path == m.path || m.path == "all" && s.Path != dump.PathVDSO) {
			continue
		}
		calls += s.Calls
		total += s.TotalNS
		maxNS = max(maxNS, s.MaxNS)
		if get := rowFields[m.field].get; get != nil {
			sum += get(s)
		}
	}
	switch m.field {
	case "max_ns":
		return float64(maxNS)
	case "mean_ns":
		if calls == 0 {
			return 0
		}
		return float64(total) / float64(calls)
	}
	return float64(sum)
}
