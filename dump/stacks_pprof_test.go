package dump

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// withStacksJSON returns testdata/valid.json with its "stacks" field set to
// the JSON object stacks.
func withStacksJSON(t *testing.T, stacks string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSpace(string(data))
	return []byte(strings.TrimSuffix(s, "}") + `, "stacks": ` + stacks + "}")
}

const goodStacks = `{"profile_rate_ns": 10000, "capacity": 4, "truncated": true, "stacks": [
	{"frames": [{"func": "syscall.Syscall", "file": "/go/src/syscall/syscall_linux.go", "line": 73},
	            {"func": "main.blockRead", "file": "/x/main.go", "line": 12},
	            {"func": "runtime.goexit", "file": "/go/src/runtime/asm_amd64.s", "line": 1700}],
	 "syscall": "read", "path": "syscall", "calls": 200, "time_ns": 401234567, "lost_p": 3, "retakes": 3, "threads": 2, "inflight": 1},
	{"frames": [], "calls": 7, "threads": 1, "truncated": true}]}`

func TestParseStacksMember(t *testing.T) {
	d, err := Parse(withStacksJSON(t, goodStacks))
	if err != nil {
		t.Fatal(err)
	}
	st := d.Stacks
	if st == nil || st.ProfileRateNS != 10000 || st.Capacity != 4 || !st.Truncated || len(st.Stacks) != 2 {
		t.Fatalf("stacks read as %+v", st)
	}
	s := st.Stacks[0]
	if s.Syscall != "read" || s.Path != PathSyscall || s.Calls != 200 || s.TimeNS != 401234567 ||
		s.LostP != 3 || s.Retakes != 3 || s.Threads != 2 || s.Inflight != 1 || s.Truncated ||
		len(s.Frames) != 3 || s.Frames[1] != (Site{"main.blockRead", "/x/main.go", 12}) {
		t.Errorf("stack 0 read as %+v", s)
	}
	if !st.Stacks[1].Truncated || st.Stacks[1].Threads != 1 {
		t.Errorf("stack 1 read as %+v", st.Stacks[1])
	}

	old, err := Parse(withStacksJSON(t, "null"))
	if err != nil || old.Stacks != nil {
		t.Errorf("stacks null: %v, %+v; want no stacks", err, old.Stacks)
	}
}

func TestParseBadStacks(t *testing.T) {
	for _, c := range []struct{ stacks, want string }{
		{`{"capacity": 0, "stacks": []}`, "stacks: capacity 0 is not a table size"},
		{`{"capacity": 4, "stacks": [{"frames": [], "calls": 1}]}`, "stacks: stacks[0]: no frames"},
		{`{"capacity": 4, "stacks": [{"frames": [{"file": "x.go", "line": 1}]}]}`, "stacks: stacks[0].frames[0]: missing func"},
		{`{"capacity": 4, "stacks": [{"frames": [{"func": "main.f"}], "path": "vdso"}]}`, `stacks: stacks[0]: path "vdso" is not syscall or raw`},
		{`{"capacity": 4, "stacks": [{"frames": [{"func": "main.f"}], "truncated": true}], "truncated": true}`, "stacks: stacks[0]: the truncated stack has frames"},
		{`{"capacity": 4, "truncated": true, "stacks": [{"frames": [], "truncated": true}, {"frames": [], "truncated": true}]}`, "stacks: stacks[0] and stacks[1] are both the truncated stack"},
		{`{"capacity": 4, "truncated": true, "stacks": [{"frames": [{"func": "main.f"}]}]}`, "stacks: truncated is true, but no stack is marked truncated"},
		{`{"capacity": 4, "stacks": [{"frames": [], "truncated": true}]}`, "stacks: truncated is false, but stacks[0] is marked truncated"},
		{`{"capacity": 4, "stacks": [{"frames": [{"func": "main.f"}], "calls": -1}]}`, "stacks.stacks.calls: number -1 is not a valid uint64"},
	} {
		_, err := Parse(withStacksJSON(t, c.stacks))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("stacks %s: error %v, want %q", c.stacks, err, c.want)
		}
	}
}

func TestSite(t *testing.T) {
	frames := func(fns ...string) []Site {
		var fs []Site
		for _, f := range fns {
			fs = append(fs, Site{Func: f, File: "f.go", Line: 1})
		}
		return fs
	}
	for _, c := range []struct {
		stack Stack
		want  string
	}{
		{Stack{Frames: frames("internal/runtime/syscall/linux.Syscall6", "syscall.Syscall", "syscall.read", "internal/poll.(*FD).Read",
			"os.(*File).Read", "internal/syscall/unix.X", "golang.org/x/sys/unix.Read", "main.(*conn).read", "main.serve", "runtime.goexit")}, "main.(*conn).read"},
		{Stack{Frames: frames("syscall.Syscall", "os/exec.(*Cmd).Start", "main.main")}, "os/exec.(*Cmd).Start"},
		{Stack{Frames: frames("syscall.Syscall", "example.com/x/runtime.F[go.shape.struct { a/b.T }]")}, "example.com/x/runtime.F[go.shape.struct { a/b.T }]"},
		// The runtime's own: the frame that started it.
		{Stack{Frames: frames("runtime.newm", "runtime.startm", "runtime.handoffp", "runtime.retake", "runtime.sysmon",
			"runtime.mstart1", "runtime.mstart0", "runtime.mstart")}, "runtime.sysmon"},
		{Stack{Frames: frames("runtime.newm", "runtime.main.func1", "runtime.systemstack", "runtime.main", "runtime.goexit")}, "runtime.main"},
		{Stack{Frames: frames("runtime.mstart")}, "runtime.mstart"},
		{Stack{Truncated: true}, TruncatedFunc},
	} {
		if got := c.stack.Site().Func; got != c.want {
			t.Errorf("%v: shown by %s, want %s", c.stack.Frames, got, c.want)
		}
	}
	for fn, pkg := range map[string]string{
		"main.main":                        "main",
		"main.(*T).m.func1":                "main",
		"golang.org/x/sys/unix.Syscall":    "golang.org/x/sys/unix",
		"runtime/internal/syscall.Sys6":    "runtime/internal/syscall",
		"example.com/p.F[example.com/q.T]": "example.com/p",
	} {
		if got := FuncPackage(fn); got != pkg {
			t.Errorf("FuncPackage(%q) = %q, want %q", fn, got, pkg)
		}
	}
}

func TestCheckStacks(t *testing.T) {
	d, err := Parse(withStacksJSON(t, goodStacks))
	if err != nil {
		t.Fatal(err)
	}
	d.Events["thread_create"], d.Events["sysmon_retake"] = 3, 3
	for _, e := range LostPEvents {
		d.Events[e] = 0
	}
	d.Events[LostPEvents[0]] = 3
	if err := d.CheckStacks(); err != nil {
		t.Errorf("exact table: %v", err)
	}
	d.Events["thread_create"] = 4
	d.Events[LostPEvents[0]] = 5
	if err := d.CheckStacks(); err == nil || err.Error() != "call sites: threads 3 != thread_create 4, lost_p 3 != the lost-P exits 5" {
		t.Errorf("inexact table: %v", err)
	}
	delete(d.Events, "sysmon_retake")
	var absent *AbsentError
	if err := d.CheckStacks(); !errors.As(err, &absent) {
		t.Errorf("without sysmon_retake: %v, want an AbsentError", err)
	}
	d.Stacks = nil
	if err := d.CheckStacks(); !errors.Is(err, ErrNoStacks) {
		t.Errorf("without stacks: %v", err)
	}
}
