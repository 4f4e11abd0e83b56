package main

import (
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

// TestTally: threads go to the first of the pattern's functions on a
// stack, or outside by the stack's innermost frames, and a dump whose
// stacks do not add up to its totals is refused.
func TestTally(t *testing.T) {
	d, err := dump.Read("../../dump/testdata/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	// valid.json: thread_create 4, sysmon_retake 20, lost-P exits 50.
	lost := uint64(0)
	for _, e := range dump.LostPEvents {
		lost += d.Events[e]
	}
	fr := func(fns ...string) []dump.Site {
		var s []dump.Site
		for _, f := range fns {
			s = append(s, dump.Site{Func: f})
		}
		return s
	}
	d.Stacks = &dump.Stacks{Stacks: []dump.Stack{
		{Frames: fr("syscall.Syscall", "main.readShort", "main.main"), Threads: 1, Retakes: 20},
		{Frames: fr("syscall.Syscall", "main.readLong", "main.readShort"), Threads: 2},
		{Frames: fr("runtime.newm1", "runtime.newm", "runtime.startm", "runtime.wakep", "runtime.resetspinning", "runtime.schedule"), Threads: 1, LostP: lost},
		{Frames: fr("main.readLong"), Calls: 7},
	}}
	p := pattern{"mixed", []string{"main.readLong", "main.readShort"}, false}
	r, err := tally(d, p)
	if err != nil {
		t.Fatal(err)
	}
	if r.cell() != "2+1/4" || r.sum() != 3 {
		t.Errorf("cell %s, sum %d; want 2+1/4 and 3", r.cell(), r.sum())
	}
	want := "runtime.newm1 <- runtime.newm <- runtime.startm <- runtime.wakep <- runtime.resetspinning"
	if len(r.outside) != 1 || r.outside[want] != 1 || r.runtime != 1 {
		t.Errorf("outside %v, want %s: 1", r.outside, want)
	}

	d.Stacks.Stacks[0].Threads = 0
	if _, err := tally(d, p); err == nil || !strings.Contains(err.Error(), "threads / thread_create: 3, want 4") {
		t.Errorf("stacks one thread short: %v", err)
	}
	d.Stacks.Stacks[0].Threads = 1
	d.Stacks.Stacks[0].Retakes = 19
	if _, err := tally(d, p); err == nil || !strings.Contains(err.Error(), "sysmon_retake") {
		t.Errorf("stacks one retake short: %v", err)
	}
	d.Stacks = nil
	if _, err := tally(d, p); err == nil {
		t.Error("a dump without stacks was tallied")
	}
}

// TestVerdict: a pattern over the bound passes as "start" only when no
// thread outside was made after main.main started.
func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		outside, after int
		want           string
	}{
		{3, 0, "yes"}, {3, 1, "yes"}, {4, 0, "start"}, {4, 1, "no"}, {6, 2, "no"},
	} {
		if got := verdict(c.outside, c.after); got != c.want {
			t.Errorf("verdict(%d, %d) = %q, want %q", c.outside, c.after, got, c.want)
		}
	}
}
