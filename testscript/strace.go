package testscript

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/report"
)

// An straceLog is what `strace -f -o FILE` wrote, as the events that
// bound a dump's counts: where each call began and where it finished.
// A call printed on one line began and finished there; one printed as
// "<unfinished ...>" began there and finished at its "<... resumed>".
//
// A call the kernel restarts is one call to the program, and one count in
// the dump, but strace prints it twice. It ends "= ? ERESTARTSYS" (or
// ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK): a signal is
// pending for the process, perhaps taken by another thread, or a ptrace
// stop is. If the thread runs a handler ("--- SIGxxx" to its
// rt_sigreturn), the rt_sigreturn's result says what became of the call:
// -1 EINTR, that the call returned EINTR to the program (a failing call;
// what the program does next is a new call), anything else, that the
// kernel makes it again. With no handler it makes it again. Made again,
// the call's next begin (its name, or restart_syscall for a sleep)
// continues it: that is not a begin, and the first end is not an end.
// A fork interrupted so (clone, ERESTARTNOINTR) once gave strace one
// clone more than the dump; a SIGCHLD for each child of a fork/exec
// storm interrupts hundreds of futex, read and nanosleep calls.
type straceLog struct {
	events []straceEvent
}

type straceEvent struct {
	pid    string
	name   string
	begin  bool // the call began here
	finish bool // the call finished here
	err    bool // it finished failing (= -1)
	line   string
}

var (
	straceCall    = regexp.MustCompile(`^(?:(\d+) +)?([a-z0-9_]+)\(`)
	straceResumed = regexp.MustCompile(`^(?:(\d+) +)?<\.\.\. ([a-z0-9_]+) resumed>`)
	straceResult  = regexp.MustCompile(` = (-1|\?|[^ ]+)`)
	straceRestart = regexp.MustCompile(` = \? ERESTART[A-Z_]*( |$)`)
	straceSignal  = regexp.MustCompile(`^(?:(\d+) +)?--- SIG`)
)

func parseStrace(text string) *straceLog {
	l := &straceLog{}
	// Per thread: the call that ended in ERESTART* (its event's index;
	// absent if none), how many signal handlers the thread has entered
	// since, and the name of the call it has begun and not finished.
	restarting := map[string]int{}
	handlers := map[string]int{}
	open := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if m := straceSignal.FindStringSubmatch(line); m != nil {
			if _, ok := restarting[m[1]]; ok {
				handlers[m[1]]++
			}
			continue
		}
		var e straceEvent
		if m := straceResumed.FindStringSubmatch(line); m != nil {
			e = straceEvent{pid: m[1], name: m[2], finish: true}
			if n, ok := open[e.pid]; ok {
				e.name = n // restart_syscall's end is its call's
				delete(open, e.pid)
			}
		} else if m := straceCall.FindStringSubmatch(line); m != nil {
			e = straceEvent{pid: m[1], name: m[2], begin: true, finish: !strings.HasSuffix(line, "<unfinished ...>")}
		} else {
			continue // an exit, a blank line
		}
		var result string
		if e.finish {
			if r := straceResult.FindAllStringSubmatch(line, -1); len(r) > 0 {
				result = r[len(r)-1][1]
				e.err = result == "-1"
			}
		}
		if i, ok := restarting[e.pid]; ok {
			switch {
			case handlers[e.pid] > 0:
				// The handler's own calls. The outermost handler's
				// rt_sigreturn returns the call's register: the call's
				// number if the kernel makes it again, or -EINTR, what
				// the call returned to the program.
				if e.name == "rt_sigreturn" && e.finish {
					if handlers[e.pid]--; handlers[e.pid] == 0 && result == "-1" {
						l.events[i].err = true
						delete(restarting, e.pid)
					}
				}
			case !e.begin:
			case e.name == l.events[i].name || e.name == "restart_syscall":
				// The call made again: it goes on under its own name.
				l.events[i].finish = false
				e.name, e.begin = l.events[i].name, false
				delete(restarting, e.pid)
			default:
				// Not made again: it returned EINTR.
				l.events[i].err = true
				delete(restarting, e.pid)
			}
		}
		if !e.finish {
			open[e.pid] = e.name
		}
		e.line = line
		l.events = append(l.events, e)
		if e.finish && straceRestart.MatchString(line) {
			restarting[e.pid] = len(l.events) - 1
			handlers[e.pid] = 0
		}
	}
	return l
}

// cut finds the final dump's snapshot in the log: it falls between the
// exiting goroutine's secure-mode check (getuid, begun at index lo) and
// its open of the dump's temporary file (begun at index hi). The two may
// be on different threads (the goroutine runs on after the stopped
// world), so the check is known by its sequence: a getuid whose thread
// begins geteuid next (but for a signal handler's rt_sigreturn), the last
// before the open.
func (l *straceLog) cut() (lo, hi int, err error) {
	hi = -1
	for i, e := range l.events {
		if e.begin && e.name == "openat" && strings.Contains(e.line, ".syscope-tmp.") {
			hi = i
		}
	}
	if hi < 0 {
		return 0, 0, fmt.Errorf("no open of a .syscope-tmp. file in the log: run strace -f -o FILE (not -c) on a program that writes a dump")
	}
	for i := hi - 1; i >= 0; i-- {
		e := l.events[i]
		if !e.begin || e.name != "getuid" {
			continue
		}
		for _, n := range l.events[i+1 : hi] {
			// A signal may land between the two (a preemption signal's
			// handler returns with rt_sigreturn): not the next call.
			if n.begin && n.pid == e.pid && n.name != "rt_sigreturn" {
				if n.name == "geteuid" {
					return i, hi, nil
				}
				break
			}
		}
	}
	return 0, 0, fmt.Errorf("no getuid then geteuid (the dump's secure-mode check) before the open of its temporary file")
}

// straceBounds are, for one name, the calls (and failing calls) strace
// saw finish before the snapshot could have begun, and those it saw
// begin before the snapshot had surely ended.
type straceBounds struct {
	lo, hi       int64
	errLo, errHi int64
}

func (l *straceLog) bounds(lo, hi int) map[string]*straceBounds {
	b := map[string]*straceBounds{}
	get := func(n string) *straceBounds {
		if b[n] == nil {
			b[n] = &straceBounds{}
		}
		return b[n]
	}
	// A call that finished before the cut is surely in the dump only if
	// its thread went on to begin another call before the cut (at lo, the
	// getuid itself, on the exiting thread): a wrapper records a call
	// after the kernel returns from it, and a thread the kernel preempts
	// on that return (it is the usual place) may not record it until
	// after the dump's fold. With two CPU hogs beside make test that
	// happened (a pread64 the dump counted in flight, an epoll_pwait it
	// had not yet counted). rt_sigreturn proves nothing: it ends a
	// signal handler that may have run before the recording.
	recorded := make([]bool, len(l.events))
	later := map[string]bool{} // pid -> it begins a call after this index, by lo
	for i := lo; i >= 0; i-- {
		e := l.events[i]
		if i < lo && e.finish {
			recorded[i] = later[e.pid]
		}
		if e.begin && e.name != "rt_sigreturn" {
			later[e.pid] = true
		}
	}
	// A call's begin and its failure are known at different lines: pair
	// them per thread.
	begun := map[string]int{} // pid -> index of the call it has begun
	for i, e := range l.events {
		if e.begin {
			begun[e.pid] = i
		}
		if !e.finish {
			continue
		}
		start, ok := begun[e.pid]
		if !ok {
			start = i
		}
		s := get(e.name)
		if i < lo && recorded[i] {
			s.lo++
			if e.err {
				s.errLo++
			}
		}
		if start < hi && e.err {
			s.errHi++
		}
	}
	for _, e := range l.events[:hi] {
		if e.begin {
			get(e.name).hi++
		}
	}
	// A call that began before hi and never finished (exit_group ended
	// its thread) counts in hi only, as it should: the runtime's own
	// sites count before their SYSCALL.
	return b
}

// cmdStrace compares a dump with `strace -f -o FILE`'s log of the same
// run, exactly: for every name, the calls strace saw finish before the
// dump's secure-mode check, on a thread that began another call before
// it (see bounds), <= the dump's calls over all paths <= the
// calls strace saw begin before the dump opened its file. The same for
// failing calls, where the runtime path (which counts no errors) made
// none. Two kinds of call are seen by one side only, each for a reason:
// the execve that started the process (before the runtime ran: strace
// only), and in a cgo binary the calls C code makes (report.Uncounted,
// which the dump must say it leaves out: no lower bound). A scenario
// that makes a known number of calls the dump cannot count (its own C
// code's, or execs that succeeded and so never returned) says so with
// c:NAME=N: strace's bounds for NAME, less N, both before the snapshot.
func cmdStrace(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! strace")
	}
	if len(args) < 3 {
		ts.Fatalf("usage: strace log dump NAME...|* [uncounted] [c:NAME=N]...")
	}
	l := parseStrace(ts.ReadFile(args[0]))
	lo, hi, err := l.cut()
	if err != nil {
		ts.Fatalf("strace: %s: %v", args[0], err)
	}
	ts.Logf("strace: the snapshot falls between log lines %q and %q", l.events[lo].line, l.events[hi].line)
	b := l.bounds(lo, hi)
	if len(l.events) > 0 && l.events[0].name == "execve" && l.events[0].begin {
		// The exec that started the process, before the runtime ran.
		s := b["execve"]
		s.hi--
		if l.events[0].finish && lo > 0 {
			s.lo--
		}
	}
	d, err := dump.Read(ts.MkAbs(args[1]))
	ts.Check(err)
	noLower := map[string]bool{}
	var names []string
	for _, a := range args[2:] {
		if c, ok := strings.CutPrefix(a, "c:"); ok {
			name, n, ok := strings.Cut(c, "=")
			k, err := strconv.ParseInt(n, 10, 64)
			if !ok || err != nil || b[name] == nil {
				ts.Fatalf("strace: %q: want c:NAME=N, with NAME a call in the log", a)
			}
			b[name].lo -= k
			b[name].hi -= k
			names = append(names, name)
			continue
		}
		switch a {
		case "uncounted":
			if len(d.Uncounted) == 0 {
				ts.Fatalf("strace: %s has no \"uncounted\" parts: not a cgo binary's dump", args[1])
			}
			for _, n := range report.UncountedNames() {
				noLower[n] = true
			}
		case "*":
			set := map[string]bool{}
			for n := range b {
				set[n] = true
			}
			for n := range d.Instructions() {
				set[n] = true
			}
			names = append(names, slices.Sorted(maps.Keys(set))...)
		default:
			if strings.ContainsAny(a, "+>=|") {
				ts.Fatalf("strace: %q: the bounds are exact; there is no slack to give", a)
			}
			names = append(names, a)
		}
	}
	var bad []string
	for _, name := range slices.Compact(slices.Sorted(slices.Values(names))) {
		calls, err := value(d, name+".all.calls")
		ts.Check(err)
		errs, err := value(d, name+".all.errors")
		ts.Check(err)
		rt, err := value(d, name+".runtime.calls")
		ts.Check(err)
		s := b[name]
		if s == nil {
			s = &straceBounds{}
		}
		low, why := s.lo, ""
		if noLower[name] {
			low, why = 0, " (C code's calls are not counted)"
		}
		switch {
		case calls < low || calls > s.hi:
			bad = append(bad, fmt.Sprintf("%s: dump %d calls (%s), strace saw %d finish before the snapshot and %d begin before it ended%s", name, calls, paths(d, name), s.lo, s.hi, why))
		case rt == 0 && !noLower[name] && (errs < s.errLo || errs > s.errHi):
			bad = append(bad, fmt.Sprintf("%s: dump %d errors, strace saw %d fail before the snapshot and %d begun before it ended fail", name, errs, s.errLo, s.errHi))
		default:
			ts.Logf("strace: %s: %d <= dump %d <= %d%s", name, s.lo, calls, s.hi, why)
		}
	}
	if len(bad) > 0 {
		ts.Fatalf("strace: %s", strings.Join(bad, "\n"))
	}
}

// paths says how the dump's calls of name divide among its paths, for a
// failure's message: which path lost or gained a call.
func paths(d *dump.Dump, name string) string {
	var parts []string
	for _, p := range []string{"syscall", "raw", "runtime"} {
		key := name + "." + p + ".calls"
		if p == "syscall" {
			key = name + ".calls"
		}
		n, err := value(d, key)
		if err != nil {
			return err.Error()
		}
		parts = append(parts, fmt.Sprintf("%s %d", p, n))
	}
	return strings.Join(parts, ", ")
}
