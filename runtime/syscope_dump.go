//go:build ignore

// The exit dump: when SYSCOPE_OUT names a file, the runtime writes its
// counters there as JSON (schema syscope/v1) as the process exits, by
// return from main.main or by os.Exit.

package runtime

import "unsafe"

// syscopeSnap is the dump's snapshot; static so that writing it
// allocates nothing and works however the process is exiting.
var syscopeSnap struct {
	ev       [syscopeNumEvents]uint64
	stat     [syscopeKeys]syscopeStat
	inflight uint64
}

// syscopeCollect sums the globals and every live M. Caller holds sched.lock.
func syscopeCollect() {
	s := &syscopeSnap
	s.ev = syscopeGlobalEv
	s.stat = syscopeGlobal
	for mp := allm; mp != nil; mp = mp.alllink {
		r := mp.syscope
		if r == nil {
			continue
		}
		for i := range r.ev {
			s.ev[i] += r.ev[i]
		}
		for i := range r.slots {
			sl := &r.slots[i]
			if sl.key == 0 {
				continue
			}
			st := &s.stat[sl.key]
			st.calls += sl.calls
			st.errors += sl.errors
			st.total += sl.total
			if sl.max > st.max {
				st.max = sl.max
			}
			for b := range sl.hist {
				st.hist[b] += uint64(sl.hist[b])
			}
		}
	}
	// In flight: goroutines in _Gsyscall now, read from their state and not
	// derived from the counters, so the conservation check means something.
	s.inflight = 0
	n := int(allglen)
	for i := 0; i < n; i++ {
		if readgstatus(allgs[i])&^_Gscan == _Gsyscall {
			s.inflight++
		}
	}
}

func syscopeConserved() bool {
	e := &syscopeSnap.ev
	in := e[syscopeEvEnter] + e[syscopeEvEnterBlock]
	var out uint64
	for i := syscopeEvExitFastKept; i <= syscopeEvExitSlowLocked; i++ {
		out += e[i]
	}
	return in == out+syscopeSnap.inflight
}

// syscopeAtExit writes the dump once. It runs on the exiting user
// goroutine, from main after main.main returns and from os.Exit.
func syscopeAtExit() {
	if !syscopeOn || !syscopeCas64(&syscopeDumped, 0, 1) {
		return
	}
	path := gogetenv("SYSCOPE_OUT")
	if path == "" || syscopeSecure() {
		return
	}
	// Stop the world so no goroutine enters a syscall while we count, then
	// let the ones already leaving finish their exit path (they park for
	// want of a P) until the books balance.
	syscopeStopWorld()
	consistent := false
	for try := 0; try < 2000 && !consistent; try++ {
		if try > 0 {
			usleep(50)
		}
		lock(&sched.lock)
		syscopeCollect()
		unlock(&sched.lock)
		consistent = syscopeConserved()
	}
	syscopeStartWorld()
	syscopeWrite(path, consistent)
}

// syscopeSecure reports a setuid or setgid process, where an environment
// variable must not choose a file to write.
func syscopeSecure() bool {
	return syscopeSyscall6(syscopeSysGetuid, 0, 0, 0, 0, 0, 0) != syscopeSyscall6(syscopeSysGeteuid, 0, 0, 0, 0, 0, 0) ||
		syscopeSyscall6(syscopeSysGetgid, 0, 0, 0, 0, 0, 0) != syscopeSyscall6(syscopeSysGetegid, 0, 0, 0, 0, 0, 0)
}

// syscopeOut buffers the JSON text and writes it out as it fills.
var syscopeOut struct {
	fd  uintptr
	n   int
	err uintptr
	buf [32 << 10]byte
	num [24]byte
}

func syscopeFlushOut() {
	o := &syscopeOut
	off := 0
	for off < o.n && o.err == 0 {
		r := syscopeSyscall6(syscopeSysWrite, o.fd, uintptr(unsafe.Pointer(&o.buf[off])), uintptr(o.n-off), 0, 0, 0)
		if int(r) < 0 {
			if int(r) == -4 { // EINTR
				continue
			}
			o.err = -r
			break
		}
		off += int(r)
	}
	o.n = 0
}

func syscopeS(s string) {
	o := &syscopeOut
	for i := 0; i < len(s); i++ {
		if o.n == len(o.buf) {
			syscopeFlushOut()
		}
		o.buf[o.n] = s[i]
		o.n++
	}
}

func syscopeU(v uint64) {
	o := &syscopeOut
	i := len(o.num)
	for {
		i--
		o.num[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	for ; i < len(o.num); i++ {
		if o.n == len(o.buf) {
			syscopeFlushOut()
		}
		o.buf[o.n] = o.num[i]
		o.n++
	}
}

func syscopeI(v int64) {
	if v < 0 {
		syscopeS("-")
		v = -v
	}
	syscopeU(uint64(v))
}

// syscopeQ writes s as a JSON string; names here are plain ASCII.
func syscopeQ(s string) {
	syscopeS(`"`)
	syscopeS(s)
	syscopeS(`"`)
}

func syscopeWrite(path string, consistent bool) {
	// Ticks per ns over the whole run, for the conversion.
	dtk := float64(syscopeTicks() - syscopeStartTk)
	dns := float64(nanotime() - syscopeStartNs)
	perNs := 1.0
	if dns > 0 && dtk > 0 {
		perNs = dtk / dns
	}
	ns := func(tk uint64) uint64 { return uint64(float64(tk) / perNs) }

	// Write to a temporary file beside path and rename it into place, so a
	// reader never sees half a dump.
	var name [4096]byte
	pid := syscopeSyscall6(syscopeSysGetpid, 0, 0, 0, 0, 0, 0)
	tmp := syscopeCString(name[:], path, ".syscope-tmp.", uint64(pid))
	var final [4096]byte
	dst := syscopeCString(final[:], path, "", 0)
	if tmp == nil || dst == nil {
		print("syscope: cannot write dump: SYSCOPE_OUT is too long\n")
		return
	}
	const oWronly, oCreat, oExcl, oCloexec, oNofollow = 01, 0100, 0200, 02000000, 0400000
	const atFdcwd = ^uintptr(99) // -100
	fd := syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(tmp)), oWronly|oCreat|oExcl|oCloexec|oNofollow, 0644, 0, 0)
	if int(fd) < 0 {
		print("syscope: cannot write dump to ", path, ": errno ", -int(fd), "\n")
		return
	}
	o := &syscopeOut
	o.fd, o.n, o.err = fd, 0, 0

	syscopeS(`{"schema":"syscope/v1","go_version":`)
	syscopeQ(buildVersion)
	syscopeS(`,"plan":`)
	syscopeQ(syscopePlanName)
	syscopeS(`,"consistent":`)
	if consistent {
		syscopeS("true")
	} else {
		syscopeS("false")
	}
	syscopeS(`,"hist_bounds_ns":[`)
	// Bucket 2 ([1.5, 2) of v) holds no integer v; its bound is nudged
	// past its neighbour's so bounds stay strictly increasing.
	var prev uint64
	for b := uint64(0); b < syscopeBuckets; b++ {
		if b > 0 {
			syscopeS(",")
		}
		v := ns(syscopeBucketLow(b+1) << syscopeShift)
		if v <= prev {
			v = prev + 1
		}
		syscopeU(v)
		prev = v
	}
	syscopeS(`],"events":{`)
	for i, n := range syscopeEventNames {
		syscopeQ(n)
		syscopeS(":")
		syscopeU(syscopeSnap.ev[i])
		syscopeS(",")
	}
	syscopeS(`"inflight":`)
	syscopeU(syscopeSnap.inflight)
	syscopeS(`},"unsupported":[`)
	syscopeS(syscopeUnsupported)
	syscopeS(`],"syscalls":[`)
	first := true
	for key := range syscopeSnap.stat {
		st := &syscopeSnap.stat[key]
		if key == 0 || st.calls == 0 {
			continue
		}
		if !first {
			syscopeS(",")
		}
		first = false
		trap := int64(key) - 2
		syscopeS(`{"trap":`)
		syscopeI(trap)
		syscopeS(`,"name":"`)
		switch {
		case key == syscopeKeyUnknown:
			syscopeS("unknown")
		case int(trap) < len(syscopeNames) && syscopeNames[trap] != "":
			syscopeS(syscopeNames[trap])
		default:
			syscopeS("syscall_")
			syscopeU(uint64(trap))
		}
		syscopeS(`"`)
		syscopeS(`,"path":"syscall","calls":`)
		syscopeU(st.calls)
		syscopeS(`,"errors":`)
		syscopeU(st.errors)
		syscopeS(`,"total_ns":`)
		syscopeU(ns(st.total))
		syscopeS(`,"max_ns":`)
		syscopeU(ns(st.max))
		syscopeS(`,"hist":[`)
		for b := range st.hist {
			if b > 0 {
				syscopeS(",")
			}
			syscopeU(st.hist[b])
		}
		syscopeS("]}")
	}
	syscopeS("]}\n")
	syscopeFlushOut()
	syscopeSyscall6(syscopeSysClose, fd, 0, 0, 0, 0, 0)
	if o.err != 0 {
		print("syscope: cannot write dump to ", path, ": errno ", int(o.err), "\n")
		syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(tmp)), 0, 0, 0, 0, 0)
		return
	}
	if r := syscopeSyscall6(syscopeSysRename, uintptr(unsafe.Pointer(tmp)), uintptr(unsafe.Pointer(dst)), 0, 0, 0, 0); int(r) < 0 {
		print("syscope: cannot write dump to ", path, ": errno ", -int(r), "\n")
		syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(tmp)), 0, 0, 0, 0, 0)
	}
}

// syscopeCString writes s+suffix(+n when suffix is set) and a NUL into
// buf, returning a pointer to it, or nil if it does not fit.
func syscopeCString(buf []byte, s, suffix string, n uint64) *byte {
	var num [24]byte
	i := len(num)
	if suffix != "" {
		for {
			i--
			num[i] = byte('0' + n%10)
			n /= 10
			if n == 0 {
				break
			}
		}
	}
	need := len(s) + len(suffix) + len(num) - i + 1
	if need > len(buf) {
		return nil
	}
	k := copy(buf, s)
	k += copy(buf[k:], suffix)
	k += copy(buf[k:], num[i:])
	buf[k] = 0
	return &buf[0]
}
