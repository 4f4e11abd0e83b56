package testscript

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/dump"
)

// stacksFields are the per-stack counts the stacks command sums.
var stacksFields = map[string]func(*dump.Stack) uint64{
	"calls":    func(s *dump.Stack) uint64 { return s.Calls },
	"time_ns":  func(s *dump.Stack) uint64 { return s.TimeNS },
	"lost_p":   func(s *dump.Stack) uint64 { return s.LostP },
	"retakes":  func(s *dump.Stack) uint64 { return s.Retakes },
	"threads":  func(s *dump.Stack) uint64 { return s.Threads },
	"inflight": func(s *dump.Stack) uint64 { return s.Inflight },
	"stacks":   func(s *dump.Stack) uint64 { return 1 },
}

// cmdStacks asserts on the dump's call-site stacks:
//
//	stacks file absent
//	stacks file profile_rate_ns OP N
//	stacks file FUNC[@SYSCALL] FIELD OP N
//
// The second form sums FIELD (calls time_ns lost_p retakes threads
// inflight, or stacks to count them) over the stacks with a frame of
// function FUNC ("*": every stack), only those of system call SYSCALL
// with @SYSCALL, and compares the sum with N as dump does: a number,
// @file, a metric of the dump or a sum of these joined by +, optionally
// scaled by a factor (0.9*nanosleep.total_ns). lost_p_exits is the sum of
// the dump's lost-P exit events (dump.LostPEvents).
func cmdStacks(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! stacks")
	}
	usage := "usage: stacks file absent | stacks file profile_rate_ns OP N | stacks file FUNC[@SYSCALL] FIELD OP N"
	if len(args) != 2 && len(args) != 4 && len(args) != 5 {
		ts.Fatalf("%s", usage)
	}
	d, err := dump.Read(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(args) == 2 {
		if args[1] != "absent" {
			ts.Fatalf("%s", usage)
		}
		if d.Stacks != nil {
			ts.Fatalf("stacks: %s has %d stacks, want none", args[0], len(d.Stacks.Stacks))
		}
		return
	}
	if d.Stacks == nil {
		ts.Fatalf("stacks: %s has no stacks (written with SYSCOPE_PROFILE_RATE=0, or by a syscope that records none)", args[0])
	}
	if len(args) == 4 {
		if args[1] != "profile_rate_ns" {
			ts.Fatalf("%s", usage)
		}
		args = []string{args[0], "*", "profile_rate_ns", args[2], args[3]}
	}
	fn, sys, _ := strings.Cut(args[1], "@")
	field, ok := stacksFields[args[2]]
	if !ok && args[2] != "profile_rate_ns" {
		ts.Fatalf("stacks: unknown field %q (want calls, time_ns, lost_p, retakes, threads, inflight or stacks)", args[2])
	}
	var got uint64
	if args[2] == "profile_rate_ns" {
		got, ok = d.Stacks.ProfileRateNS, true
	}
	for i := 0; args[2] != "profile_rate_ns" && i < len(d.Stacks.Stacks); i++ {
		s := &d.Stacks.Stacks[i]
		if sys != "" && s.Syscall != sys {
			continue
		}
		if fn == "*" || s.HasFrame(fn) {
			got += field(s)
		}
	}
	want, err := stacksOperand(ts, d, args[4])
	if err != nil {
		ts.Fatalf("stacks: %v", err)
	}
	g := float64(got)
	ok, known := map[string]bool{"==": g == want, "!=": g != want, ">=": g >= want, "<=": g <= want, ">": g > want, "<": g < want}[args[3]]
	if !known {
		ts.Fatalf("stacks: unknown operator %q", args[3])
	}
	if !ok {
		ts.Fatalf("stacks: %s %s = %d, want %s %s", args[1], args[2], got, args[3], num(want))
	}
	ts.Logf("stacks: %s %s = %d", args[1], args[2], got)
}

// stacksOperand is dump's operand with a factor (F*N) and lost_p_exits.
func stacksOperand(ts *testscript.TestScript, d *dump.Dump, s string) (float64, error) {
	if f, rest, ok := strings.Cut(s, "*"); ok {
		k, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0, fmt.Errorf("factor %q: %v", f, err)
		}
		v, err := stacksOperand(ts, d, rest)
		return k * v, err
	}
	if s == "lost_p_exits" {
		var n uint64
		for _, e := range dump.LostPEvents {
			v, ok := d.Events[e]
			if !ok {
				return 0, fmt.Errorf("the dump has no %s event", e)
			}
			n += v
		}
		return float64(n), nil
	}
	return operand(ts, d, s)
}
