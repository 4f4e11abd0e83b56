//go:build ignore

// Snapshots while the program runs: with SYSCOPE_INTERVAL=D and
// SYSCOPE_OUT set, the runtime rewrites SYSCOPE_OUT every D with a
// complete dump ("final": false, its "seq" one more than the last), taken
// with the world stopped and renamed into place as the exit dump is. The
// exit dump then replaces the last snapshot with "final": true and how
// the program ended, so a process killed by SIGKILL leaves its last
// snapshot.
//
// The snapshots are taken by one system goroutine (runtime.NumGoroutine
// and tracebacks leave it out, as they leave out forcegchelper) that
// parks with no timer, so that the runtime's deadlock detection sees
// nothing new, and that sysmon readies when one is due, as it readies the
// forced GC. sysmon's deep sleep, when every P is idle, ends in time for
// the next snapshot.

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
	syscopeIntervalNs  int64 // SYSCOPE_INTERVAL, 0 for none
	syscopeSnapNext    int64 // nanotime of the next snapshot; sysmon's alone after init
	syscopeSnapLock    mutex
	syscopeSnapIdle    bool // the goroutine is parked (under syscopeSnapLock)
	syscopeSnapG       *g
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

// syscopeSnapInit reads SYSCOPE_INTERVAL; syscopeInit calls it.
func syscopeSnapInit() {
	sec, nsec, _ := time_now()
	syscopeStartUnixNs = sec*1e9 + int64(nsec)
	s := gogetenv("SYSCOPE_INTERVAL")
	if s == "" {
		return
	}
	d, ok := syscopeParseDuration(s)
	if !ok || d <= 0 {
		print("syscope: SYSCOPE_INTERVAL=", s, " is not a duration such as 500ms or 10s; no snapshots\n")
		return
	}
	if d < syscopeMinInterval {
		print("syscope: SYSCOPE_INTERVAL=", s, " is below 10ms; using 10ms\n")
		d = syscopeMinInterval
	}
	syscopeIntervalNs = d
}

// syscopeSnapStart starts the snapshot goroutine, from runtime.main once
// the scheduler can run it. A setuid process, or one without SYSCOPE_OUT,
// takes no snapshots.
func syscopeSnapStart() {
	if !syscopeOn || syscopeIntervalNs == 0 || gogetenv("SYSCOPE_OUT") == "" || syscopeSecure() {
		return
	}
	syscopeSnapNext = nanotime() + syscopeIntervalNs
	go syscopeSnapLoop()
}

func syscopeSnapLoop() {
	syscopeSnapG = getg()
	for {
		lock(&syscopeSnapLock)
		syscopeSnapIdle = true
		syscopePark(&syscopeSnapLock)
		if !syscopeSnapshot() {
			return // the final dump is written or being written
		}
	}
}

// syscopeSnapTick readies the snapshot goroutine when a snapshot is due.
// sysmon calls it on every round, with no P.
//
//go:nowritebarrierrec
func syscopeSnapTick(now int64) {
	next := syscopeSnapNext
	if next == 0 || now < next {
		return
	}
	lock(&syscopeSnapLock)
	if syscopeSnapIdle {
		syscopeSnapIdle = false
		var list gList
		list.push(syscopeSnapG)
		injectglist(&list)
	}
	// A snapshot that overran its interval makes the next one late,
	// never two at once.
	syscopeSnapNext = now + syscopeIntervalNs
	unlock(&syscopeSnapLock)
}

// syscopeSnapSleep bounds sysmon's deep sleep by the next snapshot.
//
//go:nowritebarrierrec
func syscopeSnapSleep(now, sleep int64) int64 {
	if next := syscopeSnapNext; next != 0 && syscopeSnapIdle {
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

// syscopeSnapshot writes one snapshot and reports whether more may
// follow. It holds the claim (syscopeDumpSnapshot) from inside the
// stopped world until the file is renamed, with its M locked (no
// preemption, no rescheduling), so that an ending on another thread
// waits for a writer that is running, never for one that is parked.
func syscopeSnapshot() bool {
	start := nanotime()
	syscopeStopWorld()
	mp := acquirem()
	if !syscopeCas64(&syscopeDumped, syscopeDumpNone, syscopeDumpSnapshot) {
		syscopeStartWorld()
		releasem(mp)
		return false
	}
	syscopeDumper = uintptr(unsafe.Pointer(mp))
	syscopeSeq++
	consistent := syscopeCollectConsistent()
	syscopeStartWorld()
	syscopeEnd.how, syscopeEnd.code, syscopeEnd.sig = syscopeEndNone, -1, 0
	syscopeEnd.stwNs = nanotime() - start
	path := gogetenv("SYSCOPE_OUT")
	systemstack(func() {
		syscopeWrite(path, syscopeOutIsDir(path), consistent)
	})
	syscopeDumper = 0
	syscopeCas64(&syscopeDumped, syscopeDumpSnapshot, syscopeDumpNone)
	releasem(mp)
	return true
}

// syscopeCollectConsistent collects the snapshot with the world stopped,
// letting the goroutines already leaving a system call finish their exit
// path (they park for want of a P) until the books balance.
func syscopeCollectConsistent() bool {
	for try := 0; try < 2000; try++ {
		if try > 0 {
			usleep(50)
		}
		lock(&sched.lock)
		syscopeCollect()
		unlock(&sched.lock)
		if syscopeConserved() {
			return true
		}
	}
	return false
}

// syscopeWaitSnapshot waits, for up to two seconds, while a snapshot is
// being written on another thread, and reports whether it finished. The
// exiting goroutine yields; a crash hook sleeps, since it may run where
// nothing can be scheduled.
func syscopeWaitSnapshot(mp *m, crash bool) bool {
	if syscopeDumper == uintptr(unsafe.Pointer(mp)) {
		return false // this thread is the writer, interrupted
	}
	deadline := nanotime() + 2e9
	for syscopeLoad64(&syscopeDumped) == syscopeDumpSnapshot {
		if nanotime() > deadline {
			return false
		}
		if crash {
			usleep(100)
		} else {
			Gosched()
		}
	}
	return true
}

// syscopeEnding writes the dump's snapshot fields, and "ending" when it
// is the final one.
func syscopeEnding(pid uint64, now int64) {
	sec, nsec, _ := time_now()
	syscopeS(`,"pid":`)
	syscopeU(pid)
	syscopeS(`,"start_unix_ns":`)
	syscopeI(syscopeStartUnixNs)
	syscopeS(`,"seq":`)
	syscopeU(syscopeSeq)
	syscopeS(`,"time_unix_ns":`)
	syscopeI(sec*1e9 + int64(nsec))
	syscopeS(`,"elapsed_ns":`)
	syscopeI(now - syscopeStartNs)
	syscopeS(`,"interval_ns":`)
	syscopeI(syscopeIntervalNs)
	syscopeS(`,"stw_ns":`)
	syscopeI(syscopeEnd.stwNs)
	e := &syscopeEnd
	if e.how == syscopeEndNone {
		syscopeS(`,"final":false`)
		return
	}
	syscopeS(`,"final":true,"ending":{"how":`)
	switch e.how {
	case syscopeEndReturn:
		syscopeQ("return")
	case syscopeEndExit:
		syscopeQ("exit")
	case syscopeEndPanic:
		syscopeQ("panic")
	case syscopeEndFatal:
		syscopeQ("fatal")
	case syscopeEndSignal:
		syscopeQ("signal")
	}
	if e.how == syscopeEndSignal {
		syscopeS(`,"signal":`)
		syscopeU(uint64(e.sig))
		if e.sig < uint32(len(sigtable)) {
			// sigtable's names read "SIGTERM: termination".
			name := sigtable[e.sig].name
			for i := 0; i < len(name); i++ {
				if name[i] == ':' {
					name = name[:i]
					break
				}
			}
			syscopeS(`,"name":`)
			syscopeQ(name)
		}
	} else if e.code >= 0 {
		syscopeS(`,"code":`)
		syscopeI(e.code)
	}
	syscopeS("}")
}
