//go:build ignore

// Syscope's recording hooks, added to package runtime by the overlay.
//
// The hooks run inside entersyscall/exitsyscall, on g0 in
// exitsyscall0/exitsyscallNoP, and in sysmon with no P. So every hook on
// those paths is nosplit, allocates nothing and hits no write barrier (it
// stores only integers, into the current M, the mark table or globals),
// and takes no lock, with one exception: syscopeRetakeFind, which sysmon
// calls in retake on the releases with _Psyscall, takes sched.lock to
// walk allm, as retake's own incidlelocked does right after it. Counters
// are per M and written only by their own thread, without atomics; they
// are folded into the globals with atomics when a slot is evicted and,
// under sched.lock, when the M exits. syscope_read.go says how they are
// read while they change.
//
// The added files import only unsafe, so one source builds on every
// release: the runtime's internal atomic and sys packages moved between
// releases. Atomics, RDTSC and the per-call recorder live in
// syscope_amd64.s. The exception is the glue (syscope_glue_go1NN.go),
// one build-tagged file per range of releases.

package runtime

import "unsafe"

// The logical events (syscopeEv*, syscopeNumEvents, syscopeEventNames)
// are generated from internal/events into zsyscope_events.go.

// Paths by which a SYSCALL instruction is reached.
const (
	syscopePathSyscall = 0 // syscall.Syscall and Syscall6, inside entersyscall
	syscopePathRaw     = 1 // RawSyscall, RawSyscall6 and what they stand on
	syscopePaths       = 2
)

const (
	syscopeSlots    = 16   // per-M trap slots, direct mapped by trap
	syscopeBuckets  = 64   // latency histogram, one bucket per power of two (see the dump)
	syscopeSlotSize = 1024 // a power of two: the assembly indexes slots with a multiply and a mask
	syscopeTraps    = 1024 // global table rows per path; the last is "other"
	syscopeSitePCs  = 4    // return addresses kept for the longest raw call
	syscopeRawBit   = 1 << 63
)

// syscopeSlot holds one (path, trap) pair's figures on one M. The
// wrapper hooks in syscope_amd64.s write it; field offsets reach them
// through go_asm.h. key is the trap, with syscopeRawBit set on the raw
// path; an empty slot has key 0 and no calls, so trap 0 (read) may start
// in it without eviction. Every call is timed, so the calls are the sum
// of hist (syscopeSlotCalls) and the wrapper does not count them apart.
// Times are in ticks.
type syscopeSlot struct {
	key     uint64
	errors  uint64
	eintr   uint64
	total   uint64
	max     uint64
	long    uint64 // raw calls longer than syscopeRawLong while holding a P
	longMax uint64
	longPC  [syscopeSitePCs]uintptr
	hist    [syscopeBuckets]uint64
	// pad fills the slot to syscopeSlotSize. Slot 0's is the M's stack
	// buffer (syscopePCs); no other code reads or writes it.
	pad [syscopeSlotSize - 8*(7+syscopeSitePCs+syscopeBuckets)]byte
}

// The assembly's slot index assumes syscopeSlotSize is the slot's size.
var _ [unsafe.Sizeof(syscopeSlot{}) - syscopeSlotSize]byte
var _ [syscopeSlotSize - unsafe.Sizeof(syscopeSlot{})]byte

// syscopePCs is the buffer r's hooks unwind stacks into: the padding
// of slot 0 of r's own block. It is not in the record itself, which
// would then take a larger size class (see syscopeM), and an M unwinds
// only where it has recorded calls or makes threads, where its block's
// first page is in use or soon will be.
//
//go:nosplit
func syscopePCs(r *syscopeM) *[syscopeStackDepth]uintptr {
	return (*[syscopeStackDepth]uintptr)(unsafe.Pointer(&r.slots[0].pad))
}

// The stack buffer and the free list's link fit in slot 0's padding.
var _ [unsafe.Sizeof(syscopeSlot{}.pad) - 8*syscopeStackDepth - 8]byte

// syscopeSlotCalls is the number of calls slot s holds.
//
//go:nosplit
func syscopeSlotCalls(s *syscopeSlot) uint64 {
	// Every call of dt > 0 ticks raises max to at least dt, and a call of
	// 0 ticks lands in bucket 0 (SYSCOPE_TIMED): with max 0, bucket 0
	// holds them all. An unused slot then costs two loads at a dump, not
	// 64 (a thousand threads' 16 slots each, inside the stopped world).
	var n uint64
	for i, top := 0, syscopeTopBucket(s.max); i <= top; i++ { // by index: a range value would copy the array onto the nosplit stack
		n += s.hist[i]
	}
	return n
}

// syscopeTopBucket is the highest histogram bucket a slot whose max is
// max can have calls in: SYSCOPE_TIMED puts a call of dt ticks in the
// bucket of dt's top bit and raises max (unsigned) to at least dt, so
// no bucket above max's top bit is used. A fold adds 20-odd buckets,
// not 64.
//
//go:nosplit
func syscopeTopBucket(max uint64) int {
	b := 0
	for k := 32; k > 0; k >>= 1 {
		if max>>k != 0 {
			max >>= k
			b += k
		}
	}
	return b
}

// syscopeM is one M's record. m.syscope points at it (see the plan's
// runtime2.go edit); it is not embedded because go1.25+ keeps m within
// its 2048-byte size class. It is nil when recording is off. The event
// counters and the open flag are small and hot, so they are embedded in
// m itself, where every hook reaches them with one load:
//
//	syscopeEv [syscopeNumMEvents]uint64 // written only by the M's own thread; the shared events count in syscopeGlobalEv
//	syscopeOpen uint8 // see syscopeEnter: 1 armed or open, 2 recording, 3 exiting (slow path), 0 not a system call
//	syscopeSlots uintptr // the slots the wrappers index: syscopeNoSlots, then *slots
//
// The record is small, so that the records of many Ms share a page, and
// its slots are a block of their own (16 KiB), which the M starts
// without: m.syscopeSlots points at syscopeNoSlots, whose keys no call
// matches, until the M's first recorded call evicts one and moves it to
// its own block (syscopeEvict). A thread that has made no recorded call
// (one blocked in its first read, a thread parked in futex) so touches
// none of its block's pages, and one that has touches the pages of the
// slots it used.
//
// Every hook tests syscopeOn first: one branch when SYSCOPE=off.
type syscopeM struct {
	// slots is the M's own block (see syscopeFreeSlots), written only
	// by the M's own thread, and by the wrappers once m.syscopeSlots
	// points at it.
	slots *[syscopeSlots]syscopeSlot
	// rt counts the SYSCALL sites in the runtime's own assembly, and its
	// vDSO time calls, that a thread makes often: rt[j] is site
	// syscopeRtMSite[j] (both generated per release, from the plan's
	// rt-hot list). The other sites count in syscopeRtGlobal alone.
	rt [syscopeRtMSites]uint64
	// used has bit i set once slots[i] has been given a key (syscopeEvict;
	// slot 0 may be used without one, by trap 0): a fold reads the slots
	// used, not all sixteen, most of them idle on a thread blocked in a
	// call. Written by the M's own thread; never cleared.
	used uint64
	// Stack capture (syscope_stacks.go): the sampler's random state and
	// the trap of the M's latest syscall-path call while profiling (the
	// wrappers write both, syscope_amd64.s), and the goroutine sysmon's
	// hand-off is for (a *g as uintptr). The buffer the hooks unwind
	// into is in the slots (syscopePCs).
	rand  uint64
	key   uint64
	cause uintptr
	cand  uintptr // the goroutine of the P sysmon is about to retake (a *g)
	// The trap read for the M's call in flight, with the M's entry count
	// then, plus one, packed in one word (syscopeInflightPack).
	inflight uint64
	// The stack a dump found the M's goroutine at in its call in flight:
	// stkG (a *g), the M's entries then plus one, and the entry's index
	// in the stack table (syscopeStkCollectG).
	stkG             uintptr
	stkEnter, stkIdx uint64
	// snapWriting is set while this M writes a snapshot (syscopeSnapshot).
	snapWriting uint32
	// msIdx is the M's index in syscopeMs plus one (0: not listed).
	msIdx uint32
}

type syscopeStat struct {
	calls, errors, eintr, total, max, long, longMax uint64
	longPC                                          [syscopeSitePCs]uintptr
	hist                                            [syscopeBuckets]uint64
}

var (
	// syscopeOn is set once in schedinit; Ms made after get a record.
	// The assembly wrappers in package syscall read it too.
	//go:linkname syscopeOn
	syscopeOn bool
	// syscopeOff is set by SYSCOPE=off. The runtime's own SYSCALL sites
	// test it first: they count from the first instruction, before
	// syscopeInit has read the environment, so they cannot wait for
	// syscopeOn.
	syscopeOff     bool
	syscopeM0      syscopeM
	syscopeM0Slots [syscopeSlots]syscopeSlot
	// syscopeNoSlots is where a new M's m.syscopeSlots points: slot i
	// has key i+1, which no call's key matches there (a key's slot is
	// its low bits, or those plus half a table on the raw path, whose
	// keys have syscopeRawBit), so every call goes to syscopeEvict,
	// which never writes it. syscopeEarly sets the keys.
	syscopeNoSlots  [syscopeSlots]syscopeSlot
	syscopeStartTk  uint64
	syscopeStartNs  int64
	syscopeDumped   uint64
	syscopeRawLong  uint64 = ^uint64(0) // ticks; set in syscopeInit
	syscopeLongNs   int64  = 1e6
	syscopeGlobalEv [syscopeNumEvents]uint64
	syscopeGlobal   [syscopePaths][syscopeTraps]syscopeStat
	// syscopeGlobalUsed marks the rows of syscopeGlobal that a flush has
	// written (set before the flush's figures, inside its bracket), so a
	// fold reads those rows only.
	syscopeGlobalUsed [syscopePaths][syscopeTraps / 64]uint64
	// Runtime-path counts made where no M record can be used: before the
	// thread has its TLS (clone's child, settls), after mexit has folded
	// the M (exitThread), or on a thread with no g. EINTR results of
	// runtime sites are rare and always counted here.
	syscopeRtGlobal [syscopeRtSites]uint64
	syscopeRtEintr  [syscopeRtSites]uint64
)

// syscopeInit runs in schedinit right after goenvs; syscopeEarly
// (syscope_honest.go) ran at the top of schedinit.
func syscopeInit() {
	if gogetenv("SYSCOPE") == "off" {
		syscopeOff = true
		syscopeEarlyEnd(false)
		return
	}
	if s := gogetenv("SYSCOPE_RAW_LONG"); s != "" {
		if d, ok := syscopeParseDuration(s); ok {
			syscopeLongNs = d
		} else {
			print("syscope: SYSCOPE_RAW_LONG=")
			syscopePrintValue(s)
			print(" is not a duration such as 500us or 2ms; using 1ms\n")
		}
	}
	syscopeStartTk, syscopeStartNs = syscopeClocks()
	// Calibrate the tick rate over about 50µs to turn the raw-call
	// threshold into ticks; the dump converts with the whole run's rate.
	tk, ns := syscopeClocks()
	for ns-syscopeStartNs < 50000 {
		tk, ns = syscopeClocks()
	}
	dtk, dns := tk-syscopeStartTk, ns-syscopeStartNs
	syscopeRawLong = uint64(float64(syscopeLongNs) * float64(dtk) / float64(dns))
	syscopeProfInit(float64(dtk) / float64(dns))
	syscopeEarlyEnd(true)
	syscopeSeed(&syscopeM0, 0)
	// m0 has had its record since syscopeEarly, before syscopeOn is set:
	// the wrapper hook does not test it for nil. schedinit runs on m0,
	// before any other M exists.
	syscopeSnapInit()
	syscopeOn = true
}

// syscopeClocks reads the tick counter and nanotime at one instant: it
// brackets the tick read with two nanotime reads and retries when the
// thread lost the CPU between them, which would skew the rate.
//
//go:nosplit
func syscopeClocks() (uint64, int64) {
	for i := 0; ; i++ {
		a := nanotime()
		tk := syscopeTicks()
		b := nanotime()
		if b-a < 1000 || i == 100 {
			return tk, a + (b-a)/2
		}
	}
}

// syscopeParseDuration reads SYSCOPE_RAW_LONG: an integer with unit
// ns, us, µs, ms or s.
func syscopeParseDuration(s string) (int64, bool) {
	var n int64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if i == 0 {
		return 0, false
	}
	switch s[i:] {
	case "ns":
		return n, true
	case "us", "µs":
		return n * 1e3, true
	case "ms":
		return n * 1e6, true
	case "s":
		return n * 1e9, true
	}
	return 0, false
}

// syscopeAllocM gives a new M its record. It runs in allocm, which may
// allocate.
func syscopeAllocM(mp *m) {
	if !syscopeOn {
		return
	}
	r := new(syscopeM)
	mp.syscopeOpen = 1 // see syscopeEnter
	lock(&sched.lock)
	b := syscopeFreeSlots
	if b != 0 {
		syscopeFreeSlots = *syscopeFreeNext(b)
	} else if syscopeBlockNext+syscopeBlockStride <= syscopeBlockEnd {
		b = syscopeBlockCarve()
	}
	unlock(&sched.lock)
	if b == 0 {
		// A region of blocks, straight from the OS (persistentalloc
		// writes nothing into a size of maxBlock or more), so that no
		// page of it is touched before an M uses its block. Another M
		// may have made a region meanwhile: the older one's rest is
		// left, address space only.
		r := uintptr(persistentalloc(syscopeRegionSize, 4096, &memstats.other_sys))
		lock(&sched.lock)
		syscopeBlockNext, syscopeBlockEnd = r, r+syscopeRegionSize
		b = syscopeBlockCarve()
		unlock(&sched.lock)
	}
	r.slots = (*[syscopeSlots]syscopeSlot)(unsafe.Pointer(b))
	syscopeSeed(r, uintptr(unsafe.Pointer(mp)))
	mp.syscope = r
	mp.syscopeSlots = uintptr(unsafe.Pointer(&syscopeNoSlots))
	lock(&sched.lock)
	syscopeMsAdd(mp, r)
	unlock(&sched.lock)
}

// syscopeMs lists every M with a record, as *m, syscopeMsN of them, in no
// order; sched.lock guards it. The dump's fold walks it instead of allm:
// a list lets it ask for the lines of the Ms a few ahead of the one it
// reads (syscopeCollect), where allm is a chain whose next link is known
// only once the current M's line has come. An M is listed by allocm
// before it joins allm and delisted by mexit before it leaves, so every
// M on allm is listed, and a listed M is alive. Once more Ms than it
// holds have lived at once (syscopeMsBroken), or with SYSCOPE=off, the
// fold walks allm. The entries are uintptrs: mexit must not have write
// barriers, and allm keeps the Ms alive.
var (
	syscopeMs       [16384]uintptr
	syscopeMsN      uint64
	syscopeMsBroken bool
)

// syscopeMsAdd lists mp, whose record is r; sched.lock is held, or the
// process has one thread (syscopeEarly).
//
//go:nosplit
func syscopeMsAdd(mp *m, r *syscopeM) {
	if syscopeMsN == uint64(len(syscopeMs)) {
		syscopeMsBroken = true
		return
	}
	syscopeMs[syscopeMsN] = uintptr(unsafe.Pointer(mp))
	syscopeMsN++
	r.msIdx = uint32(syscopeMsN)
}

// syscopeMsRemove delists mp, whose record is r, moving the last M into
// its place; sched.lock is held.
//
//go:nosplit
func syscopeMsRemove(r *syscopeM) {
	k := r.msIdx
	if k == 0 {
		return
	}
	r.msIdx = 0
	last := syscopeMs[syscopeMsN-1]
	syscopeMs[k-1] = last
	syscopeMsN--
	if k-1 != uint32(syscopeMsN) {
		(*m)(unsafe.Pointer(last)).syscope.msIdx = k
	}
}

// syscopeFreeSlots lists the slot blocks of the Ms that have exited,
// for allocm to give to new ones; sched.lock guards it. The blocks are
// not on the heap: a block there would be a span of its own, whose
// mspan (about 170 bytes) every thread would add to the record (see
// syscopeM). A block is listed only once it is
// empty (syscopeMExit), and no reader, which walks allm under sched.lock,
// can reach it from there. The list is of uintptrs, linked through the
// word syscopeFreeNext names: no write barrier in mexit.
var syscopeFreeSlots uintptr

// Slot blocks are carved from regions of syscopeRegionSize, from
// syscopeBlockNext up to syscopeBlockEnd, syscopeBlockStride apart;
// sched.lock guards them.
const (
	syscopeBlockSize  = syscopeSlots * syscopeSlotSize
	syscopeRegionSize = 64 * syscopeBlockSize
	// A block starts a colour into its stride: 0 to 47 cache lines, so
	// that slot 0 stays in the block's first page. Blocks 16 KiB apart
	// put every M's slot 0 in the same few sets of the cache, and a
	// fold of a thousand threads missed on each (about 0.05 µs a thread
	// inside the stopped world). The page of slack is address space,
	// never touched.
	syscopeBlockStride  = syscopeBlockSize + 4096
	syscopeBlockColours = 48
)

var syscopeBlockNext, syscopeBlockEnd, syscopeBlockN uintptr

// syscopeBlockCarve takes the next block of the region, with sched.lock
// held.
func syscopeBlockCarve() uintptr {
	b := syscopeBlockNext + syscopeBlockN%syscopeBlockColours*64
	syscopeBlockNext += syscopeBlockStride
	syscopeBlockN++
	return b
}

// syscopeFreeNext is the link of free block b: the first word of slot
// 0's padding, past the stack buffer (syscopePCs).
//
//go:nosplit
func syscopeFreeNext(b uintptr) *uintptr {
	s := (*syscopeSlot)(unsafe.Pointer(b))
	return (*uintptr)(unsafe.Pointer(&s.pad[8*syscopeStackDepth]))
}

// syscopeSysAfter records a call for the SYSCALL wrappers in package
// syscall and internal/runtime/syscall; it has its own register
// convention (see syscope_amd64.s) and is never called from Go. The
// linkname lets the linker accept those packages' references to it.
//
//go:linkname syscopeSysAfter
func syscopeSysAfter()

// syscopeRecSyscall6 makes the call for Syscall6 while recording is on,
// and syscopeRecSyscall, syscopeRecSyscall6ABI0, syscopeRecRawSyscall
// and syscopeRecRawSyscall6 do it for package syscall's wrappers of
// go1.16-go1.18; see syscope_amd64.s. They are jumped to, never called.
//
//go:linkname syscopeRecSyscall6
func syscopeRecSyscall6()

//go:linkname syscopeRecSyscall
func syscopeRecSyscall()

//go:linkname syscopeRecSyscall6ABI0
func syscopeRecSyscall6ABI0()

//go:linkname syscopeRecRawSyscall
func syscopeRecRawSyscall()

//go:linkname syscopeRecRawSyscall6
func syscopeRecRawSyscall6()

// Assembly helpers, in syscope_amd64.s.
func syscopeTicks() uint64
func syscopeXadd64(p *uint64, d uint64)
func syscopeCas64(p *uint64, old, new uint64) bool
func syscopeSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) uintptr

// syscopeEv counts event e on the current M. The exit outcomes use it
// too: the slow paths run on the M's g0. Hooks take no m argument, so
// that with recording off nothing is loaded before the branch.
//
//go:nosplit
func syscopeEv(e int) {
	if syscopeOn {
		getg().m.syscopeEv[e]++
	}
}

// syscopeShared counts a shared event (internal/events), which has no
// per-M counter: syscopeEv, given one, does not compile (the constant
// index is out of m.syscopeEv's range). They are two functions so that
// syscopeEv stays small enough to inline, as every hook on the hot path
// needs.
//
//go:nosplit
func syscopeShared(e int) {
	if syscopeOn {
		syscopeXadd64(&syscopeGlobalEv[e], 1)
	}
}

// syscopeEnter runs in reentersyscall, before the stack guard is
// poisoned; the caller's g is still _Grunning. It counts the entry,
// which m.syscopeOpen finds open (1): every exit leaves it so (the M
// starts so too, syscopeAllocM), so that the entry writes nothing more.
// The wrapper that makes the entry's SYSCALL (the M's g is then
// _Gsyscall) claims it (2), the exit rearms it (SYSCOPE_CLAIM says
// where), and syscopeCgo and syscopeEnterBlock set 0 for entries that
// are not syscalls. The dump reads the flag only for an M whose
// goroutine is in _Gsyscall now, that is, for the M's latest entry.
//
//go:nosplit
func syscopeEnter(gp *g) {
	if syscopeOn {
		gp.m.syscopeEv[syscopeEvEnter]++
	}
}

// syscopeExitKept counts a fast exit that kept its P, and rearms the
// entry flag for the next entry (see SYSCOPE_CLAIM).
//
//go:nosplit
func syscopeExitKept() {
	if syscopeOn {
		mp := getg().m
		mp.syscopeEv[syscopeEvExitFastKept]++
		mp.syscopeOpen = 1
	}
}

// syscopeSlowExit counts slow exit e and rearms the entry flag, which
// syscopeSlowMark set to 3 at the top of the slow path. The goroutine is
// no longer in _Gsyscall by then.
//
//go:nosplit
func syscopeSlowExit(e int) {
	if syscopeOn {
		mp := getg().m
		mp.syscopeEv[e]++
		mp.syscopeOpen = 1
	}
}

// syscopeEnterBlock runs in entersyscallblock, which is not an enter.
//
//go:nosplit
func syscopeEnterBlock() {
	if syscopeOn {
		mp := getg().m
		mp.syscopeEv[syscopeEvEnterBlock]++
		mp.syscopeOpen = 0
	}
}

// syscopeCgo runs in cgocall right after entersyscall and in cgocallbackg
// right after reentersyscall: the entry is a C call, not a syscall.
//
//go:nosplit
func syscopeCgo() {
	if syscopeOn {
		mp := getg().m
		mp.syscopeEv[syscopeEvEnterCgo]++
		mp.syscopeOpen = 0
		if syscopeProf {
			mp.syscope.key = syscopeKeyNone
		}
	}
}

// syscopeReacquired reclassifies a fast exit that won its old P back
// and that the hook after wirep counted as kept: the P's syscalltick
// moved on, so sysmon or a stop-the-world took the P meanwhile. It runs
// on the same M right after that count, so the M's kept count never
// goes below zero.
//
//go:nosplit
func syscopeReacquired() {
	if syscopeOn {
		mp := getg().m
		mp.syscopeEv[syscopeEvExitFastKept]--
		mp.syscopeEv[syscopeEvExitFastReacquired]++
		if syscopeProf {
			syscopeLostHere(mp)
		}
	}
}

// syscopePreempt runs in doSigPreempt, in the signal handler of the
// thread the preemption signal landed on. pc is where it interrupted:
// just past a SYSCALL instruction (0f 05) when the signal cut a system
// call short, as in a raw futex wait; a goroutine in _Gsyscall is in a
// syscall too.
//
//go:nosplit
func syscopePreempt(gp *g, pc uintptr) {
	if !syscopeOn {
		return
	}
	if readgstatus(gp)&^_Gscan == _Gsyscall || pc >= 2 && *(*uint16)(unsafe.Pointer(pc - 2)) == 0x050f {
		syscopeXadd64(&syscopeGlobalEv[syscopeEvPreemptInSyscall], 1)
	}
}

// syscopePreemptSent runs in preemptM before the signal is sent.
//
//go:nosplit
func syscopePreemptSent() {
	if syscopeOn {
		syscopeXadd64(&syscopeGlobalEv[syscopeEvPreemptSent], 1)
	}
}

// syscopeFlush moves a slot's figures into the global table and empties
// it. It runs on the wrapper's slow path (eviction), on the syscall's own
// thread, and at mexit. The move is bracketed by syscopeFlushStart and
// syscopeFlushDone, so that a fold can tell it missed figures in transit
// (syscope_read.go).
//
//go:nosplit
func syscopeFlush(s *syscopeSlot) {
	calls := syscopeSlotCalls(s)
	if calls != 0 {
		syscopeXadd64(&syscopeFlushStart, 1)
		g := syscopeGlobalStat(s.key)
		syscopeXadd64(&g.calls, calls)
		syscopeXadd64(&g.errors, s.errors)
		syscopeXadd64(&g.eintr, s.eintr)
		syscopeXadd64(&g.total, s.total)
		syscopeXadd64(&g.long, s.long)
		syscopeMax(&g.max, s.max)
		if lm := s.longMax; lm > g.longMax && syscopeMax(&g.longMax, lm) {
			g.longPC = s.longPC // racy with another M's longer call; a site, not a count
		}
		for i := range s.hist {
			if s.hist[i] != 0 {
				syscopeXadd64(&g.hist[i], s.hist[i])
				s.hist[i] = 0
			}
		}
	}
	s.errors, s.eintr, s.total, s.max, s.long, s.longMax = 0, 0, 0, 0, 0, 0
	if calls != 0 {
		syscopeXadd64(&syscopeFlushDone, 1)
	}
}

// syscopeMax raises *p to v; it reports whether v became the maximum.
//
//go:nosplit
func syscopeMax(p *uint64, v uint64) bool {
	for {
		old := *p
		if v <= old {
			return false
		}
		if syscopeCas64(p, old, v) {
			return true
		}
	}
}

//go:nosplit
func syscopeGlobalStat(key uint64) *syscopeStat {
	p, t := syscopeSlotPath(key), syscopeSlotTrap(key)
	w, bit := &syscopeGlobalUsed[p][t/64], uint64(1)<<(t%64)
	for old := syscopeLoad64(w); old&bit == 0; old = syscopeLoad64(w) {
		if syscopeCas64(w, old, old|bit) {
			break
		}
	}
	return &syscopeGlobal[p][t]
}

// syscopeEvict gives slot s to key and returns the slot the wrapper
// records into. The wrapper calls it (ABI0, from syscope_amd64.s) on a
// key mismatch. s is in m.syscopeSlots; on the M's first recorded call
// that is syscopeNoSlots, and the M moves to its own block, whose slots
// are empty: the call's slot is the same one there. While profiling,
// slot 0 then gets a key no call has, so that the first syscall-path
// call of trap 0 (read), which would match the empty slot, takes the
// profiling path too (no other key matches an empty slot: a raw key has
// syscopeRawBit).
//
//go:nosplit
func syscopeEvict(s *syscopeSlot, key uint64) *syscopeSlot {
	mp := getg().m
	r := mp.syscope
	i := (uintptr(unsafe.Pointer(s)) - mp.syscopeSlots) / syscopeSlotSize % syscopeSlots
	if own := uintptr(unsafe.Pointer(r.slots)); mp.syscopeSlots != own {
		if syscopeProf && i != 0 {
			r.slots[0].key = 1
		}
		mp.syscopeSlots = own
		s = &r.slots[i]
	} else {
		syscopeFlush(s)
	}
	r.used |= 1 << i
	s.key = key
	return s
}

// syscopeSlotsUsed is the mask of r's slots a fold reads: those given a
// key, and slot 0 once the M has its own block (trap 0 records there
// without an eviction when not profiling).
//
//go:nosplit
func syscopeSlotsUsed(r *syscopeM) uint64 {
	u := r.used
	if u != 0 {
		u |= 1
	}
	return u
}

// syscopeMExit folds an exiting M into the globals. It runs in mexit with
// sched.lock held, before mp leaves allm, so a dump (which sums the
// globals and allm under sched.lock) counts mp exactly once. It then
// drops the record: the M's last runtime syscalls (unlock's futex wake,
// exitThread) count in the globals. The store has no write barrier; the
// record is referenced nowhere else.
//
//go:nosplit
func syscopeMExit(mp *m) {
	for i := range mp.syscopeEv {
		syscopeXadd64(&syscopeGlobalEv[i], mp.syscopeEv[i])
		mp.syscopeEv[i] = 0
	}
	r := mp.syscope
	if r == nil {
		return
	}
	syscopeMsRemove(r)
	for i, u := 0, syscopeSlotsUsed(r); u != 0; i, u = i+1, u>>1 {
		if u&1 != 0 {
			syscopeFlush(&r.slots[i])
			r.slots[i].key = 0
		}
	}
	for j := range r.rt {
		syscopeXadd64(&syscopeRtGlobal[syscopeRtMSite[j]], r.rt[j])
		r.rt[j] = 0
	}
	// From here the runtime's own calls on this thread count in the
	// globals. A uintptr store: no write barrier in mexit.
	*(*uintptr)(unsafe.Pointer(&mp.syscope)) = 0
	mp.syscopeSlots = 0
	// The block, empty, goes to the next new M; m0's is a global, never
	// listed.
	if b := uintptr(unsafe.Pointer(r.slots)); b != uintptr(unsafe.Pointer(&syscopeM0Slots)) {
		*syscopeFreeNext(b) = syscopeFreeSlots
		syscopeFreeSlots = b
	}
}

// Linux amd64 system call numbers used by the dump writer.
const (
	syscopeSysWrite   = 1
	syscopeSysClose   = 3
	syscopeSysGetpid  = 39
	syscopeSysRename  = 82
	syscopeSysLink    = 86
	syscopeSysUnlink  = 87
	syscopeSysGetuid  = 102
	syscopeSysGetgid  = 104
	syscopeSysGeteuid = 107
	syscopeSysGetegid = 108
	syscopeSysOpenat  = 257
	syscopeSysFstatat = 262 // newfstatat
)

var _ unsafe.Pointer
