//go:build ignore

// Syscope's recording hooks, added to package runtime by the overlay.
//
// The hooks run inside entersyscall/exitsyscall, on g0 in
// exitsyscall0/exitsyscallNoP, and in sysmon with no P. So every hook is
// nosplit, allocates nothing, takes no lock and hits no write barrier
// (it stores only integers, into the current M or into globals). Counters
// are per M and written only by their own thread, without atomics; they
// are folded into the globals with atomics when a slot is evicted and,
// under sched.lock, when the M exits.
//
// The file imports nothing, so one source builds on every release: the
// runtime's internal atomic and sys packages moved between releases.
// Atomics, RDTSC and the bit length live in syscope_amd64.s.

package runtime

import "unsafe"

// Logical events. Keep in step with syscopeEventNames and dump.Events.
const (
	syscopeEvEnter = iota
	syscopeEvEnterCgo
	syscopeEvEnterBlock
	syscopeEvEnterWakeSysmon
	syscopeEvEnterGCWait
	syscopeEvExitFastKept
	syscopeEvExitFastReacquired
	syscopeEvExitFastIdle
	syscopeEvExitSlowIdle
	syscopeEvExitSlowQueued
	syscopeEvExitSlowLocked
	syscopeEvSysmonRetake
	syscopeEvHandoffStartm
	syscopeEvThreadCreate
	syscopeNumEvents
)

var syscopeEventNames = [syscopeNumEvents]string{
	"enter", "enter_cgo", "enter_block", "enter_wake_sysmon", "enter_gcwait",
	"exit_fast_kept_p", "exit_fast_reacquired_p", "exit_fast_idle_p",
	"exit_slow_idle_p", "exit_slow_queued", "exit_slow_locked",
	"sysmon_retake", "handoff_startm", "thread_create",
}

const (
	syscopeSlots      = 16   // per-M trap slots, direct mapped by key
	syscopeBuckets    = 64   // latency histogram buckets, two per power of two
	syscopeShift      = 6    // ticks below 1<<syscopeShift share bucket 0..1
	syscopeKeys       = 1024 // global table index: trap+2; 1 = unknown, 0 = unused
	syscopeKeyUnknown = 1
)

// syscopeSlot holds one trap's figures on one M. hist counts fit in
// uint32 because a slot is flushed before 1<<32 calls.
type syscopeSlot struct {
	key    uintptr // trap+2, 0 when empty
	calls  uint64
	errors uint64
	total  uint64 // ticks
	max    uint64 // ticks
	hist   [syscopeBuckets]uint32
}

// syscopeM is one M's record. m.syscope points at it (see the plan's
// runtime2.go edit); it is not embedded because go1.25+ keeps m within
// its 2048-byte size class. It is nil when recording is off; hooks test
// syscopeOn first, so SYSCOPE=off costs one compare per hook.
type syscopeM struct {
	ev [syscopeNumEvents]uint64
	// t0 is the tick count at entersyscall, 0 when no timed call is open.
	// syscall.Syscall's hook or cgocall's clears it; exitsyscall records
	// whatever is left under the unknown trap.
	t0    uint64
	slots [syscopeSlots]syscopeSlot
}

type syscopeStat struct {
	calls, errors, total, max uint64
	hist                      [syscopeBuckets]uint64
}

var (
	// syscopeOn is set once in schedinit; Ms made after get a record.
	// Package syscall reads it too, so its hook costs one compare when off.
	//go:linkname syscopeOn
	syscopeOn       bool
	syscopeM0       syscopeM
	syscopeStartTk  uint64
	syscopeStartNs  int64
	syscopeDumped   uint64
	syscopeGlobalEv [syscopeNumEvents]uint64
	syscopeGlobal   [syscopeKeys]syscopeStat
)

// syscopeInit runs in schedinit right after goenvs.
func syscopeInit() {
	if gogetenv("SYSCOPE") == "off" {
		return
	}
	syscopeStartTk = syscopeTicks()
	syscopeStartNs = nanotime()
	syscopeOn = true
	getg().m.syscope = &syscopeM0 // schedinit runs on m0, before any other M exists
}

// syscopeAllocM gives a new M its record. It runs in allocm, which may
// allocate.
func syscopeAllocM(mp *m) {
	if syscopeOn {
		mp.syscope = new(syscopeM)
	}
}

// Assembly helpers, in syscope_amd64.s.
func syscopeTicks() uint64
func syscopeXadd64(p *uint64, d uint64)
func syscopeCas64(p *uint64, old, new uint64) bool
func syscopeSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) uintptr

//go:nosplit
func syscopeEv(e int) {
	if syscopeOn {
		if s := getg().m.syscope; s != nil {
			s.ev[e]++
		}
	}
}

// syscopeEvM is syscopeEv for a site that already holds its m.
//
//go:nosplit
func syscopeEvM(mp *m, e int) {
	if syscopeOn {
		if s := mp.syscope; s != nil {
			s.ev[e]++
		}
	}
}

// syscopeEnter runs at the top of reentersyscall, before the stack guard
// is poisoned; the caller's g is still _Grunning.
//
//go:nosplit
func syscopeEnter(mp *m) {
	if syscopeOn {
		if s := mp.syscope; s != nil {
			s.ev[syscopeEvEnter]++
			s.t0 = syscopeTicks()
		}
	}
}

// syscopeExit runs at the top of exitsyscall. An entry that no caller
// claimed (x/sys/unix SyscallNoError and other assembly callers of
// entersyscall) is recorded under the unknown trap; it is never dropped.
//
//go:nosplit
func syscopeExit(mp *m) {
	if syscopeOn {
		if s := mp.syscope; s != nil && s.t0 != 0 {
			syscopeRecord(s, syscopeKeyUnknown, 0)
		}
	}
}

// syscopeCgo runs in cgocall right after entersyscall and in cgocallbackg
// right after reentersyscall: the entry is a C call, not a syscall.
//
//go:nosplit
func syscopeCgo() {
	if s := getg().m.syscope; s != nil {
		s.ev[syscopeEvEnterCgo]++
		s.t0 = 0
	}
}

// syscopeOwnP classifies a fast exit that won its old P back: the P's
// syscalltick moves on when sysmon or a stop-the-world took it meanwhile.
//
//go:nosplit
func syscopeOwnP(mp *m, pp *p) {
	if s := mp.syscope; s != nil {
		if mp.syscalltick == pp.syscalltick {
			s.ev[syscopeEvExitFastKept]++
		} else {
			s.ev[syscopeEvExitFastReacquired]++
		}
	}
}

// syscopeSyscallEnd is called by syscall.Syscall and Syscall6 between
// the raw call and exitsyscall: the g is _Gsyscall and may have no P.
//
//go:linkname syscopeSyscallEnd
//go:nosplit
func syscopeSyscallEnd(trap, errno uintptr) {
	r := getg().m.syscope
	if r == nil || r.t0 == 0 {
		return
	}
	key := trap + 2
	if key >= syscopeKeys {
		key = syscopeKeyUnknown // no such trap on linux/amd64 today
	}
	syscopeRecord(r, key, errno)
}

// syscopeRecord closes the open call on r under key. It is small enough
// to inline into its two callers, which saves a frame on the hot path.
//
//go:nosplit
func syscopeRecord(r *syscopeM, key, errno uintptr) {
	dt := syscopeTicks() - r.t0
	r.t0 = 0
	s := &r.slots[key%syscopeSlots]
	if s.key != key {
		syscopeEvict(s, key)
	}
	s.calls++
	if errno != 0 {
		s.errors++
	}
	s.total += dt
	if dt > s.max {
		s.max = dt
	}
	s.hist[syscopeBucket(dt)]++
	if uint32(s.calls) == 0 {
		syscopeFlush(s) // keep hist counts below 1<<32
	}
}

// syscopeBucket maps ticks to a histogram bucket, two per power of two
// of v = dt>>syscopeShift. The float64 exponent and top mantissa bit of v
// give the bucket with no call and no loop: bucket i >= 1 holds v in
// [syscopeBucketLow(i), syscopeBucketLow(i+1)).
//
//go:nosplit
func syscopeBucket(dt uint64) uintptr {
	k := float64bits(float64(int64(dt>>syscopeShift))) >> 51
	if k < 2045 {
		return 0 // v == 0
	}
	if k -= 2045; k >= syscopeBuckets {
		return syscopeBuckets - 1
	}
	return uintptr(k)
}

// syscopeBucketLow is the smallest v (ticks>>syscopeShift) in bucket b,
// rounded up to an integer.
func syscopeBucketLow(b uint64) uint64 {
	if b == 0 {
		return 0
	}
	k := b + 2045
	e := k>>1 - 1023
	lo := uint64(1) << e
	if k&1 == 1 {
		lo += (lo + 1) / 2 // 1.5 * 2^e, rounded up
	}
	return lo
}

// syscopeEvict gives slot s to key, flushing what it held.
//
//go:nosplit
func syscopeEvict(s *syscopeSlot, key uintptr) {
	if s.key != 0 {
		syscopeFlush(s)
	}
	s.key = key
}

// syscopeFlush moves a slot's figures into the global table and empties it.
//
//go:nosplit
func syscopeFlush(s *syscopeSlot) {
	g := &syscopeGlobal[s.key]
	syscopeXadd64(&g.calls, s.calls)
	syscopeXadd64(&g.errors, s.errors)
	syscopeXadd64(&g.total, s.total)
	for {
		old := g.max
		if s.max <= old || syscopeCas64(&g.max, old, s.max) {
			break
		}
	}
	for i := range s.hist {
		if s.hist[i] != 0 {
			syscopeXadd64(&g.hist[i], uint64(s.hist[i]))
			s.hist[i] = 0
		}
	}
	s.calls, s.errors, s.total, s.max = 0, 0, 0, 0
}

// syscopeMExit folds an exiting M into the globals. It runs in mexit with
// sched.lock held, before mp leaves allm, so a dump (which sums the
// globals and allm under sched.lock) counts mp exactly once.
//
//go:nosplit
func syscopeMExit(mp *m) {
	r := mp.syscope
	if r == nil {
		return
	}
	for i := range r.ev {
		syscopeXadd64(&syscopeGlobalEv[i], r.ev[i])
		r.ev[i] = 0
	}
	for i := range r.slots {
		if r.slots[i].key != 0 {
			syscopeFlush(&r.slots[i])
		}
	}
}

// Linux amd64 system call numbers used by the dump writer.
const (
	syscopeSysWrite   = 1
	syscopeSysClose   = 3
	syscopeSysGetpid  = 39
	syscopeSysRename  = 82
	syscopeSysUnlink  = 87
	syscopeSysGetuid  = 102
	syscopeSysGetgid  = 104
	syscopeSysGeteuid = 107
	syscopeSysGetegid = 108
	syscopeSysOpenat  = 257
)

var _ unsafe.Pointer
