//go:build ignore

// Reading syscope's state while the program runs. Every reader follows
// the rules below; a new reader (a live profile, say) states which ones
// it uses, here.
//
// What is read, and under which guarantee:
//
//   - Per-M counters (m.syscopeEv, the record's slots and runtime-site
//     counts) are written by their own thread with plain stores and read
//     by others with plain 64-bit loads, atomic on amd64. A read may
//     miss the latest call; it never sees a torn value.
//   - A slot's figures move to the global table when the slot is evicted
//     (syscopeFlush) on the wrapper's thread, which may be running: a
//     thread in a system call keeps running through a stop-the-world. A
//     fold that reads the globals and then the slots would miss figures
//     moved between the two reads, and that is how calls went missing
//     from their trap and showed in "unknown". Every flush is bracketed
//     by syscopeFlushStart and syscopeFlushDone; a fold is clean when no
//     flush started after the first flush still in progress at its start
//     (syscopeFoldClean), and a reader that needs exact figures folds again
//     until it is. Likewise a call between its claim and the last of its
//     figures (m.syscopeOpen == 2, see SYSCOPE_CLAIM) makes a fold unclean.
//   - allm, or the dump's list of the same Ms (syscopeMs), is walked
//     under sched.lock, which keeps Ms from leaving it (mexit folds the M
//     into the globals and delists it under the same lock). No reader
//     walks allgs: a goroutine in a system call is found on its M
//     (syscopeInflight), one with marks in the mark table, so no cost
//     grows with the goroutines.
//   - A goroutine's stack is read only while it cannot run: its own
//     (callers), or another's under that goroutine's _Gscan bit, taken
//     with castogscanstatus from _Grunnable, _Gwaiting or _Gsyscall as
//     the GC's suspendG does, or from the state mcall saved on the
//     goroutine's own M before it is queued (syscopeSlowMark). A reader
//     never unwinds a goroutine without one of these.
//
// The readers:
//
//   - metrics.Read (syscope_metrics.go): counters only, never stacks;
//     the world runs. sched.lock for allm, folded again until clean (a
//     few tries; the metrics keep each counter's largest value, so a
//     Read never goes down). Its own buffer: it never touches the
//     dump's syscopeSnap or syscopeInSys.
//   - A snapshot and the exit dump (syscopeCollectConsistent): the world
//     is stopped, so no goroutine runs user code and none is created;
//     threads still in system calls (and sysmon) run their exit paths,
//     and the fold is retried until it is clean, the books balance and
//     the stacks add up to their events. The counters are folded under
//     sched.lock; the stacks after it is released (the world still
//     stopped), each under its goroutine's _Gscan bit, with the system
//     call of a blocked thread read from /proc (syscopeStacksCollect).
//   - The live profile (syscope_live.go; runtime/pprof's "syscope"): a
//     snapshot's rules, and its claim, so it never runs beside a
//     snapshot, the exit dump or another live read (they share the
//     snapshot's buffers); a snapshot due meanwhile is skipped, the exit
//     dump waits for it as for a snapshot. It keeps the claim until the
//     stack figures are copied out, then symbolizes on its own goroutine
//     with the world running: a stack's key and PCs never change once it
//     is ready. Its Count loads each stack's ready flag, nothing more.
//   - The warm-up before a snapshot's or a live read's stop
//     (syscopeWarm): the world runs and no lock is held; it loads what
//     the fold will load, into the cache, and uses no value it loads
//     except to find the next thing to load: allm's links (an M stays
//     allocated while the walk holds it, and a removed M's link still
//     leads on down the list), curg (gs are never freed), the record
//     (held while read; its slot block is never unmapped) and the mark
//     table (static). A race costs a cache miss later, nothing else.
//     It also reads, from /proc, the system call of each thread blocked
//     in one that no dump has read yet (syscopeWarmInflight), and stores
//     it in the M's record in one word, checked against the M's counts
//     before and after and by the dump that uses it.
//   - A crash dump (syscopeAtCrash): no lock may be taken and nothing
//     allocated; one fold, marked "consistent": false, and no other
//     goroutine's stack (what it would unwind goes to a stack of no
//     frames).

package runtime

import "unsafe"

// syscopeFlushStart and syscopeFlushDone count the slot flushes begun and
// finished (syscopeFlush), with atomics.
var syscopeFlushStart, syscopeFlushDone uint64

// syscopeFoldBegin returns what syscopeFoldClean needs: the flushes
// finished before a fold starts.
//
//go:nosplit
func syscopeFoldBegin() uint64 { return syscopeLoad64(&syscopeFlushDone) }

// syscopeFoldClean reports whether no flush overlapped the fold that
// began with done: every flush started by now had finished by then.
//
//go:nosplit
func syscopeFoldClean(done uint64) bool { return syscopeLoad64(&syscopeFlushStart) == done }

// syscopeCollect folds the globals and every live M into syscopeSnap and
// reports whether the fold was clean. The caller holds sched.lock with the
// world stopped, or is the crash hook, which holds nothing. The stack
// table's snapshot is syscopeStacksCollect's, which the caller runs after
// it, without sched.lock: it may open /proc files.
func syscopeCollect() bool {
	done := syscopeFoldBegin()
	s := &syscopeSnap
	s.ev = syscopeGlobalEv
	syscopeCopyUsed()
	s.rt = syscopeRtGlobal
	s.open = 0
	f := syscopeFold{s: s, safe: syscopeStacksSafe()}
	for w := range syscopeMarkSeen {
		syscopeMarkSeen[w] = 0
	}
	if syscopeMsBroken {
		for mp := allm; mp != nil; mp = mp.alllink {
			f.m(mp)
		}
	} else {
		// The list lets the fold ask for the lines of the Ms ahead of the
		// one it reads: the Ms' own lines syscopeAhead ahead, then the
		// goroutine's and the record's, whose addresses are in those,
		// half as far, then the slots', in the record. A thousand
		// threads' lines are a few cache misses each otherwise (0.25 µs
		// a thread with the world stopped, three times that without the
		// warm-up), and the Ms are 2 KiB apart, so their lines compete
		// for the same few cache sets and do not stay from the warm-up.
		n := int(syscopeMsN)
		for i := 0; i < n; i++ {
			if j := i + syscopeAhead; j < n {
				syscopePrefetchM((*m)(unsafe.Pointer(syscopeMs[j])))
			}
			if j := i + syscopeAhead/2; j < n {
				syscopePrefetchG((*m)(unsafe.Pointer(syscopeMs[j])))
			}
			if j := i + syscopeAhead/4; j < n {
				syscopePrefetchSlots((*m)(unsafe.Pointer(syscopeMs[j])))
			}
			f.m((*m)(unsafe.Pointer(syscopeMs[i])))
		}
	}
	clean := syscopeFoldClean(done) && !f.recording
	s.inflight, syscopeInSysN = f.inflight, f.inflight
	return clean
}

// syscopeAhead is how many Ms ahead the fold asks for their lines.
const syscopeAhead = 8

// syscopeFold is one fold's state: the snapshot it adds to, whether a
// call was half recorded, the goroutines in flight, and whether stacks
// may be read (syscopeStacksSafe).
type syscopeFold struct {
	s         *syscopeSnapT
	recording bool
	inflight  uint64
	safe      bool
}

// m adds mp's figures to the fold.
func (f *syscopeFold) m(mp *m) {
	s := f.s
	// The M's entry and exit counts and open state before its figures
	// are read (syscopeLoad64 orders the reads): checked again after
	// them.
	e1, x1 := syscopeLoad64(&mp.syscopeEv[syscopeEvEnter]), syscopeExits(mp)
	o1 := mp.syscopeOpen
	inCall := syscopeAddEvents(&s.ev, mp)
	if gp := mp.curg; gp != nil && readgstatus(gp)&^_Gscan == _Gsyscall {
		if o1 != 0 && inCall {
			if o1 >= 2 {
				f.recording = true // a call half in its slot
			} else {
				s.open++
			}
		}
		// In flight, counted here from the goroutine's state, as
		// syscopeInflight does, while the M's lines are in the cache.
		if !syscopeInC(mp) && uintptr(unsafe.Pointer(mp)) != syscopeBadSignalM {
			if f.inflight < uint64(len(syscopeInSys)) {
				syscopeListInSys(f.inflight, gp, mp, f.safe)
			}
			f.inflight++
		}
	}
	if r := mp.syscope; r != nil {
		for j := range r.rt {
			s.rt[syscopeRtMSite[j]] += r.rt[j]
		}
		for i, u := 0, syscopeSlotsUsed(r); u != 0; i, u = i+1, u>>1 {
			if u&1 != 0 {
				syscopeFoldSlot(s, &r.slots[i])
			}
		}
	}
	// A call that the M finished while its figures were read was
	// counted open, then claimed as well (1 run in 23 of
	// unknown.txtar had a row of -1): its open state moved on (open,
	// recording, exiting), it exited, or another entry began. The
	// exit rearms the flag to 1, the value it was read at, after the
	// exit is counted (or, on the slow path, sets 3 first), so the
	// exits tell a call that went all the way round (a row of -1 in
	// 1 of 12 torture runs when only the flag was compared). Fold
	// again.
	if syscopeLoad64(&mp.syscopeEv[syscopeEvEnter]) != e1 || syscopeExits(mp) != x1 || mp.syscopeOpen != o1 {
		f.recording = true
	}
}

// syscopeFoldSlot adds slot sl's figures to s.
func syscopeFoldSlot(s *syscopeSnapT, sl *syscopeSlot) {
	top := syscopeTopBucket(sl.max)
	var calls uint64
	for b := 0; b <= top; b++ {
		calls += sl.hist[b]
	}
	if calls == 0 {
		return
	}
	p, t := syscopeSlotPath(sl.key), syscopeSlotTrap(sl.key)
	s.used[p][t/64] |= 1 << (t % 64)
	st := &s.stat[p][t]
	st.calls += calls
	st.errors += sl.errors
	st.eintr += sl.eintr
	st.total += sl.total
	st.long += sl.long
	if m := sl.max; m > st.max {
		st.max = m
	}
	if lm := sl.longMax; lm > st.longMax {
		st.longMax = lm
		st.longPC = sl.longPC
	}
	for b := 0; b <= top; b++ {
		st.hist[b] += sl.hist[b]
	}
}

// syscopePrefetchM, syscopePrefetchG and syscopePrefetchSlots ask for
// the lines of mp that the fold reads, in the order their addresses
// become known. A pointer they read may be stale: a prefetch of any
// address is harmless, and none faults.
func syscopePrefetchM(mp *m) {
	syscopePrefetch(uintptr(unsafe.Pointer(&mp.curg)))
	syscopePrefetch(uintptr(unsafe.Pointer(&mp.syscopeEv[0])))
	syscopePrefetch(uintptr(unsafe.Pointer(&mp.syscopeEv[len(mp.syscopeEv)-1])))
	syscopePrefetch(uintptr(unsafe.Pointer(&mp.syscopeSlots)))
	syscopeInCPrefetch(mp)
}

func syscopePrefetchG(mp *m) {
	if gp := mp.curg; gp != nil {
		syscopePrefetch(uintptr(unsafe.Pointer(&gp.atomicstatus)))
		if syscopeProf {
			j := syscopeMarkHash(gp)
			syscopePrefetch(uintptr(unsafe.Pointer(&syscopeMarks[j])))
		}
	}
	if r := mp.syscope; r != nil {
		p := uintptr(unsafe.Pointer(r))
		for o := uintptr(0); o < unsafe.Sizeof(*r); o += 64 {
			syscopePrefetch(p + o)
		}
	}
}

func syscopePrefetchSlots(mp *m) {
	if r := mp.syscope; r != nil {
		for i, u := 0, syscopeSlotsUsed(r); u != 0; i, u = i+1, u>>1 {
			if u&1 != 0 {
				syscopePrefetch(uintptr(unsafe.Pointer(&r.slots[i])))
			}
		}
	}
}

// syscopeWarm loads, with the world running, what the next fold and
// stack collection load with it stopped: a thousand threads' Ms, their
// goroutines, records, used slots and mark entries are about ten cache
// misses a thread, cold 50ms after the last snapshot. With the fold's
// own prefetching (syscopeCollect), the fold of 1,005 threads blocked
// in read(2) took 122 µs after it, 280-315 µs without it. It also reads
// the system calls of the threads newly blocked (syscopeWarmInflight),
// which the stopped world would otherwise read from /proc. The rules
// are syscope_read.go's (the warm-up).
func syscopeWarm() {
	// Exactly the lines the fold reads (syscopeCollect), no more: a
	// line the fold does not need evicts one it does.
	var sink uint64
	for mp := allm; mp != nil; mp = mp.alllink {
		sink += mp.syscopeEv[0] + mp.syscopeEv[len(mp.syscopeEv)-1] + uint64(mp.syscopeOpen)
		r := mp.syscope
		if gp := mp.curg; gp != nil && readgstatus(gp)&^_Gscan == _Gsyscall && !syscopeInC(mp) && syscopeProf {
			j := syscopeMarkHash(gp)
			sink += syscopeMarks[j].g
			if r != nil {
				syscopeWarmInflight(mp, gp, r)
			}
		}
		if r == nil {
			continue
		}
		sink += r.rt[0] + r.rt[len(r.rt)/2] + r.rt[len(r.rt)-1] + r.used + r.stkEnter + r.stkIdx
		for i, u := 0, syscopeSlotsUsed(r); u != 0; i, u = i+1, u>>1 {
			if u&1 == 0 {
				continue
			}
			sl := &r.slots[i]
			top := syscopeTopBucket(sl.max)
			sink += sl.key
			for b := 0; b <= top; b += 8 { // a cache line's worth of buckets
				sink += sl.hist[b]
			}
		}
	}
	syscopeWarmSink = sink
}

// syscopeWarmSink keeps syscopeWarm's loads from being dropped.
var syscopeWarmSink uint64

// syscopeCopyUsed sets the snapshot's table to the globals: the rows
// either has used are copied (a row the globals have not used is zero
// there, and so is cleared), and the snapshot's used rows become the
// globals'. A row the globals start to use meanwhile is set inside a
// flush's bracket, which makes the fold unclean.
func syscopeCopyUsed() {
	s := &syscopeSnap
	for p := range s.used {
		for w := range s.used[p] {
			gu := syscopeLoad64(&syscopeGlobalUsed[p][w])
			u := s.used[p][w] | gu
			for b := 0; u != 0; b++ {
				if u&1 != 0 {
					s.stat[p][w*64+b] = syscopeGlobal[p][w*64+b]
				}
				u >>= 1
			}
			s.used[p][w] = gu
		}
	}
}

// syscopeAddEvents adds mp's event counters to ev. A thread that C
// created and that is calling back into Go entered the runtime's syscall
// state from C (needm) with no entersyscall: its callback's exit is
// counted, its entry not yet (the reentersyscall that ends the callback
// counts one). So that the books balance while such callbacks run, each
// one in progress counts one entry from C, in enter and enter_cgo; when
// it ends, the real entry takes its place, so neither count goes down.
// An M's entries and exits are made on the M itself (a goroutine leaves
// its system call on the M it entered it on), so an M whose exits exceed
// its entries is in such a callback. The exits are read first: a thread
// leaving a system call meanwhile adds an exit that the entries read
// after cannot be short of.
//
// It reports whether the M has entered more than it has exited: it is in
// the call of its latest entry. m.syscopeOpen, which every exit leaves at
// 1 for the next entry (syscopeEnter), means an open entry only then: an
// extra M that needm put in _Gsyscall, for a callback from C or a signal
// on a C thread, has made no entry of its own.
func syscopeAddEvents(ev *[syscopeNumEvents]uint64, mp *m) bool {
	// One read of each counter, from the last to the first: the table
	// has its entries before its exits (internal/events).
	var c [syscopeNumEvents]uint64
	for i := len(mp.syscopeEv) - 1; i >= 0; i-- {
		c[i] = mp.syscopeEv[i]
	}
	entries, exits := syscopeEntriesExits(&c)
	for i := range c {
		ev[i] += c[i]
	}
	if exits > entries {
		ev[syscopeEvEnter] += exits - entries
		ev[syscopeEvEnterCgo] += exits - entries
	}
	return entries > exits
}

// syscopeExits is the number of exits mp has counted. Not inlined, so
// that its plain loads (atomic on amd64) stay between the fold's reads
// of the M's figures and the calls around them.
//
//go:noinline
func syscopeExits(mp *m) uint64 {
	var n uint64
	for _, i := range syscopeExitEvents {
		n += mp.syscopeEv[i]
	}
	return n
}

// syscopeEntriesExits sums an M's counters c into its entries and exits.
func syscopeEntriesExits(c *[syscopeNumEvents]uint64) (entries, exits uint64) {
	for _, i := range syscopeExitEvents {
		exits += c[i]
	}
	for _, i := range syscopeEntryEvents {
		entries += c[i]
	}
	return entries, exits
}

// syscopeEntryOpen reports whether mp's latest entry is a system call
// not yet exited: m.syscopeOpen says so (see syscopeAddEvents for why
// the M must also have entered more than it has exited).
func syscopeEntryOpen(mp *m) bool {
	if mp.syscopeOpen == 0 {
		return false
	}
	var c [syscopeNumEvents]uint64
	for i := range mp.syscopeEv {
		c[i] = mp.syscopeEv[i]
	}
	entries, exits := syscopeEntriesExits(&c)
	return entries > exits
}

// syscopeSlotPath and syscopeSlotTrap split a slot's key.
//
//go:nosplit
func syscopeSlotPath(key uint64) int {
	if key&syscopeRawBit != 0 {
		return syscopePathRaw
	}
	return syscopePathSyscall
}

//go:nosplit
func syscopeSlotTrap(key uint64) uint64 {
	t := key &^ (syscopeRawBit | syscopeProfBit)
	if t >= syscopeTraps {
		t = syscopeTraps - 1
	}
	return t
}

// syscopeInflight counts the goroutines in _Gsyscall now, read from their
// state and not derived from the counters, so that the conservation
// check means something. A goroutine in _Gsyscall is the curg of the M
// it entered on, so allm holds them all: the walk costs one step per
// thread, none per goroutine. The caller holds sched.lock. The M a fatal
// signal on a C thread took is left out (syscopeBadSignalM). The dump's
// fold (syscopeCollect) counts them by the same rule in its own walk,
// and lists them in syscopeInSys for the stacks' collector; metrics.Read,
// which may run beside it, calls this.
func syscopeInflight() uint64 {
	var n uint64
	for mp := allm; mp != nil; mp = mp.alllink {
		if gp := mp.curg; gp != nil && syscopeInSyscall(gp, mp) && uintptr(unsafe.Pointer(mp)) != syscopeBadSignalM {
			n++
		}
	}
	return n
}

// syscopeInSyscall reports whether gp, mp's goroutine, is in a system
// call. From go1.21 a C thread keeps its extra M between callbacks, its
// goroutine left in _Gsyscall: in C, not in a syscall. Its first
// callback exited a syscall that was never entered (needm) and its last
// entered one that the M's return to C ends.
//
//go:nosplit
func syscopeInSyscall(gp *g, mp *m) bool {
	return readgstatus(gp)&^_Gscan == _Gsyscall && !syscopeInC(mp)
}

// syscopeInSys lists, as *g, the goroutines the dump's latest fold found
// in system calls, syscopeInSysN of them (a count past the end means the
// list is partial), with each one's mark (syscopeInSysMark) and, when
// its M says it is still at the stack the last collection found it at,
// that stack's index plus one (syscopeInSysStk; 0: to be unwound). The
// fold reads them while the M's, the goroutine's and the record's lines
// are in the cache; the stacks' collector, run after it, would miss on
// each again (0.1 µs a thread). Only the holder of the snapshot claim
// touches them, or the crash hook.
var (
	syscopeInSys     [4096]uintptr
	syscopeInSysMark [4096]uint64
	syscopeInSysStk  [4096]uint32
	syscopeInSysN    uint64
)

// syscopeListInSys puts gp, in a system call on mp, at i in syscopeInSys,
// with its mark and, if known, its stack (see syscopeStkCollectG).
func syscopeListInSys(i uint64, gp *g, mp *m, safe bool) {
	syscopeInSys[i] = uintptr(unsafe.Pointer(gp))
	syscopeInSysMark[i], syscopeInSysStk[i] = 0, 0
	if !syscopeProf {
		return
	}
	syscopeInSysMark[i] = syscopeMarkPeekStamp(gp) // a crash dump's too: a table read
	if r := mp.syscope; safe && r != nil && r.stkEnter == syscopeStkEnter(mp) && r.stkG == uintptr(unsafe.Pointer(gp)) {
		syscopeInSysStk[i] = uint32(r.stkIdx) + 1
	}
}

// syscopeCollectConsistent collects the snapshot with the world stopped,
// letting the goroutines already leaving a system call finish their exit
// path (they park for want of a P) until the fold is clean and the books
// balance.
func syscopeCollectConsistent() bool {
	for try := 0; try < 2000; try++ {
		if try > 0 {
			usleep(50)
		}
		lock(&sched.lock)
		clean := syscopeCollect()
		unlock(&sched.lock)
		// The world is still stopped: no goroutine enters a system call
		// or gets a mark, and a goroutine's stack is read under its _Gscan
		// bit.
		syscopeStacksCollect()
		if clean && syscopeConserved() && syscopeStacksBalanced() {
			return true
		}
	}
	return false
}

// syscopeStacksBalanced reports whether the stacks' exact counts add up
// to their events in the snapshot. Each is counted in two steps (the
// event, then its stack: a slow exit charges its stack before it counts
// its outcome, sysmon counts a retake before it marks its goroutine), and
// sysmon and the threads leaving system calls run through a stopped
// world, so a fold can fall between the two.
func syscopeStacksBalanced() bool {
	if !syscopeProf {
		return true
	}
	var lost, retakes, threads uint64
	syscopeStksEach(func(i int) {
		s := &syscopeStksSnap[i]
		lost, retakes, threads = lost+s.lost, retakes+s.retakes, threads+s.threads
	})
	ev := &syscopeSnap.ev
	var lostEv uint64
	for _, i := range syscopeExitEvents {
		if i != syscopeEvExitFastKept {
			lostEv += ev[i]
		}
	}
	return lost == lostEv && retakes == ev[syscopeEvSysmonRetake] && threads == ev[syscopeEvThreadCreate]
}
