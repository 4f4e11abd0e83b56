//go:build ignore

// Snapshots while the program runs: with SYSCOPE_INTERVAL=D and
// SYSCOPE_OUT set, the runtime rewrites SYSCOPE_OUT every D with a
// complete dump ("final": false, its "seq" one more than the last), taken
// with the world stopped and renamed into place as the exit dump is. The
// exit dump then replaces the last snapshot with "final": true and how
// the program ended, so a process killed by SIGKILL leaves its last
// snapshot.
//
// The snapshots are taken by the runtime's forced-GC goroutine
// (forcegchelper), which sysmon readies when one is due, as it does when
// a GC is: no goroutine is added (a fatal error's traceback lists the
// runtime's own), and no timer, which would keep the runtime's deadlock
// detection from firing. sysmon's deep sleep, when every P is idle, ends
// in time for the next snapshot. A snapshot due while a forced GC runs
// is skipped, and a GC due while a snapshot is written waits for it.

package runtime

import "unsafe"

// syscopeMinInterval is the smallest SYSCOPE_INTERVAL: a snapshot stops
// the world, and a shorter one is raised to this (with one line on
// standard error).
const syscopeMinInterval = 10e6 // 10ms

// How the process ended, in the final dump's "ending".
const (
	syscopeEndNone   = iota // a snapshot
	syscopeEndReturn        // main.main returned
	syscopeEndExit          // os.Exit or syscall.Exit
	syscopeEndPanic         // an unrecovered panic
	syscopeEndFatal         // a fatal error: throw
	syscopeEndSignal        // a fatal signal
)

var (
	syscopeIntervalNs  int64  // SYSCOPE_INTERVAL, 0 for none
	syscopeKeep        uint64 // SYSCOPE_KEEP, 0 for none
	syscopeSnapNext    int64  // nanotime of the next snapshot, 0 for none; sysmon's
	syscopeSnapWake    bool   // sysmon readied forcegchelper for a snapshot (under forcegc.lock)
	syscopeStartUnixNs int64

	// What the dump being written is; set by its writer, which holds
	// the claim (syscopeDumped).
	syscopeSeq uint64 // dumps written so far, snapshots and final
	syscopeEnd struct {
		how   uint8
		code  int64 // exit status, -1 when unknown
		sig   uint32
		stwNs int64 // how long the world was stopped for it; 0 if not
	}
)

// syscopeSnapInit reads SYSCOPE_INTERVAL and SYSCOPE_KEEP; syscopeInit
// calls it.
func syscopeSnapInit() {
	sec, nsec, _ := time_now()
	syscopeStartUnixNs = sec*1e9 + int64(nsec)
	if s := gogetenv("SYSCOPE_KEEP"); s != "" {
		var n uint64
		ok := len(s) <= 7
		for i := 0; ok && i < len(s); i++ {
			ok = s[i] >= '0' && s[i] <= '9'
			n = n*10 + uint64(s[i]-'0')
		}
		if !ok || n < 1 || n > 1e6 {
			print("syscope: SYSCOPE_KEEP=")
			syscopePrintValue(s)
			print(" is not a number of snapshots from 1 to 1000000; none kept\n")
		} else {
			syscopeKeep = n
		}
	}
	s := gogetenv("SYSCOPE_INTERVAL")
	if s == "" {
		return
	}
	d, ok := syscopeParseDuration(s)
	if !ok || d <= 0 {
		print("syscope: SYSCOPE_INTERVAL=")
		syscopePrintValue(s)
		print(" is not a duration such as 500ms or 10s; no snapshots\n")
		return
	}
	if d < syscopeMinInterval {
		print("syscope: SYSCOPE_INTERVAL=")
		syscopePrintValue(s)
		print(" is below 10ms; using 10ms\n")
		d = syscopeMinInterval
	}
	syscopeIntervalNs = d
	// A setuid process, or one without SYSCOPE_OUT, takes no snapshots.
	if gogetenv("SYSCOPE_OUT") != "" && !syscopeSecure() {
		syscopeSnapNext = nanotime() + d
	}
}

// syscopeSnapTick readies forcegchelper when a snapshot is due. sysmon
// calls it on every round, with no P, before its own forced-GC check.
//
//go:nowritebarrierrec
func syscopeSnapTick(now int64) {
	next := syscopeSnapNext
	if next == 0 || now < next {
		return
	}
	// A snapshot that overran its interval makes the next one late,
	// never two at once.
	syscopeSnapNext = now + syscopeIntervalNs
	// Not once a panic or fatal error has begun: its traceback lists the
	// runtime's goroutines too (before go1.21, and with GOTRACEBACK=system),
	// and would show forcegchelper runnable where vanilla's is idle.
	if !syscopeForcegcIdle() || syscopePanicking() {
		return
	}
	lock(&forcegc.lock)
	syscopeForcegcTake()
	syscopeSnapWake = true
	var list gList
	list.push(forcegc.g)
	injectglist(&list)
	unlock(&forcegc.lock)
}

// syscopeSnapSleep bounds sysmon's deep sleep by the next snapshot.
//
//go:nowritebarrierrec
func syscopeSnapSleep(now, sleep int64) int64 {
	if next := syscopeSnapNext; next != 0 {
		d := next - now
		if d < 1000 {
			d = 1000
		}
		if d < sleep {
			return d
		}
	}
	return sleep
}

// syscopeSnapWoken runs in forcegchelper each time sysmon readies it,
// and reports whether that was for a snapshot, which it takes.
func syscopeSnapWoken() bool {
	if !syscopeSnapWake {
		return false
	}
	syscopeSnapWake = false
	if !syscopeSnapshot() {
		syscopeSnapNext = 0 // the final dump has begun: no more
	}
	return true
}

// syscopeSnapshot writes one snapshot and reports whether more may
// follow. It holds the claim (syscopeDumpSnapshot) from inside the
// stopped world until the file is renamed, with its M locked (no
// preemption, no rescheduling), so that an ending on another thread
// waits for a writer that is running, never for one that is parked.
func syscopeSnapshot() bool {
	syscopeWarm()
	start := nanotime()
	syscopeStopWorld()
	mp := acquirem()
	// snapWriting marks this M as the writer from before the claim until
	// after its release, so that a fatal signal landing on this thread at
	// any point of it knows not to wait for the snapshot (see
	// syscopeAtSignal): syscopeDumper alone, set after the claim and
	// cleared before its release, left two windows where the handler
	// waited two seconds for its own thread and wrote no final dump.
	mp.syscope.snapWriting = 1
	if !syscopeCas64(&syscopeDumped, syscopeDumpNone, syscopeDumpSnapshot) {
		mp.syscope.snapWriting = 0
		syscopeStartWorld()
		releasem(mp)
		// A live profile's read (syscope_live.go) holds the claim, or
		// held it and has released it since the CAS: this snapshot is
		// skipped, the next is due as usual. Otherwise the final dump
		// has begun. (Read as "held" only, a release between the two
		// stopped every later snapshot.)
		st := syscopeLoad64(&syscopeDumped)
		return st == syscopeDumpSnapshot || st == syscopeDumpNone
	}
	syscopeDumper = uintptr(unsafe.Pointer(mp))
	syscopeSeq++
	consistent := syscopeCollectConsistent()
	syscopeStartWorld()
	syscopeEnd.how, syscopeEnd.code, syscopeEnd.sig = syscopeEndNone, -1, 0
	syscopeEnd.stwNs = nanotime() - start
	path := gogetenv("SYSCOPE_OUT")
	seq := syscopeSeq
	systemstack(func() {
		if syscopeWrite(path, syscopeOutIsDir(path), consistent) && syscopeKeep > 0 {
			syscopeKeepSnapshot(path, seq)
		}
	})
	syscopeDumper = 0
	syscopeCas64(&syscopeDumped, syscopeDumpSnapshot, syscopeDumpNone)
	mp.syscope.snapWriting = 0
	releasem(mp)
	syscopeSnapDone() // a fatal signal left to this writer: the final dump, then the death vanilla would have died
	return true
}

// syscopeWaitProgress counts the stacks a snapshot or live read has
// written or copied out, with atomics: an exit waiting for the claim
// watches it (syscopeWaitSnapshot).
var syscopeWaitProgress uint64

// syscopeWaitSnapshot waits while a snapshot is being written on another
// thread, and returns "" once it has finished, or why it gave up. A
// crash hook waits up to two seconds. An exit waits until the writer has made no progress for two
// seconds of the exit's own waiting, up to a minute: time the waiter
// spent stopped (by the snapshot's own stop-the-world) or off its CPU
// does not count, nor does time in which the writer wrote stacks. Under
// load (make test beside two hogs, and torture) a snapshot stopped the
// world for 4.3 seconds and another took over two to write a full stack
// table, and the exit gave up and wrote no final dump. The exiting
// goroutine yields; a crash hook sleeps, since it may run where nothing
// can be scheduled.
func syscopeWaitSnapshot(mp *m, crash bool) string {
	if syscopeDumper == uintptr(unsafe.Pointer(mp)) || mp.syscope != nil && mp.syscope.snapWriting != 0 {
		return "the ending interrupted a snapshot being written on its own thread"
	}
	start := nanotime()
	last, waited := start, int64(0)
	progress := syscopeLoad64(&syscopeWaitProgress)
	for syscopeLoad64(&syscopeDumped) == syscopeDumpSnapshot {
		now := nanotime()
		if crash {
			if now-start > 2e9 {
				return "a snapshot was still being written after 2s"
			}
			usleep(100)
			continue
		}
		step := now - last
		if step > 10e6 {
			step = 10e6 // stopped or descheduled: not waiting
		}
		last, waited = now, waited+step
		if p := syscopeLoad64(&syscopeWaitProgress); p != progress {
			progress, waited = p, 0
		}
		if waited > 2e9 {
			return "a snapshot being written made no progress for 2s"
		}
		if now-start > 60e9 {
			return "a snapshot was still being written after a minute"
		}
		Gosched()
	}
	return ""
}

// syscopeKeepBuf holds the name of the kept snapshot to remove;
// syscopeKeepErrSaid is set once a failure to keep one is said.
var (
	syscopeKeepBuf     [4096]byte
	syscopeKeepErrSaid uint64
)

// syscopeKeepSnapshot keeps the snapshot seq, just renamed into place at
// syscopeOut.final, under a name of its own beside it: NAME.seqN.json
// for NAME.json (NAME.seqN for a name without .json), a hard link, so
// that `syscope diff DIR` finds the last ones without copying. It removes
// the one SYSCOPE_KEEP snapshots older. The exit dump stays at NAME.json.
func syscopeKeepSnapshot(path string, seq uint64) {
	final := syscopeOut.final[:]
	n := 0
	for n < len(final) && final[n] != 0 {
		n++
	}
	stem, ext := final[:n], ""
	if n >= 5 && string(final[n-5:n]) == ".json" {
		stem, ext = final[:n-5], ".json"
	}
	kept := syscopeKeepName(syscopeOut.name[:], stem, seq, ext)
	r := -36 // ENAMETOOLONG
	if kept != nil {
		r = int(syscopeSyscall6(syscopeSysLink, uintptr(unsafe.Pointer(&final[0])), uintptr(unsafe.Pointer(kept)), 0, 0, 0, 0))
	}
	if r < 0 {
		if syscopeCas64(&syscopeKeepErrSaid, 0, 1) { // once, as syscopeOutErr
			print("syscope: cannot keep snapshot ", seq, " beside ")
			syscopePrintValue(path)
			print(" (SYSCOPE_KEEP): errno ", -r, "\n")
		}
		return
	}
	if seq > syscopeKeep {
		if old := syscopeKeepName(syscopeKeepBuf[:], stem, seq-syscopeKeep, ext); old != nil {
			syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(old)), 0, 0, 0, 0, 0)
		}
	}
}

// syscopeKeepName writes stem + ".seq" + seq + ext, NUL-terminated, into
// buf; nil if it does not fit.
func syscopeKeepName(buf, stem []byte, seq uint64, ext string) *byte {
	if len(stem) > len(buf) {
		return nil
	}
	k := copy(buf, stem)
	k = syscopeAppend(buf, k, ".seq", seq, true)
	return syscopeCStr(buf, syscopeAppend(buf, k, ext, 0, false))
}
