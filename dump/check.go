package dump

import "fmt"

// Event returns the count of the named event; 0 if absent.
func (d *Dump) Event(name string) uint64 { return d.Events[name] }

// IsUnsupported reports whether the named event cannot occur on the Go
// release that wrote the dump, so its zero must not be read as "never".
func (d *Dump) IsUnsupported(name string) bool {
	for _, u := range d.Unsupported {
		if u == name {
			return true
		}
	}
	return false
}

func (d *Dump) sum(names []string) uint64 {
	var n uint64
	for _, name := range names {
		n += d.Events[name]
	}
	return n
}

// Entries counts syscall entries that must later exit: enter (which
// includes cgo entries) plus enter_block.
func (d *Dump) Entries() uint64 { return d.Event("enter") + d.Event("enter_block") }

// FastExits counts exits that got a P back without blocking.
func (d *Dump) FastExits() uint64 { return d.sum(fastExitEvents) }

// SlowExits counts exits that went through the scheduler's slow path.
func (d *Dump) SlowExits() uint64 { return d.sum(slowExitEvents) }

// Exits counts all syscall exits, fast and slow.
func (d *Dump) Exits() uint64 { return d.FastExits() + d.SlowExits() }

// Inflight counts goroutines still in a syscall when the dump was taken.
func (d *Dump) Inflight() uint64 { return d.Event("inflight") }

// SyscallCalls sums the calls of the rows on the syscall path.
func (d *Dump) SyscallCalls() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.Calls
		}
	}
	return n
}

// SyscallErrors sums the errors of the rows on the syscall path.
func (d *Dump) SyscallErrors() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.Errors
		}
	}
	return n
}

// SyscallTotalNS sums the time spent in the rows on the syscall path.
func (d *Dump) SyscallTotalNS() uint64 {
	var n uint64
	for _, s := range d.Syscalls {
		if s.Path == PathSyscall {
			n += s.TotalNS
		}
	}
	return n
}

// Instructions counts, per system call name, the SYSCALL instructions the
// dump saw on the syscall, raw and runtime paths (vDSO calls make none):
// what strace counts.
func (d *Dump) Instructions() map[string]uint64 {
	m := map[string]uint64{}
	for _, s := range d.Syscalls {
		if s.Path != PathVDSO && s.Trap >= 0 {
			m[s.Name] += s.Calls
		}
	}
	return m
}

// Check verifies conservation: every entry has either exited or is still
// in flight. A mismatch means the instrumentation missed a path (or, with
// Consistent false, that the snapshot raced with running goroutines).
func (d *Dump) Check() error {
	in, out, fl := d.Entries(), d.Exits(), d.Inflight()
	if in != out+fl {
		return fmt.Errorf("conservation violated: enter+enter_block = %d, but exits %d + inflight %d = %d (off by %d)",
			in, out, fl, out+fl, diff(in, out+fl))
	}
	return nil
}

func diff(a, b uint64) int64 {
	if a >= b {
		return int64(a - b)
	}
	return -int64(b - a)
}
