//go:build ignore

// The dump however the program ends. syscopeAtExit (syscope_dump.go)
// writes it with the world stopped where the exiting goroutine can stop
// it; syscopeAtCrash writes it where it cannot: after a fatal error's
// traceback (throw, on the system stack, maybe holding runtime locks or
// no P), after a fatal signal's traceback (SIGQUIT and the other
// _SigThrow signals, on the signal stack), and before a signal's default
// action ends the process (dieFromSignal: SIGTERM, SIGINT, SIGHUP, ...,
// and crash's SIGABRT; raisebadsignal for one on a C thread). Such a
// dump is marked "consistent": false: other threads keep running while
// it is collected, without sched.lock.
//
// syscopeDumped makes the final dump happen once: 0 before, 1 while it
// is being written, 2 after; 3 while a snapshot is being written
// (syscope_snap.go), after which it is 0 again. The claim is taken before anything is read, so
// a fault inside the dump writer reaches the crash hook with the claim
// held and does not recurse. The hooks print nothing of their own on
// success, so stdout and stderr stay as vanilla's; after them the runtime
// goes on exactly as vanilla does (the same exit status, or the same
// signal by its default action).
//
// No hook runs in a vfork child: syscall's forkAndExecInChild blocks
// every signal before the fork and the child resets the handlers to the
// default before unblocking them, and it exits by a raw exit system call.

package runtime

import "unsafe"

const (
	syscopeDumpNone     = 0
	syscopeDumpWriting  = 1
	syscopeDumpDone     = 2
	syscopeDumpSnapshot = 3
)

// syscopeDumper is the M writing the dump (as a uintptr: no write
// barrier), so that a hook waiting for the dump never waits for its own
// thread.
var syscopeDumper uintptr

// syscopeClaim takes the right to write the final dump and returns
// SYSCOPE_OUT, or false if recording is off, SYSCOPE_OUT is unset, the
// process is setuid or setgid, or another hook has the dump. A snapshot
// being written is waited for (syscopeWaitSnapshot); if the wait gives
// up, one line on stderr says that the final dump was not written and
// why, as for a dump that cannot be written. how, code and sig
// say how the process is ending, for the dump's "ending".
func syscopeClaim(mp *m, crash bool, how uint8, code int64, sig uint32) (string, bool) {
	if !syscopeOn {
		return "", false
	}
	for !syscopeCas64(&syscopeDumped, syscopeDumpNone, syscopeDumpWriting) {
		if syscopeLoad64(&syscopeDumped) != syscopeDumpSnapshot {
			return "", false
		}
		if why := syscopeWaitSnapshot(mp, crash); why != "" {
			print("syscope: no final dump: ", why, "\n")
			return "", false
		}
	}
	syscopeDumper = uintptr(unsafe.Pointer(mp))
	path := gogetenv("SYSCOPE_OUT")
	if path == "" || syscopeSecure() {
		syscopeDone()
		return "", false
	}
	syscopeEnd.how, syscopeEnd.code, syscopeEnd.sig, syscopeEnd.stwNs = how, code, sig, 0
	syscopeSeq++
	return path, true
}

func syscopeDone() {
	syscopeDumper = 0
	syscopeCas64(&syscopeDumped, syscopeDumpWriting, syscopeDumpDone)
}

// syscopeWaitDump waits, for up to two seconds, while another thread
// writes the dump, so that the process does not end under it: os.Exit
// racing a panic, or main returning while a panicking goroutine has the
// world stopped. It runs on a user goroutine and yields with Gosched,
// so a stop-the-world the writer makes can preempt it. A crash hook does
// not wait: its thread may have interrupted the writer, or be needed by
// the writer's stop-the-world.
func syscopeWaitDump(mp *m) {
	if !syscopeOn || syscopeDumper == uintptr(unsafe.Pointer(mp)) {
		return
	}
	deadline := nanotime() + 2e9
	for syscopeLoad64(&syscopeDumped) == syscopeDumpWriting && nanotime() < deadline {
		Gosched()
	}
}

// syscopeCrashStack is the stack syscopeAtCrash needs below it, with
// room to spare: syscopeWrite's deepest chain (through syscopeSite and
// funcline) takes under 1.5KB on amd64. A system stack is 8KB on go1.16
// to go1.18 and 16KB after; a crash hook with less left (a throw deep in
// one) writes no dump rather than overflow it.
const syscopeCrashStack = 4 << 10

// syscopeAtCrash writes the dump without stopping the world, without a
// lock and without allocating: the ending is a fatal error or a fatal
// signal, and it may run on the system or the signal stack of a thread
// that holds runtime locks. It is nosplit, and calls nothing that checks
// the stack until it knows that the stack it runs on is the current g's
// and deep enough: dieFromSignal also runs from sigfwdgo, on the signal
// stack before the handler has switched g to gsignal, and on a C thread
// with no g at all.
//
//go:nosplit
//go:nowritebarrierrec
func syscopeAtCrash(how uint8, sig uint32) {
	if d := syscopeDumped; !syscopeOn || d == syscopeDumpWriting || d == syscopeDumpDone { // a hint; the claim is the CAS
		return
	}
	gp := getg()
	if gp == nil || gp.m == nil {
		return
	}
	var here byte
	sp := uintptr(unsafe.Pointer(&here))
	if sp < gp.stack.lo+syscopeCrashStack || sp >= gp.stack.hi {
		return
	}
	code := int64(2)
	if how == syscopeEndSignal {
		code = -1
	}
	path, ok := syscopeClaim(gp.m, true, how, code, sig)
	if !ok {
		return
	}
	syscopeCollect()
	syscopeStacksCollect() // reads no other goroutine's stack here (not syscopeStacksSafe)
	syscopeWrite(path, syscopeOutIsDir(path), false)
	syscopeDone()
}

// syscopeSignalPending is a fatal signal whose handler found a snapshot
// (or a live profile's read) being written and left the ending to the
// writer: the writer dies by it once its dump is in place and the claim
// released, and the final dump is written then (syscopeSnapDone). Zero
// when none; the first signal wins.
var syscopeSignalPending uint64

// syscopeAtSignal runs first in dieFromSignal. It reports true, and
// dieFromSignal returns, only in a signal handler that found a snapshot
// being written: the handler returns, and the writer raises the signal
// again within the snapshot's time. Waiting for the writer in the
// handler is not safe: the handler's thread may hold what the writer
// needs (sched.lock, taken by a thread leaving a system call while the
// world is stopped), and then the handler waited its two seconds and
// wrote no final dump (2 runs in 60 of badlive's SIGSTOP case on
// go1.21.13, each dying 4s after SIGTERM). A handler on a thread that is
// throwing (m.dying) does not defer: fatalthrow exits if dieFromSignal
// returns, which would change the way the process dies.
//
//go:nosplit
//go:nowritebarrierrec
func syscopeAtSignal(sig uint32) bool {
	gp := getg()
	if gp != nil && gp.m != nil && gp == gp.m.gsignal &&
		(gp.m.dying == 0 || gp.m.syscope != nil && gp.m.syscope.snapWriting != 0) && syscopeDefer(sig) {
		return true
	}
	syscopeAtCrash(syscopeEndSignal, sig)
	return false
}

// syscopeDefer leaves sig to the writer of a snapshot (or a live read)
// if one is being written, and reports whether it did.
//
//go:nosplit
//go:nowritebarrierrec
func syscopeDefer(sig uint32) bool {
	if syscopeDumped != syscopeDumpSnapshot {
		return false
	}
	if !syscopeCas64(&syscopeSignalPending, 0, uint64(sig)) {
		return true // an earlier signal is pending: the process dies by that one
	}
	// The writer releases the claim, then reads syscopeSignalPending;
	// this handler set it, then reads the claim: one of the two sees
	// the other, and the CAS decides who raises it.
	return syscopeLoad64(&syscopeDumped) == syscopeDumpSnapshot || !syscopeCas64(&syscopeSignalPending, uint64(sig), 0)
}

// A signal on a thread that Go did not create (a C thread that is not
// inside a callback) reaches badsignal, which gives the thread an extra
// M and, when Go does not want the signal, calls raisebadsignal: that
// resets the handler and raises the signal again, and its default
// action ends the process without dieFromSignal. syscopeBadSignalDefer
// runs there before the reset, syscopeAtBadSignal just before the raise.
// Both act only where vanilla surely dies: the default handler, a signal
// whose default action ends the process (not one that is ignored or
// stops it), and not in a c-archive or c-shared library, where
// raisebadsignal may return instead.
//
// syscopeBadSignalDefer leaves a signal sent by a process or a thread
// (kill, tgkill, sigqueue: not a fault, which would recur as the handler
// returns) to the writer of a snapshot, as syscopeAtSignal does, and
// raisebadsignal returns. Waiting for the writer instead gave a crash
// hook's two seconds, and under load a snapshot's stop-the-world took
// longer: SIGTERM sent to torture.txtar's program, delivered to one of
// its C threads, left the last snapshot where the final dump belonged.
//
//go:nosplit
//go:nowritebarrierrec
func syscopeBadSignalDefer(sig uint32, handler uintptr, c *sigctxt) bool {
	return syscopeBadSignalKills(sig, handler) && int32(c.sigcode()) <= 0 && syscopeDefer(sig)
}

//go:nosplit
//go:nowritebarrierrec
func syscopeAtBadSignal(sig uint32, handler uintptr) {
	if syscopeBadSignalKills(sig, handler) {
		if gp := getg(); gp != nil {
			syscopeBadSignalM = uintptr(unsafe.Pointer(gp.m))
		}
		syscopeAtCrash(syscopeEndSignal, sig)
	}
}

// syscopeBadSignalM is the extra M that badsignal took for the fatal
// signal being dumped (as a uintptr: no write barrier). needm left its
// goroutine in _Gsyscall, but no system call was entered: the dump does
// not count it in flight (syscopeInflight).
var syscopeBadSignalM uintptr

//go:nosplit
func syscopeBadSignalKills(sig uint32, handler uintptr) bool {
	return handler == _SIG_DFL && !isarchive && !islibrary && (sig >= _NSIG || sigtable[sig].flags&_SigIgn == 0)
}

// syscopeSnapDone runs after a snapshot's or a live read's writer has
// released the claim: a fatal signal left to it is raised now, with the
// final dump, on the system stack (the crash hook needs more than a
// goroutine's).
func syscopeSnapDone() {
	if sig := syscopeLoad64(&syscopeSignalPending); sig != 0 && syscopeCas64(&syscopeSignalPending, sig, 0) {
		systemstack(func() { dieFromSignal(uint32(sig)) })
	}
}

// syscopeOutIsDir reports a SYSCOPE_OUT that ends in "/": a directory
// (see syscopeWrite, which finds one that does not by its errors).
//
//go:nosplit
func syscopeOutIsDir(path string) bool {
	return len(path) > 0 && path[len(path)-1] == '/'
}
