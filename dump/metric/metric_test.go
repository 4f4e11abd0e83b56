package metric

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

// testDump is a dump with two read rows (syscall and runtime paths), a
// raw futex row, a vdso row, and an event a newer syscope might add.
func testDump() *dump.Dump {
	d := &dump.Dump{Schema: dump.SchemaV1, GoVersion: "go1.25.14", Plan: "go1.20", Consistent: true, Events: map[string]uint64{}}
	for _, e := range dump.EventNames {
		d.Events[e] = 0
	}
	d.Events["enter"] = 120
	d.Events["enter_block"] = 5
	d.Events["exit_fast_kept_p"] = 80
	d.Events["exit_fast_idle_p"] = 20
	d.Events["exit_slow_queued"] = 15
	d.Events["exit_slow_idle_p"] = 5
	d.Events["inflight"] = 5
	d.Events["thread_create"] = 34
	d.Events["from_a_newer_syscope"] = 3
	d.Syscalls = []dump.Syscall{
		{Trap: 0, Name: "read", Path: dump.PathSyscall, Calls: 100, Errors: 3, Eintr: 1, TotalNS: 5000, MaxNS: 400},
		{Trap: 0, Name: "read", Path: dump.PathRuntime, Func: "runtime.read", Calls: 7},
		{Trap: 202, Name: "futex", Path: dump.PathRaw, Calls: 4, Errors: 2, Eintr: 2, Long: 1, TotalNS: 3000000, MaxNS: 1500000},
		{Trap: 228, Name: "clock_gettime", Path: dump.PathVDSO, Calls: 1000},
		{Trap: 1, Name: "write", Path: dump.PathSyscall, Calls: 20, TotalNS: 1000, MaxNS: 90},
		{Trap: -1, Name: "trap_999", Path: dump.PathRaw, Calls: 2},
	}
	return d
}

func TestValue(t *testing.T) {
	d := testDump()
	for _, c := range []struct {
		name string
		want float64
	}{
		{"thread_create", 34},
		{"sysmon_retake", 0},
		{"entries", 125},
		{"exits", 120},
		{"exit_fast", 100},
		{"exit_slow", 20},
		{"exit_slow_pct", 100 * 20.0 / 120},
		{"calls", 120},
		{"errors", 3},
		{"read.calls", 100},
		{"read.syscall.calls", 100},
		{"read.runtime.calls", 7},
		{"read.all.calls", 107},
		{"read.errors", 3},
		{"read.eintr", 1},
		{"read.mean_ns", 50},
		{"read.max_ns", 400},
		{"read.total_ns", 5000},
		{"futex.calls", 0}, // no syscall-path row: zero
		{"futex.raw.calls", 4},
		{"futex.raw.eintr", 2},
		{"futex.raw.long", 1},
		{"futex.raw.max_ns", 1500000},
		{"futex.raw.mean_ns", 750000},
		{"clock_gettime.vdso.calls", 1000},
		{"clock_gettime.all.calls", 0}, // all leaves out the vDSO
		{"getpid.calls", 0},            // a system call the dump has no row for
		{"getpid.mean_ns", 0},
		{"trap_999.raw.calls", 2},   // not a linux/amd64 name, but the dump has a row
		{"from_a_newer_syscope", 3}, // not an event this syscope knows, but the dump has it
	} {
		got, err := Value(d, c.name)
		if err != nil {
			t.Errorf("Value(%s): %v", c.name, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Value(%s) = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestValueMisspelt: a name that is no event of the dump, no derived
// count and no system call is an error, never a zero.
func TestValueMisspelt(t *testing.T) {
	d := testDump()
	for name, msg := range map[string]string{
		"typo.calls":          `unknown system call "typo"`,
		"nosuch.mean_ns":      `unknown system call "nosuch"`,
		"typo.raw.calls":      `unknown system call "typo"`,
		"thread_creat":        `unknown metric "thread_creat"`,
		"exit_slow_percent":   `unknown metric "exit_slow_percent"`,
		"read.count":          `unknown field "count"`,
		"read.kernel.calls":   `unknown path "kernel"`,
		"read.runtime.max_ns": "records no times",
	} {
		if v, err := Value(d, name); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Value(%q) = %v, %v; want an error with %q", name, v, err, msg)
		}
	}
}

func TestValueUnsupported(t *testing.T) {
	d := testDump()
	d.Unsupported = []string{"exit_fast_reacquired_p"}
	if _, err := Value(d, "exit_fast_reacquired_p"); err == nil || !strings.Contains(err.Error(), "n/a") {
		t.Errorf("an event the release cannot record: err = %v, want n/a", err)
	}
	// An event syscope records that an older dump lacks: not a zero.
	delete(d.Events, "sysmon_retake")
	if _, err := Value(d, "sysmon_retake"); err == nil || !strings.Contains(err.Error(), "records no event") {
		t.Errorf("an event the dump lacks: err = %v", err)
	}
}

func TestParse(t *testing.T) {
	for _, ok := range []string{"thread_create", "inflight", "exit_slow_pct", "read.calls", "read.raw.total_ns", "futex.raw.long", "read.all.eintr", "getpid.vdso.calls"} {
		m, err := Parse(ok)
		if err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		} else if m.String() != ok {
			t.Errorf("Parse(%q).String() = %q", ok, m.String())
		}
	}
	for bad, msg := range map[string]string{
		"threads":              "unknown metric",
		"":                     "empty metric name",
		"from_a_newer_syscope": "unknown metric", // without a dump that has it
		"typo.calls":           `unknown system call "typo"`,
		"read.count":           `unknown field "count"`,
		"read.kernel.calls":    `unknown path "kernel"`,
		".calls":               "no system call name",
		"read.raw.calls.extra": "want NAME.FIELD or NAME.PATH.FIELD",
		"read.runtime.max_ns":  "records no times",
		"read.all.mean_ns":     "records no times",
	} {
		_, err := Parse(bad)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Parse(%q) = %v, want an error with %q", bad, err, msg)
		}
	}
	if h := Help(); !strings.Contains(h, "thread_create") || !strings.Contains(h, "NAME.PATH.FIELD") {
		t.Errorf("Help lacks names: %s", h)
	}
}

// A derived count over events the dump lacks is an error, not a sum that
// reads the missing ones as zero.
func TestDerivedAbsent(t *testing.T) {
	d := &dump.Dump{Events: map[string]uint64{}}
	for _, e := range dump.EventNames {
		d.Events[e] = 1
	}
	for _, name := range []string{"entries", "exits", "exit_fast", "exit_slow", "exit_slow_pct"} {
		if _, err := Value(d, name); err != nil {
			t.Errorf("%s on a full dump: %v", name, err)
		}
	}
	delete(d.Events, "exit_slow_locked")
	for _, name := range []string{"exits", "exit_slow", "exit_slow_pct"} {
		_, err := Value(d, name)
		var ae *dump.AbsentError
		if !errors.As(err, &ae) {
			t.Errorf("%s without exit_slow_locked: got %v, want an AbsentError", name, err)
		}
	}
	if _, err := Value(d, "entries"); err != nil {
		t.Errorf("entries needs no exit: %v", err)
	}
}
