//go:build ignore

// Call-site stacks: which code made the system calls, lost the Ps,
// had its Ps retaken and caused the threads. The dump's "stacks" section.
//
// Capture follows the runtime's rules where it runs:
//
//   - The wrappers of syscope_amd64.s (nosplit, maybe in the vfork child
//     of forkExec, maybe in _Gsyscall with the stack guard poisoned) call
//     syscopeSample on their profiling path. It unwinds by frame pointers
//     only: loads from the goroutine's own stack, bounded by its limits,
//     no call that can split, lock or allocate. It inserts into the table
//     with atomics.
//   - A fast exit that lost its P (exitsyscallfast, or exitsyscallTryGetP
//     on the system stack) unwinds the same way, the goroutine's frames
//     being still in place.
//   - A slow exit (exitsyscall0/exitsyscallNoP on g0) unwinds gp at its
//     top, from the state mcall saved, before gp is queued: until then
//     gp is this M's and cannot run, and afterwards another M may run it.
//   - sysmon's retake, which has no P and must not read a running
//     goroutine's stack, marks the goroutine whose P it took; the thread
//     that the hand-off creates is marked on it too. The goroutine's
//     lost-P exit that follows carries the marks into the table. Marks
//     live in a side table keyed by the g (syscopeMarks), not in g:
//     g keeps vanilla's size (the runtime's TestSizeof) and size class.
//   - newm1 unwinds the goroutine that made the work (a go statement, a
//     ready) from its saved scheduling state, or the runtime's own frames
//     when it runs on a g0 with no goroutine (sysmon, the template thread).
//   - The dump, with the world stopped, unwinds every goroutine still in
//     a system call and every one with a mark not yet carried over, each
//     under its _Gscan bit, and once per call (syscopeStacksCollect;
//     syscope_read.go has the rules of every reader).
//
// The marks are exact counts, so the stacks' lost_p, retakes and threads
// add up to the dump's events. calls and time_ns are sampled by the block
// profile's rule (see syscopeSample) at SYSCOPE_PROFILE_RATE.

package runtime

import "unsafe"

const (
	// syscopeStackCap is the stack table's size, a power of two; one more
	// entry past it collects what does not fit (the truncated stack).
	syscopeStackCap = 4096
	// syscopeStackDepth is the most frames a stack keeps, innermost first.
	syscopeStackDepth = 32
	// syscopeStackProbes bounds the linear probing of an insert.
	syscopeStackProbes = 64

	// syscopeProfBit marks a slot key taken while profiling: a call's key
	// (its trap) never has it, so every call takes the wrappers' eviction
	// path, where the profiling path starts. With profiling off no slot
	// has the bit and the wrappers' hot path is what it was.
	syscopeProfBit = 1 << 62

	// Stack keys beside a trap (with syscopeRawBit on the raw path).
	syscopeKeyNone    = 1 << 61 // not a system call's stack: a cgo call, a go statement, the runtime
	syscopeKeyUnknown = 1 << 60 // a system call whose number is not known

	// A mark (syscopeMarks) holds counts not yet in the table, 20 bits each.
	syscopeMarkLost   = 1
	syscopeMarkRetake = 1 << 20
	syscopeMarkThread = 1 << 40
	syscopeMarkMask   = 1<<20 - 1

	// syscopeMarkCap is the mark table's size, a power of two, and
	// syscopeMarkProbes the window a g's entry is looked for in. A
	// goroutine has an entry only between a retake and its lost-P exit,
	// while it holds its M in the call: about one a thread, and Go allows
	// 10,000 threads unless debug.SetMaxThreads says more.
	syscopeMarkCap    = 16384
	syscopeMarkProbes = 8

	// syscopeStkExpanded, in a stack's n, marks PCs from callers or
	// gcallers, which expand inlined frames already; a frame-pointer walk
	// gives one return address per physical frame.
	syscopeStkExpanded = 1 << 16
	syscopeStkCount    = syscopeStkExpanded - 1

	// Sampled call counts are fixed point with syscopeCallFrac fraction bits.
	syscopeCallFrac = 16

	// syscopeProfDefaultNs is SYSCOPE_PROFILE_RATE's default: 100µs (docs/stacks.md has its cost).
	syscopeProfDefaultNs = 100000
)

// syscopeStk is one stack of the table. hash is claimed by CAS; key, n
// and pc are written once, before ready; the counts are added with atomics.
type syscopeStk struct {
	hash    uint64
	ready   uint64
	key     uint64
	n       uint64
	pc      [syscopeStackDepth]uintptr
	calls   uint64 // fixed point, syscopeCallFrac fraction bits
	ticks   uint64
	lost    uint64
	retakes uint64
	threads uint64
}

// syscopeStkSnap is one stack's counts at the dump.
type syscopeStkSnap struct {
	calls, ticks, lost, retakes, threads, inflight uint64
}

var (
	// syscopeProf is set in syscopeInit when SYSCOPE_PROFILE_RATE is not
	// 0 or off; syscopeProfTk is the rate in ticks (at least 1).
	syscopeProf   bool
	syscopeProfNs int64 = syscopeProfDefaultNs
	syscopeProfTk uint64

	syscopeStks     [syscopeStackCap + 1]syscopeStk
	syscopeStksSnap [syscopeStackCap + 1]syscopeStkSnap
	syscopeStksBuf  [syscopeStackDepth]uintptr // the dump's unwinding buffer

	// syscopeMarks holds the marks of goroutines whose Ps sysmon took, by
	// g: g is the *g as an integer (gs are never freed, so an entry never
	// names freed memory), claimed by CAS from 0; mark is added to with
	// atomics. syscopeMarkSpill holds marks that found no entry in their
	// window. A mark added as its entry is released stays in the free
	// entry and is charged with the spill: the totals hold, only the stack
	// is lost.
	syscopeMarks     [syscopeMarkCap]struct{ g, mark uint64 }
	syscopeMarkSpill uint64
	// syscopeMarkUsed has bit i set while syscopeMarks[i] may hold a g or
	// a mark, so that a collection reads 2 KiB, not the whole table, with
	// the world stopped. An adder sets it after its CAS and its add (a
	// mark added to an entry as it is released included); only the
	// collector clears it, for an entry it finds empty, then reads the
	// entry again and sets the bit back if it is not (syscopeMarkIdle):
	// with locked instructions on both sides, an entry that is used
	// always has its bit set once its adder is done.
	syscopeMarkUsed [syscopeMarkCap / 64]uint64
	// syscopeStksList lists the stack table's claimed entries, each as
	// its index plus one (0: listed, not yet written), syscopeStksN of
	// them: entries are never released, and a collection reads those,
	// not the whole table (1.3 MB).
	syscopeStksList [syscopeStackCap]uint64
	syscopeStksN    uint64
	// syscopeMarkSeen has bit i set when the fold took syscopeMarks[i]'s
	// goroutine from its M (syscopeListInSys), so that the collector's
	// walk of the table passes it over (syscopeStacksCollect); the fold
	// clears it first. Only the holder of the snapshot claim touches it,
	// or the crash hook.
	syscopeMarkSeen [syscopeMarkCap / 64]uint64
)

//go:nosplit
func syscopeMarkHash(gp *g) uint64 {
	// A multiplicative hash spreads the gs evenly: a hash that kept
	// neighbouring gs together (fewer pages touched) let the gs of two
	// spans with the same offset fill each other's windows, and 2 in 100
	// of 2,000 blocked readers' marks spilled.
	return uint64(uintptr(unsafe.Pointer(gp))) >> 3 * 0x9e3779b97f4a7c15 >> 50 // 14 bits: syscopeMarkCap
}

// syscopeMarkAdd adds v to gp's mark. sysmon calls it, with no P.
//
//go:nosplit
func syscopeMarkAdd(gp *g, v uint64) {
	k, h := uint64(uintptr(unsafe.Pointer(gp))), syscopeMarkHash(gp)
	for i := uint64(0); i < syscopeMarkProbes; i++ {
		e := &syscopeMarks[(h+i)&(syscopeMarkCap-1)]
		if syscopeLoad64(&e.g) == k {
			syscopeXadd64(&e.mark, v)
			syscopeMarkSetUsed((h + i) & (syscopeMarkCap - 1))
			return
		}
	}
	for i := uint64(0); i < syscopeMarkProbes; i++ {
		e := &syscopeMarks[(h+i)&(syscopeMarkCap-1)]
		if syscopeCas64(&e.g, 0, k) {
			syscopeXadd64(&e.mark, v)
			syscopeMarkSetUsed((h + i) & (syscopeMarkCap - 1))
			return
		}
	}
	syscopeXadd64(&syscopeMarkSpill, v)
}

//go:nosplit
func syscopeMarkSetUsed(j uint64) { syscopeOr64(&syscopeMarkUsed[j/64], 1<<(j%64)) }

// syscopeMarkIdle reports whether entry j is empty, clearing its bit in
// syscopeMarkUsed if so (see there). Only the collector calls it.
func syscopeMarkIdle(j uint64) bool {
	e := &syscopeMarks[j]
	if syscopeLoad64(&e.g) != 0 || syscopeLoad64(&e.mark) != 0 {
		return false
	}
	syscopeAnd64(&syscopeMarkUsed[j/64], ^(1 << (j % 64)))
	if syscopeLoad64(&e.g) != 0 || syscopeLoad64(&e.mark) != 0 {
		syscopeMarkSetUsed(j)
		return false
	}
	return true
}

// syscopeStksEach calls f for every entry of the stack table that has
// been claimed, then for the truncated entry.
func syscopeStksEach(f func(i int)) {
	n := syscopeLoad64(&syscopeStksN)
	if n > syscopeStackCap {
		n = syscopeStackCap
	}
	for k := uint64(0); k < n; k++ {
		if v := syscopeLoad64(&syscopeStksList[k]); v != 0 {
			f(int(v - 1))
		}
	}
	f(syscopeStackCap)
}

// syscopeCtz64 is the number of trailing zero bits of u, which is not 0.
func syscopeCtz64(u uint64) int {
	n := 0
	for u&0xffffffff == 0 {
		u, n = u>>32, n+32
	}
	for u&1 == 0 {
		u, n = u>>1, n+1
	}
	return n
}

// syscopeMarkTake returns gp's mark and releases its entry; gp's own M
// calls it as gp loses its P.
//
//go:nosplit
func syscopeMarkTake(gp *g) uint64 {
	k, h := uint64(uintptr(unsafe.Pointer(gp))), syscopeMarkHash(gp)
	for i := uint64(0); i < syscopeMarkProbes; i++ {
		e := &syscopeMarks[(h+i)&(syscopeMarkCap-1)]
		if syscopeLoad64(&e.g) == k {
			v := syscopeXchg64(&e.mark, 0)
			syscopeCas64(&e.g, k, 0)
			return v
		}
	}
	return 0
}

// syscopeMarkPeekStamp is syscopeMarkPeek that also sets gp's entry's
// bit in syscopeMarkSeen, so that the collector's walk of the mark table
// passes it over (syscopeStacksCollect).
func syscopeMarkPeekStamp(gp *g) uint64 {
	k, h := uint64(uintptr(unsafe.Pointer(gp))), syscopeMarkHash(gp)
	for i := uint64(0); i < syscopeMarkProbes; i++ {
		j := (h + i) & (syscopeMarkCap - 1)
		if e := &syscopeMarks[j]; syscopeLoad64(&e.g) == k {
			syscopeMarkSeen[j/64] |= 1 << (j % 64)
			return syscopeLoad64(&e.mark)
		}
	}
	return 0
}

// syscopeMarkPeek returns gp's mark, leaving it: the dump's read.
//
//go:nosplit
func syscopeMarkPeek(gp *g) uint64 {
	k, h := uint64(uintptr(unsafe.Pointer(gp))), syscopeMarkHash(gp)
	for i := uint64(0); i < syscopeMarkProbes; i++ {
		e := &syscopeMarks[(h+i)&(syscopeMarkCap-1)]
		if syscopeLoad64(&e.g) == k {
			return syscopeLoad64(&e.mark)
		}
	}
	return 0
}

// Assembly helpers (syscope_amd64.s).
func syscopeLoad64(p *uint64) uint64
func syscopePrefetch(addr uintptr)
func syscopeXaddNew(p *uint64, d uint64) uint64
func syscopeOr64(p *uint64, v uint64)
func syscopeAnd64(p *uint64, v uint64)
func syscopeStore64(p *uint64, v uint64)
func syscopeXchg64(p *uint64, v uint64) uint64

// syscopeFP returns the frame pointer of the function that calls it.
func syscopeFP() uintptr

// syscopeProfInit reads SYSCOPE_PROFILE_RATE; tkPerNs is the calibrated
// tick rate. It runs in syscopeInit.
func syscopeProfInit(tkPerNs float64) {
	if s := gogetenv("SYSCOPE_PROFILE_RATE"); s != "" {
		if s == "0" || s == "off" {
			syscopeProfNs = 0
		} else if d, ok := syscopeParseDuration(s); ok {
			syscopeProfNs = d
		} else {
			print("syscope: SYSCOPE_PROFILE_RATE=")
			syscopePrintValue(s)
			print(" is not a duration such as 10us or 1ms, nor 0 or off; using 100us\n")
		}
	}
	if syscopeProfNs <= 0 {
		return
	}
	tk := uint64(float64(syscopeProfNs) * tkPerNs)
	if tk == 0 {
		tk = 1
	}
	if tk >= 1<<32 { // the wrappers' draw needs a rate below 2^32 ticks (about a second)
		tk = 1<<32 - 1
		syscopeProfNs = int64(float64(tk) / tkPerNs)
	}
	syscopeProfTk = tk
	syscopeFramesFn = syscopeFramesExpanded
	syscopeProf = true
}

// syscopeSeed readies a new M record: it starts the sampler's random
// sequence (xorshift: never zero). It touches only the record, not its
// slots (see syscopeEvict for slot 0's key while profiling).
//
//go:nosplit
func syscopeSeed(r *syscopeM, salt uintptr) {
	r.rand = syscopeTicks()*0x9e3779b97f4a7c15 ^ uint64(salt) | 1
}

// syscopeSample records a sampled call (see SYSCOPE_PROFILE in
// syscope_amd64.s, which draws it by the block profile's rule: a call of
// at least the rate always, a shorter one with probability dt/rate) of
// dt ticks with key (its trap, syscopeRawBit on the raw path,
// syscopeProfBit set); pc is the wrapper's return address and bp the
// frame pointer of the function it returns to. A call shorter than the
// rate counts rate/dt times and rate long, so that the expected totals
// are the true ones.
//
//go:nosplit
func syscopeSample(pc, bp uintptr, key, dt uint64) {
	gp := getg()
	r := gp.m.syscope
	key &^= syscopeProfBit
	d := syscopeProfTk
	if d == 0 || dt == 0 {
		return
	}
	calls, ticks := uint64(1)<<syscopeCallFrac, dt
	if dt >= 1<<62 {
		ticks = 0 // ticks read on two unsynchronised CPUs: no duration
	} else if dt < d {
		calls, ticks = (d<<syscopeCallFrac)/dt, d
	}
	syscopePCs(r)[0] = pc
	n := syscopeWalk(syscopePCs(r), 1, bp, gp.stack.lo, gp.stack.hi)
	e := syscopeStackFind(key, syscopePCs(r), n)
	syscopeXadd64(&e.calls, calls)
	syscopeXadd64(&e.ticks, ticks)
}

// syscopeWalk follows the frame pointers from bp, appending return
// addresses to buf from buf[n], while they stay inside [lo, hi).
//
//go:nosplit
func syscopeWalk(buf *[syscopeStackDepth]uintptr, n int, bp, lo, hi uintptr) int {
	for n < syscopeStackDepth && bp >= lo && bp+16 <= hi && bp&7 == 0 {
		pc := *(*uintptr)(unsafe.Pointer(bp + 8))
		if pc == 0 {
			break
		}
		buf[n] = pc
		n++
		next := *(*uintptr)(unsafe.Pointer(bp))
		if next <= bp {
			break
		}
		bp = next
	}
	return n
}

// syscopeWalkG unwinds gp into the M's buffer: from the current frame
// when gp is the running goroutine, else from its saved scheduling state
// (mcall and systemstack save it, frame pointer included).
//
//go:nosplit
func syscopeWalkG(r *syscopeM, gp *g) int {
	if gp == getg() {
		return syscopeWalk(syscopePCs(r), 0, syscopeFP(), gp.stack.lo, gp.stack.hi)
	}
	return syscopeWalk(syscopePCs(r), 0, gp.sched.bp, gp.stack.lo, gp.stack.hi)
}

// syscopeStackFind returns the table's entry for the stack, claiming a
// free one with CAS, or the truncated entry when none is left within
// syscopeStackProbes.
//
//go:nosplit
func syscopeStackFind(key uint64, pcs *[syscopeStackDepth]uintptr, n int) *syscopeStk {
	if n&syscopeStkCount == 0 { // nothing to unwind: counted, but on no stack
		return &syscopeStks[syscopeStackCap]
	}
	h := key*0x9e3779b97f4a7c15 ^ uint64(n)
	k := n & syscopeStkCount
	for i := 0; i < k; i++ {
		h = (h ^ uint64(pcs[i])) * 0x100000001b3
	}
	if h == 0 {
		h = 1
	}
probe:
	for i := uint64(0); i < syscopeStackProbes; i++ {
		e := &syscopeStks[(h+i)&(syscopeStackCap-1)]
		eh := syscopeLoad64(&e.hash)
		if eh == 0 {
			if syscopeCas64(&e.hash, 0, h) {
				e.key = key
				e.n = uint64(n)
				for j := 0; j < k; j++ {
					e.pc[j] = pcs[j]
				}
				// Listed before it is ready, so before another thread can
				// find it and add a count to it.
				if l := syscopeXaddNew(&syscopeStksN, 1); l <= syscopeStackCap {
					syscopeStore64(&syscopeStksList[l-1], (h+i)&(syscopeStackCap-1)+1)
				}
				syscopeStore64(&e.ready, 1)
				return e
			}
			eh = syscopeLoad64(&e.hash)
		}
		if eh != h {
			continue
		}
		for spin := 0; syscopeLoad64(&e.ready) == 0; spin++ {
			if spin == 1000 {
				continue probe // its writer is slow: look further
			}
		}
		if e.key != key || e.n != uint64(n) {
			continue
		}
		for j := 0; j < k; j++ {
			if e.pc[j] != pcs[j] {
				continue probe
			}
		}
		return e
	}
	return &syscopeStks[syscopeStackCap]
}

// syscopeAddMark adds a mark's counts to e.
//
//go:nosplit
func syscopeAddMark(e *syscopeStk, mark uint64) {
	if v := mark & syscopeMarkMask; v != 0 {
		syscopeXadd64(&e.lost, v)
	}
	if v := mark / syscopeMarkRetake & syscopeMarkMask; v != 0 {
		syscopeXadd64(&e.retakes, v)
	}
	if v := mark / syscopeMarkThread & syscopeMarkMask; v != 0 {
		syscopeXadd64(&e.threads, v)
	}
}

// syscopeLostFast counts exit event e, a fast exit that did not keep its
// P, on the current M, and charges it, with gp's marks, to gp's stack.
// It runs in exitsyscallfast on gp or on the system stack above it.
//
//go:nosplit
func syscopeLostFast(e int) {
	if !syscopeOn {
		return
	}
	mp := getg().m
	mp.syscopeEv[e]++
	mp.syscopeOpen = 1 // the exit rearms the entry flag (see SYSCOPE_CLAIM)
	if syscopeProf {
		syscopeLostHere(mp)
	}
}

//go:nosplit
func syscopeLostHere(mp *m) {
	gp := mp.curg
	r := mp.syscope
	if gp == nil || r == nil {
		return
	}
	n := syscopeWalkG(r, gp)
	st := syscopeStackFind(r.key, syscopePCs(r), n)
	syscopeAddMark(st, syscopeMarkTake(gp)+syscopeMarkLost)
}

// syscopeSlowMark runs at the top of the slow exit path, on g0 of gp's
// M, before gp is queued: every slow exit loses its P. gp cannot run
// until this M queues it, so its stack is read here, from the state
// mcall saved. It runs on g0 (exitsyscall0 and exitsyscallNoP are not
// nosplit).
func syscopeSlowMark(gp *g) {
	if !syscopeOn {
		return
	}
	// The exit ends the claim (see SYSCOPE_CLAIM) before it can block:
	// 3, exiting, until the slow exit is counted (syscopeSlowExit), so
	// that a fold that read 1 before the call returned sees a change.
	getg().m.syscopeOpen = 3
	if !syscopeProf {
		return
	}
	r := getg().m.syscope
	if r == nil {
		return
	}
	n := syscopeWalkSched(r, gp)
	st := syscopeStackFind(r.key, syscopePCs(r), n)
	syscopeAddMark(st, syscopeMarkTake(gp)+syscopeMarkLost)
}

// syscopeWalkSched unwinds gp, which is not running, from its saved
// scheduling state into the M's buffer. mcall saved the return address
// into the function that called it, systemstack left it at sched.sp
// (sched.pc names systemstack_switch), and both saved that function's
// frame pointer. It runs on g0, which may not grow but has room.
func syscopeWalkSched(r *syscopeM, gp *g) int {
	pc := gp.sched.pc
	if f := findfunc(pc); f.valid() && funcname(f) == "runtime.systemstack_switch" {
		pc = *(*uintptr)(unsafe.Pointer(gp.sched.sp))
	}
	syscopePCs(r)[0] = pc
	return syscopeWalk(syscopePCs(r), 1, gp.sched.bp, gp.stack.lo, gp.stack.hi)
}

// syscopeRetakeMark runs in sysmon's retake as it takes the P of gp, in
// a syscall or a cgo call: the retake, and a thread the hand-off
// creates, are gp's. gp's lost-P exit carries them to its stack.
//
// A retake whose goroutine is not known (it left its syscall as sysmon
// took the P) is charged to sysmon's own stack, so that the totals hold.
//
//go:nosplit
func syscopeRetakeMark(gp *g) {
	if !syscopeProf {
		return
	}
	r := getg().m.syscope
	if r == nil {
		return
	}
	if gp == nil {
		n := syscopeWalk(syscopePCs(r), 0, syscopeFP(), getg().stack.lo, getg().stack.hi)
		syscopeXadd64(&syscopeStackFind(syscopeKeyNone, syscopePCs(r), n).retakes, 1)
		return
	}
	syscopeMarkAdd(gp, syscopeMarkRetake)
	r.cause = uintptr(unsafe.Pointer(gp))
}

// syscopeRetakeFind runs in retake on the releases with _Psyscall, where
// the P no longer names its M, before sysmon tries to take pp: the M
// whose oldp is pp is the one in the syscall, and its goroutine is the
// one syscopeRetakeP marks if the take succeeds. sched.lock keeps allm
// still (retake takes it right after, in incidlelocked).
func syscopeRetakeFind(pp *p) {
	if !syscopeProf {
		return
	}
	r := getg().m.syscope
	if r == nil {
		return
	}
	r.cand = 0
	lock(&sched.lock)
	for mp := allm; mp != nil; mp = mp.alllink {
		if mp.oldp.ptr() == pp && mp.curg != nil {
			r.cand = uintptr(unsafe.Pointer(mp.curg))
			break
		}
	}
	unlock(&sched.lock)
}

// syscopeRetakeP runs once sysmon has taken pp (releases with _Psyscall).
func syscopeRetakeP(pp *p) {
	if !syscopeProf {
		return
	}
	r := getg().m.syscope
	if r == nil {
		return
	}
	syscopeRetakeMark((*g)(unsafe.Pointer(r.cand)))
	r.cand = 0
}

// syscopeRetakeDone runs after retake's hand-off.
//
//go:nosplit
func syscopeRetakeDone() {
	if r := getg().m.syscope; r != nil {
		if r.cause != 0 && syscopeProf {
			syscopeDebtPush((*g)(unsafe.Pointer(r.cause)))
		}
		r.cause = 0
	}
}

// Debts: a thread made while goroutines hold their Ms in the kernel is
// theirs. When sysmon takes the P of a goroutine blocked in a system call
// or a cgo call and the hand-off makes no thread (an idle M takes the
// P), the goroutine still holds its M: it leaves a debt. A thread made
// later for no cause of its own (a spinning M that wakep starts, the
// chain golang/go#6104 hides the cause behind) pays the oldest debt whose
// goroutine is still in that same call, which is charged the thread.
// sysmon alone pushes (syscopeRetakeDone); any thread in newm1 pops, with
// a CAS on the head. An entry is written before tail moves past it and is
// not written again until head has moved past it, so a pop that wins its
// CAS read an entry that no push was writing.
const syscopeDebtCap = 256 // a power of two

var (
	syscopeDebts                     [syscopeDebtCap]struct{ g, enter uint64 }
	syscopeDebtHead, syscopeDebtTail uint64
)

// syscopeDebtPush records gp's debt: gp, and its M's entry count, which
// tells the same call from a later one. A full ring first drops debts
// already settled; one still full drops the new debt (the thread is then
// charged where it is made).
func syscopeDebtPush(gp *g) {
	mp := gp.m
	if mp == nil {
		return
	}
	t := syscopeDebtTail
	for t-syscopeLoad64(&syscopeDebtHead) >= syscopeDebtCap {
		if syscopeDebtPop() == nil {
			break
		}
	}
	if t-syscopeLoad64(&syscopeDebtHead) >= syscopeDebtCap {
		return
	}
	e := &syscopeDebts[t&(syscopeDebtCap-1)]
	e.g, e.enter = uint64(uintptr(unsafe.Pointer(gp))), mp.syscopeEv[syscopeEvEnter]
	syscopeStore64(&syscopeDebtTail, t+1)
}

// syscopeDebtPop returns the goroutine of the oldest debt still owed, one
// whose goroutine is in the call that left it, dropping settled ones; nil
// when none is owed.
func syscopeDebtPop() *g {
	for {
		h := syscopeLoad64(&syscopeDebtHead)
		if h == syscopeLoad64(&syscopeDebtTail) {
			return nil
		}
		e := &syscopeDebts[h&(syscopeDebtCap-1)]
		gp, enter := (*g)(unsafe.Pointer(uintptr(e.g))), e.enter
		if !syscopeCas64(&syscopeDebtHead, h, h+1) {
			continue
		}
		if readgstatus(gp)&^_Gscan != _Gsyscall {
			continue // it returned: settled
		}
		if mp := gp.m; mp == nil || mp.syscopeEv[syscopeEvEnter] != enter {
			continue // in another call since
		}
		return gp
	}
}

// syscopeThread charges the thread newm1 is creating to its cause: the
// goroutine whose P sysmon handed off (marked, see syscopeRetakeMark),
// else the goroutine on this M, whose work woke an M, else the runtime
// frames of this g0 (sysmon, the template thread, ...). newm1 may split
// its stack, and so may this; it runs without a P from sysmon, so it
// only reads and uses atomics.
func syscopeThread() {
	if !syscopeProf {
		return
	}
	mp := getg().m
	r := mp.syscope
	if r == nil {
		return
	}
	if r.cause != 0 {
		syscopeMarkAdd((*g)(unsafe.Pointer(r.cause)), syscopeMarkThread)
		r.cause = 0 // paid: no debt
		return
	}
	if gp := syscopeDebtPop(); gp != nil {
		syscopeMarkAdd(gp, syscopeMarkThread)
		return
	}
	var n int
	if gp := mp.curg; gp == getg() {
		n = syscopeWalkG(r, gp)
	} else if gp != nil {
		n = syscopeWalkSched(r, gp) // on g0 above gp, which is this M's
	} else {
		n = syscopeWalk(syscopePCs(r), 0, syscopeFP(), getg().stack.lo, getg().stack.hi)
	}
	syscopeXadd64(&syscopeStackFind(syscopeKeyNone, syscopePCs(r), n).threads, 1)
}

// syscopeStacksCollect takes the snapshot of the table for the dump. It
// runs after syscopeCollect with the world stopped and without sched.lock
// (syscope_read.go), on the exiting or snapshotting goroutine, and may run
// more than once.
// Goroutines still in a system call, and those with marks not yet in the
// table, are unwound here, adding zero-count entries to the table when
// their stack is new. A goroutine's stack is read only under its _Gscan
// bit, which the collector takes as the GC's suspendG does for a
// goroutine that is not running: while it is held the goroutine cannot
// leave _Gsyscall, be readied or run (casgstatus waits), so its frames
// stay where they are. One it cannot take goes to the stack of no
// frames, so the totals still hold.
//
// A dump taken as the program crashes (a throw, a fatal signal: the world
// is not stopped, and the dump may run on g0 or the signal stack, where
// nothing may allocate) reads no other goroutine's stack: what it would
// unwind goes to the truncated stack, so the totals still hold.
func syscopeStacksCollect() {
	if !syscopeProf {
		return
	}
	safe := syscopeStacksSafe()
	// An entry never claimed has counts of 0 in the table and in the
	// snapshot, both zeroed at start.
	syscopeStksEach(func(i int) {
		e, s := &syscopeStks[i], &syscopeStksSnap[i]
		s.calls, s.ticks = syscopeLoad64(&e.calls), syscopeLoad64(&e.ticks)
		s.lost, s.retakes, s.threads = syscopeLoad64(&e.lost), syscopeLoad64(&e.retakes), syscopeLoad64(&e.threads)
		s.inflight = 0
	})
	// The goroutines in system calls, which the fold listed from allm,
	// then those with marks, from the mark table: each once (the epoch
	// stamps the mark entries of the first), and no step per goroutine
	// of the program. With the world stopped no goroutine enters a
	// system call or gets a mark, and one that leaves its call meanwhile
	// takes its mark into the table itself (a lost-P exit); a collection
	// that raced it does not balance and is taken again.
	all := syscopeInSysN > uint64(len(syscopeInSys))
	if all {
		syscopeStacksCollectAll(safe) // more than the list holds
	} else {
		// The fold stamped their marks (syscopeListInSys). One that has
		// left its call since is still counted at it, with the mark the
		// fold read: its lost-P exit, counted meanwhile, makes the
		// collection unbalanced, and it is taken again.
		for i := uint64(0); i < syscopeInSysN; i++ {
			if k := syscopeInSysStk[i]; k != 0 {
				syscopeStkAdd(&syscopeStks[k-1], syscopeInSysMark[i], true)
				continue
			}
			gp := (*g)(unsafe.Pointer(syscopeInSys[i]))
			if mp := gp.m; mp != nil && syscopeInSyscall(gp, mp) {
				syscopeStkCollectG(gp, mp, true, syscopeInSysMark[i], safe)
			}
		}
	}
	// One walk of the mark entries in use, less those the fold stamped
	// (their goroutines are in calls, listed): a goroutine with a mark
	// and out of its call, unless the walk of every goroutine took it;
	// and the marks in released entries and the spill, on no stack.
	spill := syscopeLoad64(&syscopeMarkSpill)
	for w := range syscopeMarkUsed {
		u := syscopeLoad64(&syscopeMarkUsed[w])
		if !all {
			u &^= syscopeMarkSeen[w]
		}
		for ; u != 0; u &= u - 1 {
			j := uint64(w)*64 + uint64(syscopeCtz64(u))
			if syscopeMarkIdle(j) {
				continue
			}
			e := &syscopeMarks[j]
			gp := (*g)(unsafe.Pointer(uintptr(syscopeLoad64(&e.g))))
			switch {
			case gp == nil:
				spill += syscopeLoad64(&e.mark)
			case all:
			case gp.m != nil && syscopeInSyscall(gp, gp.m):
				// in a call: listed, unless it is new (not with the world stopped)
			default:
				if mark := syscopeLoad64(&e.mark); mark != 0 {
					syscopeStkCollectG(gp, nil, false, mark, safe)
				}
			}
		}
	}
	if spill != 0 {
		syscopeStkAdd(syscopeStackFind(syscopeKeyNone, &syscopeStksBuf, 0), spill, false)
	}
}

// syscopeStacksCollectAll is the collector's walk when the fold's list
// of goroutines in system calls overflowed: every goroutine.
func syscopeStacksCollectAll(safe bool) {
	n := int(syscopeLoad64((*uint64)(unsafe.Pointer(&allglen))))
	for i := 0; i < n; i++ {
		gp := allgs[i]
		mp := gp.m
		in := mp != nil && syscopeInSyscall(gp, mp)
		mark := syscopeMarkPeek(gp)
		if !in && mark == 0 {
			continue
		}
		syscopeStkCollectG(gp, mp, in, mark, safe)
	}
}

// syscopeStkCollectG adds gp's mark, and its call in flight if in (mp is
// its M then), to the snapshot of gp's stack. A goroutine still in the
// same call as at the last collection (its M's entries unchanged) is
// still at the same stack: its M remembers the entry, and gp is not
// unwound again, so a thousand threads blocked across snapshots cost a
// compare each inside the stopped world.
func syscopeStkCollectG(gp *g, mp *m, in bool, mark uint64, safe bool) {
	var r *syscopeM
	var enter uint64
	if in && safe {
		r = mp.syscope
		enter = syscopeStkEnter(mp)
		if r != nil && r.stkEnter == enter && r.stkG == uintptr(unsafe.Pointer(gp)) {
			syscopeStkAdd(&syscopeStks[r.stkIdx], mark, in)
			return
		}
	}
	key := uint64(syscopeKeyNone)
	if safe && in && syscopeEntryOpen(mp) {
		key = syscopeInflightTrapOnce(mp)
	}
	k := 0
	switch {
	case !safe:
	case gp == getg():
		k = callers(2, syscopeStksBuf[:])
	default:
		k = syscopeScanCallers(gp)
	}
	e := syscopeStackFind(key, &syscopeStksBuf, k|syscopeStkExpanded)
	syscopeStkAdd(e, mark, in)
	if r != nil && k > 0 {
		r.stkEnter, r.stkG = enter, uintptr(unsafe.Pointer(gp))
		r.stkIdx = uint64((uintptr(unsafe.Pointer(e)) - uintptr(unsafe.Pointer(&syscopeStks[0]))) / unsafe.Sizeof(syscopeStks[0]))
	}
}

// syscopeStkEnter is mp's entries plus one, as its record keeps them
// with the stack its call in flight was found at (0: none kept).
func syscopeStkEnter(mp *m) uint64 {
	return mp.syscopeEv[syscopeEvEnter] + mp.syscopeEv[syscopeEvEnterBlock] + 1
}

// syscopeScanCallers unwinds gp into syscopeStksBuf under its _Gscan bit,
// if it is not running: a goroutine leaving its system call through a
// stopped world changes state a few times on its way to park, so a lost
// race is tried again.
func syscopeScanCallers(gp *g) int {
	for try := 0; try < 100; try++ {
		switch st := readgstatus(gp); st {
		case _Grunnable, _Gwaiting, _Gsyscall:
			if castogscanstatus(gp, st, st|_Gscan) {
				k := gcallers(gp, 0, syscopeStksBuf[:])
				casfrom_Gscanstatus(gp, st|_Gscan, st)
				return k
			}
		case _Grunning, _Gdead:
			return 0 // not ours to read
		}
		osyield()
	}
	return 0
}

// syscopeStkAdd adds a mark, and a call in flight, to e's snapshot.
func syscopeStkAdd(e *syscopeStk, mark uint64, in bool) {
	s := &syscopeStksSnap[(uintptr(unsafe.Pointer(e))-uintptr(unsafe.Pointer(&syscopeStks[0])))/unsafe.Sizeof(syscopeStks[0])]
	s.lost += mark & syscopeMarkMask
	s.retakes += mark / syscopeMarkRetake & syscopeMarkMask
	s.threads += mark / syscopeMarkThread & syscopeMarkMask
	if in {
		s.inflight++
	}
}

// syscopeStacksSafe reports whether the dump runs where it may unwind
// other goroutines and allocate: on a user goroutine, not dying.
func syscopeStacksSafe() bool {
	gp := getg()
	mp := gp.m
	return mp != nil && gp == mp.curg && mp.dying == 0 && mp.mallocing == 0
}

// syscopeInflightTrapOnce is syscopeInflightTrap, read once per call: a
// snapshot that finds the M's entry count unchanged since the last dump
// or warm-up read it finds its thread still in that call, and reads no
// file. A thousand threads blocked across snapshots then cost a compare
// each, not an open, a read and a close inside the stopped world; the
// warm-up (syscopeWarmInflight) reads the calls that are new, with the
// world running.
func syscopeInflightTrapOnce(mp *m) uint64 {
	r := mp.syscope
	n := mp.syscopeEv[syscopeEvEnter] + 1 // 0: never read
	if r != nil {
		if en, t := syscopeInflightUnpack(syscopeLoad64(&r.inflight)); en == n&syscopeInflightMax {
			return t
		}
	}
	var buf [32]byte
	t := syscopeInflightTrap(mp, &buf)
	if r != nil {
		syscopeStore64(&r.inflight, syscopeInflightPack(n, t))
	}
	return t
}

// syscopeWarmInflight reads, with the world running, the trap of mp's
// call in flight if no dump has read it yet, for the next dump to find
// (syscopeInflightTrapOnce). It keeps what it read only if the M was in
// the same call, not yet returned (its flag still 1), before and after.
func syscopeWarmInflight(mp *m, gp *g, r *syscopeM) {
	n := mp.syscopeEv[syscopeEvEnter] + 1
	if en, _ := syscopeInflightUnpack(syscopeLoad64(&r.inflight)); en == n&syscopeInflightMax || mp.syscopeOpen != 1 {
		return
	}
	x := syscopeExits(mp)
	if n-1 <= x {
		return // not in a call of its own (an extra M in C, say)
	}
	var buf [32]byte
	t := syscopeInflightTrap(mp, &buf)
	if mp.syscopeEv[syscopeEvEnter]+1 == n && syscopeExits(mp) == x && mp.syscopeOpen == 1 && mp.curg == gp && readgstatus(gp)&^_Gscan == _Gsyscall {
		syscopeStore64(&r.inflight, syscopeInflightPack(n, t))
	}
}

// An M's entry count plus one and the trap of its call in flight share a
// word: two readers that store it at once (a warm-up and a live read's)
// never leave one's count with the other's trap. The count keeps its low
// 52 bits; a trap that is not a number below 4095 (unknown) packs as 4095.
const syscopeInflightMax = 1<<52 - 1

func syscopeInflightPack(n, trap uint64) uint64 {
	if trap >= 4095 {
		trap = 4095
	}
	return n&syscopeInflightMax<<12 | trap
}

func syscopeInflightUnpack(w uint64) (n, trap uint64) {
	n, trap = w>>12, w&4095
	if trap == 4095 {
		trap = syscopeKeyUnknown
	}
	return n, trap
}

// syscopeInflightTrap reads the number of the system call mp's thread
// is blocked in from /proc/self/task/TID/syscall, into buf: the wrapper
// learns it only when the call returns.
func syscopeInflightTrap(mp *m, buf *[32]byte) uint64 {
	var path [64]byte // "/proc/self/task/" + TID + "/syscall"
	k := syscopeAppend(path[:], 0, "/proc/self/task/", mp.procid, true)
	syscopeCStr(path[:], syscopeAppend(path[:], k, "/syscall", 0, false)) // fits: 16+20+8+1 <= 64
	const oRdonly, oCloexec = 0, 02000000
	const atFdcwd = ^uintptr(99) // -100
	fd := syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(&path[0])), oRdonly|oCloexec, 0, 0, 0)
	if int(fd) < 0 {
		return syscopeKeyUnknown
	}
	const sysRead = 0
	r := syscopeSyscall6(sysRead, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	syscopeSyscall6(syscopeSysClose, fd, 0, 0, 0, 0, 0)
	if int(r) <= 0 {
		return syscopeKeyUnknown
	}
	var trap uint64
	j := 0
	for ; j < int(r) && buf[j] >= '0' && buf[j] <= '9'; j++ {
		trap = trap*10 + uint64(buf[j]-'0')
	}
	if j == 0 { // "running", or -1: not in a system call
		return syscopeKeyUnknown
	}
	return trap
}
