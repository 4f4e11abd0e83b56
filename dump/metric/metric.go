// Package metric names the numbers that can be read from a syscope dump.
// testscript's dump command and syscope matrix's -metric both speak it:
//
//	EVENT               an event of the dump: thread_create, sysmon_retake, ...
//	DERIVED             entries, exits, exit_fast, exit_slow, exit_slow_pct,
//	                    calls, errors, total_ns (sums over the syscall path)
//	NAME.FIELD          the syscall-path row of system call NAME
//	NAME.PATH.FIELD     its rows on another path: raw, runtime, vdso, or all
//	                    (syscall+raw+runtime; all leaves out the vDSO)
//
// FIELD is calls, errors, eintr or long, or, on the timed paths (syscall
// and raw), total_ns, max_ns or mean_ns.
//
// A name is checked before it is read, so that a misspelling fails
// instead of reading zero: an EVENT must be one that syscope records (or
// one the dump has, for a dump from a newer syscope), and NAME a linux/amd64
// system call. A system call the dump has no row for counts zero. An event
// that the release cannot record is an error, never a zero.
package metric

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/internal/sysnames"
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

// derivedNeeds lists the events a derived metric sums: a dump that lacks
// one cannot give the figure, and reading it as zero would invent one.
var derivedNeeds = map[string]func() []string{
	"entries":       func() []string { return dump.EntryEvents },
	"exits":         dump.ExitEvents,
	"exit_fast":     func() []string { return dump.FastExitEvents },
	"exit_slow":     func() []string { return dump.SlowExitEvents },
	"exit_slow_pct": dump.ExitEvents,
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

// All is the PATH that sums the syscall, raw and runtime paths.
const All = "all"

var paths = []string{dump.PathSyscall, dump.PathRaw, dump.PathRuntime, dump.PathVDSO, All}

// Metric is a parsed metric name.
type Metric struct {
	name  string
	event bool
	// For NAME[.PATH].FIELD:
	syscall, path, field string
}

// String returns the name m was parsed from.
func (m Metric) String() string { return m.name }

// Parse checks a metric name against the events syscope records, the
// derived counts and the system calls linux/amd64 has.
func Parse(name string) (Metric, error) {
	m, err := parse(name)
	if err != nil {
		return m, err
	}
	return m, m.known(nil)
}

// parse reads the form of name; known then checks the names in it.
func parse(name string) (Metric, error) {
	m := Metric{name: name}
	switch {
	case derived[name] != nil:
		return m, nil
	case !strings.Contains(name, "."):
		if name == "" {
			return m, fmt.Errorf("empty metric name: want %s", Help())
		}
		m.event = true
		return m, nil
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

// known checks the names in m: an event syscope records, or one the dump
// has; a system call linux/amd64 has, or one the dump has a row for. d
// may be nil.
func (m Metric) known(d *dump.Dump) error {
	switch {
	case m.event:
		if slices.Contains(dump.EventNames, m.name) {
			return nil
		}
		if d != nil {
			if _, ok := d.Events[m.name]; ok {
				return nil
			}
		}
		return fmt.Errorf("unknown metric %q: want %s", m.name, Help())
	case m.syscall != "":
		if sysnames.Trap(m.syscall) >= 0 {
			return nil
		}
		if d != nil && slices.ContainsFunc(d.Syscalls, func(s dump.Syscall) bool { return s.Name == m.syscall }) {
			return nil
		}
		return fmt.Errorf("metric %q: unknown system call %q (linux/amd64 has no such name)", m.name, m.syscall)
	}
	return nil
}

func fieldNames() []string {
	var f []string
	for k := range rowFields {
		f = append(f, k)
	}
	slices.Sort(f)
	return f
}

// Help describes the metric names, for a flag's help or an error.
func Help() string {
	var d []string
	for k := range derived {
		d = append(d, k)
	}
	slices.Sort(d)
	return fmt.Sprintf("an event (%s), %s, or NAME.FIELD or NAME.PATH.FIELD for system call NAME (PATH %s; FIELD %s)",
		strings.Join(dump.EventNames, ", "), strings.Join(d, ", "), strings.Join(paths, "|"), strings.Join(fieldNames(), "|"))
}

// Value reads the metric name from a dump (see the package comment).
func Value(d *dump.Dump, name string) (float64, error) {
	m, err := parse(name)
	if err != nil {
		return 0, err
	}
	if err := m.known(d); err != nil {
		return 0, err
	}
	return m.Value(d)
}

// Value reads m from a dump.
func (m Metric) Value(d *dump.Dump) (float64, error) {
	switch {
	case derived[m.name] != nil:
		if need := derivedNeeds[m.name]; need != nil {
			if missing := d.Absent(need()...); len(missing) > 0 {
				return 0, &dump.AbsentError{What: m.name + " cannot be computed", Events: missing}
			}
		}
		return derived[m.name](d), nil
	case m.event:
		if d.IsUnsupported(m.name) {
			return 0, fmt.Errorf("%s cannot occur on %s (n/a)", m.name, d.GoVersion)
		}
		v, ok := d.Events[m.name]
		if !ok {
			return 0, fmt.Errorf("the dump records no event %q (written by an older syscope?)", m.name)
		}
		return float64(v), nil
	}
	return m.rowValue(d), nil
}

// rowValue folds the rows of m's system call on m's path: a name has one
// row per path, and on the runtime and vdso paths one per function.
func (m Metric) rowValue(d *dump.Dump) float64 {
	var calls, total, maxNS, sum uint64
	for i := range d.Syscalls {
		s := &d.Syscalls[i]
		if s.Name != m.syscall || !(s.Path == m.path || m.path == All && s.Path != dump.PathVDSO) {
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
