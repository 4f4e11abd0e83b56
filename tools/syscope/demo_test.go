package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/syscope/syscope/dump"
)

var (
	demoThreads = regexp.MustCompile(`(?m)^threads while 32 goroutines block in read: ([0-9]+)$`)
	demoHeld    = regexp.MustCompile(`(?m)^raw futex wait with a 1s timeout held the only P for (\S+): interrupted system call$`)
)

// TestDemo builds the embedded demo with the overlay and runs it. Every
// run must show what cannot vary: the exact read counts of part 1, part
// 2's threads, and part 3's one raw futex wait cut short by a preemption
// signal. The hold of part 3 varies: sysmon signals 10ms or more after
// its first look at the wait's fresh time slice, which comes after
// runtime.Gosched, so the wait lasts 10ms or more unless the kernel parks
// the thread for over a millisecond between Gosched and the wait. At
// most 1 run in 20 may miss 9ms (issue 14; none of 80 did beside two CPU
// hogs), so 3 runs that all miss happen at most once in 8,000 by chance.
// Without its Gosched the demo missed in 11 to 15 of 20 runs, and this
// test failed 4 times in 6. -short leaves it out.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an instrumented runtime and depends on timing; make test runs it")
	}
	dir := t.TempDir()
	bin, err := buildDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	const tries = 3
	var holds []time.Duration
	for i := 0; i < tries; i++ {
		var out bytes.Buffer
		d, err := execDemo(bin, filepath.Join(dir, fmt.Sprintf("dump%d.json", i)), &out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out.Bytes())
		}
		held, futex := checkDemoRun(t, out.Bytes(), d)
		// syscope times the call inside the program's own timing, which
		// the program rounds to 0.1ms.
		ns := time.Duration(futex.MaxNS)
		if ns > held+50*time.Microsecond {
			t.Errorf("run %d: the demo printed a %v hold, the dump's raw futex row a longer max, %v", i+1, held, ns)
		}
		holds = append(holds, held)
		if held >= 9*time.Millisecond && ns >= 9*time.Millisecond {
			return
		}
	}
	t.Errorf("part 3 held the P less than 9ms in all %d runs: %v", tries, holds)
}

// checkDemoRun checks one run's output and dump and returns part 3's hold
// and the dump's raw futex row.
func checkDemoRun(t *testing.T, out []byte, d *dump.Dump) (time.Duration, dump.Syscall) {
	t.Helper()
	if err := d.Check(); err != nil {
		t.Errorf("dump: %v", err)
	}
	row := func(name, path string) dump.Syscall {
		for _, s := range d.Syscalls {
			if s.Name == name && s.Path == path {
				return s
			}
		}
		t.Errorf("dump: no %s row on the %s path", name, path)
		return dump.Syscall{}
	}
	// Part 1's 10,000 reads and 100 EBADFs, part 2's 32 reads and one
	// read of /proc/self/status.
	if r := row("read", "syscall"); r.Calls != 10133 || r.Errors != 100 {
		t.Errorf("read on the syscall path: %d calls, %d errors; want 10133 and 100", r.Calls, r.Errors)
	}
	// Each goroutine blocked in read(2) holds a thread, main runs on
	// another and sysmon has one; all but the process's first were made.
	m := demoThreads.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no thread count in the demo's output:\n%s", out)
	}
	if n, _ := strconv.Atoi(string(m[1])); n < 34 {
		t.Errorf("%d threads while 32 goroutines block in read, want at least 34", n)
	}
	if n := d.Event("thread_create"); n < 33 {
		t.Errorf("thread_create = %d, want at least 33", n)
	}
	// Part 3: the wait, and only it, is a raw futex call; it ended with
	// EINTR, from a preemption signal that landed in a system call.
	m = demoHeld.FindSubmatch(out)
	if m == nil {
		t.Fatalf("part 3 did not end with EINTR:\n%s", out)
	}
	held, err := time.ParseDuration(string(m[1]))
	if err != nil {
		t.Fatalf("part 3's hold: %v", err)
	}
	futex := row("futex", "raw")
	if futex.Calls != 1 || futex.Errors != 1 || futex.Eintr != 1 {
		t.Errorf("raw futex row: %d calls, %d errors, %d EINTR; want 1 each", futex.Calls, futex.Errors, futex.Eintr)
	}
	if in, sent := d.Event("preempt_in_syscall"), d.Event("preempt_sent"); in < 1 || sent < in {
		t.Errorf("preempt_in_syscall = %d, preempt_sent = %d; want 1 <= preempt_in_syscall <= preempt_sent", in, sent)
	}
	return held, futex
}
