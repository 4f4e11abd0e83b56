package dump

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// TruncatedFunc names the frame that stands for the truncated stack where a
// tool needs a frame to show (syscope pprof, the report): the stack that
// collects the counts of every stack that did not fit in the table, and
// of those whose goroutine the runtime could not read.
const TruncatedFunc = "syscope.truncated"

// Stacks is the dump's call-site table ("stacks"): the goroutine stacks
// the runtime recorded, symbolized when the dump was written, each with
// the calls, time and scheduler events charged to it. A dump written
// with SYSCOPE_PROFILE_RATE=0 or off, or by an older syscope, has none.
type Stacks struct {
	// ProfileRateNS is SYSCOPE_PROFILE_RATE in ns: every call of at least
	// that long is recorded, a shorter one with probability
	// duration/rate, its weights scaled (the block profile's rule).
	ProfileRateNS uint64 `json:"profile_rate_ns,omitempty"`
	// Capacity is the fixed size of the runtime's stack table.
	Capacity int `json:"capacity"`
	// Truncated is true when some counts went to the stack marked
	// Truncated: their stack did not fit in the table, or could not be
	// read.
	Truncated bool    `json:"truncated,omitempty"`
	Stacks    []Stack `json:"stacks"`
}

// Stack is one call site: a goroutine stack and what was charged to it.
// Calls and TimeNS are sampled and scaled, so their expected totals are
// the true ones; LostP, Retakes and Threads are exact.
type Stack struct {
	// Frames are innermost first, inlined frames expanded as
	// runtime.CallersFrames expands them. The truncated stack has none.
	Frames []Site `json:"frames"`
	// Syscall is the system call's name, where the stack is a call's.
	Syscall string `json:"syscall,omitempty"`
	// Path is PathSyscall or PathRaw, or "" for a stack that is not a
	// system call's (a go statement that woke an M, say).
	Path   string `json:"path,omitempty"`
	Calls  uint64 `json:"calls,omitempty"`
	TimeNS uint64 `json:"time_ns,omitempty"`
	// LostP counts the exits that did not keep their P (LostPEvents).
	LostP uint64 `json:"lost_p,omitempty"`
	// Retakes counts the sysmon_retake events charged to the goroutine
	// whose P was taken.
	Retakes uint64 `json:"retakes,omitempty"`
	// Threads counts the thread_create events charged to their cause. A
	// cause inside the runtime (sysmon, the template thread, ...) is a
	// stack of the runtime's own frames.
	Threads uint64 `json:"threads,omitempty"`
	// Inflight counts the goroutines still in this call at the dump,
	// unwound then with the world stopped.
	Inflight uint64 `json:"inflight,omitempty"`
	// Truncated marks the one stack that collects what did not fit.
	Truncated bool `json:"truncated,omitempty"`
}

// ErrNoStacks reports a dump without a call-site table.
var ErrNoStacks = errors.New("the dump has no stacks: it was written by an older syscope or with SYSCOPE_PROFILE_RATE=0")

// validate checks what the tools that read stacks rely on: every stack
// but the truncated one has frames, each naming its function, and the
// truncated stack is there, alone, exactly when the table says so.
func (st *Stacks) validate() error {
	if st.Capacity <= 0 {
		return fmt.Errorf("capacity %d is not a table size", st.Capacity)
	}
	truncated := -1
	for i, s := range st.Stacks {
		switch {
		case s.Truncated && truncated >= 0:
			return fmt.Errorf("stacks[%d] and stacks[%d] are both the truncated stack", truncated, i)
		case s.Truncated && len(s.Frames) > 0:
			return fmt.Errorf("stacks[%d]: the truncated stack has frames", i)
		case s.Truncated:
			truncated = i
		case len(s.Frames) == 0:
			return fmt.Errorf("stacks[%d]: no frames", i)
		}
		for j, f := range s.Frames {
			if f.Func == "" {
				return fmt.Errorf("stacks[%d].frames[%d]: missing func", i, j)
			}
		}
		if s.Path != "" && s.Path != PathSyscall && s.Path != PathRaw {
			return fmt.Errorf("stacks[%d]: path %q is not %s or %s", i, s.Path, PathSyscall, PathRaw)
		}
	}
	switch {
	case st.Truncated && truncated < 0:
		return errors.New("truncated is true, but no stack is marked truncated")
	case !st.Truncated && truncated >= 0:
		return fmt.Errorf("truncated is false, but stacks[%d] is marked truncated", truncated)
	}
	return nil
}

// CheckStacks checks the exactness of the table: its threads, retakes and
// lost_p add up to the dump's thread_create, sysmon_retake and lost-P
// exits (LostPEvents). It returns ErrNoStacks for a dump without stacks
// and an *AbsentError when the dump lacks one of those events.
func (d *Dump) CheckStacks() error {
	if d.Stacks == nil {
		return ErrNoStacks
	}
	if a := d.Absent(append([]string{"thread_create", "sysmon_retake"}, LostPEvents...)...); len(a) > 0 {
		return &AbsentError{What: "the call sites cannot be checked", Events: a}
	}
	var threads, retakes, lostP uint64
	for _, s := range d.Stacks.Stacks {
		threads += s.Threads
		retakes += s.Retakes
		lostP += s.LostP
	}
	var lostEv uint64
	for _, e := range LostPEvents {
		lostEv += d.Event(e)
	}
	var bad []string
	for _, c := range []struct {
		name        string
		stacks, dmp uint64
		event       string
	}{
		{"threads", threads, d.Event("thread_create"), "thread_create"},
		{"retakes", retakes, d.Event("sysmon_retake"), "sysmon_retake"},
		{"lost_p", lostP, lostEv, "the lost-P exits"},
	} {
		if c.stacks != c.dmp {
			bad = append(bad, fmt.Sprintf("%s %d != %s %d", c.name, c.stacks, c.event, c.dmp))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("call sites: %s", strings.Join(bad, ", "))
	}
	return nil
}

// HiddenPackages is a regular expression of the packages (import paths)
// whose frames a call site is not shown by, as plumbing between the
// program and its system calls: the runtime and its internal packages,
// syscall, os, internal/poll, internal/syscall/... and
// golang.org/x/sys/unix. `go tool pprof -hide='^(HiddenPackages)\.'`
// hides the same frames.
const HiddenPackages = `runtime|runtime/[^.]*|internal/runtime/[^.]*|syscall|os|internal/poll|internal/syscall/[^.]*|golang\.org/x/sys/unix`

var hiddenRE = regexp.MustCompile(`^(` + HiddenPackages + `)$`)

// Hidden reports whether fn is a function of one of HiddenPackages.
func Hidden(fn string) bool {
	return hiddenRE.MatchString(FuncPackage(fn))
}

// FuncPackage returns the import path of the package of a function name
// as the runtime writes it: "main" for main.(*T).m, "golang.org/x/sys/unix"
// for golang.org/x/sys/unix.Syscall. Type arguments, which may hold
// slashes and dots, are not looked at.
func FuncPackage(fn string) string {
	if i := strings.IndexByte(fn, '['); i >= 0 {
		fn = fn[:i]
	}
	slash := strings.LastIndexByte(fn, '/') + 1
	if i := strings.IndexByte(fn[slash:], '.'); i >= 0 {
		return fn[:slash+i]
	}
	return fn
}

// Site returns the frame a stack is shown by: its first (innermost) frame
// that is not Hidden. A stack of the runtime's own, with no such frame, is
// shown by the frame that started it: its outermost frame but the ones
// every goroutine or thread starts with (runtime.goexit, runtime.mstart,
// ...). The truncated stack is shown by TruncatedFunc.
func (s *Stack) Site() Site {
	if s.Truncated || len(s.Frames) == 0 {
		return Site{Func: TruncatedFunc}
	}
	for _, f := range s.Frames {
		if !Hidden(f.Func) {
			return f
		}
	}
	for i := len(s.Frames) - 1; i > 0; i-- {
		if !startFuncs[s.Frames[i].Func] {
			return s.Frames[i]
		}
	}
	return s.Frames[0]
}

// HasFrame reports whether a frame of s is in function fn.
func (s *Stack) HasFrame(fn string) bool {
	for _, f := range s.Frames {
		if f.Func == fn {
			return true
		}
	}
	return false
}

// startFuncs are the functions at the bottom of every goroutine's or
// thread's stack, and the switch to the system stack.
var startFuncs = map[string]bool{
	"runtime.goexit": true, "runtime.mstart": true, "runtime.mstart0": true, "runtime.mstart1": true,
	"runtime.rt0_go": true, "runtime.systemstack": true, "runtime.mcall": true,
}

// String formats a site as func (file:line), or func alone when the
// file is unknown.
func (s Site) String() string {
	if s.File == "" {
		return s.Func
	}
	return fmt.Sprintf("%s (%s:%d)", s.Func, s.File, s.Line)
}
