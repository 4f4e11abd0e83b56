//go:build ignore

// The dump: when SYSCOPE_OUT names a file, the runtime writes its
// counters there as JSON (schema syscope/v1) however the process ends,
// and as snapshots with SYSCOPE_INTERVAL. When it names a directory, each
// process writes its own file there, PROG.PID.json (see syscopeWrite).
// This file formats every byte of it: the header, the snapshot fields
// (syscopeEnding), the events, the rows, the uncounted parts and the
// stacks. What is read, and when, is syscope_read.go's.

package runtime

import "unsafe"

// syscopeSnap is the dump's snapshot; static so that writing it
// allocates nothing and works however the process is exiting.
var syscopeSnap syscopeSnapT

type syscopeSnapT struct {
	ev   [syscopeNumEvents]uint64
	stat [syscopePaths][syscopeTraps]syscopeStat
	// used marks the rows of stat that may be non-zero; every other row
	// is zero. A fold copies and clears those rows only, not the whole
	// table (1.2 MB) inside the stopped world.
	used     [syscopePaths][syscopeTraps / 64]uint64
	rt       [syscopeRtSites]uint64
	inflight uint64
	open     uint64 // in flight and not yet claimed by a wrapper
}

// syscopeUnknown is the number of entersyscalls that no wrapper claimed
// and that have returned: what x/sys/unix's SyscallNoError and other
// assembly callers of entersyscall made. Every entry is a cgo call, a
// claimed syscall, one of these, or open and in flight.
func syscopeUnknown() int64 {
	s := &syscopeSnap
	var claimed uint64
	for t := range s.stat[syscopePathSyscall] {
		claimed += s.stat[syscopePathSyscall][t].calls
	}
	return int64(s.ev[syscopeEvEnter]) - int64(s.ev[syscopeEvEnterCgo]) - int64(claimed) - int64(s.open)
}

func syscopeConserved() bool {
	e := &syscopeSnap.ev
	var in, out uint64
	for _, i := range syscopeEntryEvents {
		in += e[i]
	}
	for _, i := range syscopeExitEvents {
		out += e[i]
	}
	return in == out+syscopeSnap.inflight
}

// syscopeAtExit writes the dump once, with the world stopped. It runs on
// the exiting user goroutine: from main after main.main returns, from
// os.Exit, and from an unrecovered panic before its message is printed.
// Other endings call syscopeAtCrash (syscope_endings.go).
func syscopeAtExit(how uint8, code int64) {
	mp := getg().m
	path, ok := syscopeClaim(mp, false, how, code, 0)
	if !ok {
		syscopeWaitDump(mp)
		return
	}
	start := nanotime()
	// Stop the world so no goroutine enters a syscall while we count.
	syscopeStopWorld()
	consistent := syscopeCollectConsistent()
	syscopeStartWorld()
	syscopeEnd.stwNs = nanotime() - start
	syscopeWrite(path, syscopeOutIsDir(path), consistent)
	syscopeDone()
}

// syscopeSecure reports a setuid or setgid process, where an environment
// variable must not choose a file to write.
func syscopeSecure() bool {
	return syscopeSyscall6(syscopeSysGetuid, 0, 0, 0, 0, 0, 0) != syscopeSyscall6(syscopeSysGeteuid, 0, 0, 0, 0, 0, 0) ||
		syscopeSyscall6(syscopeSysGetgid, 0, 0, 0, 0, 0, 0) != syscopeSyscall6(syscopeSysGetegid, 0, 0, 0, 0, 0, 0)
}

// syscopeOutReserved is set once a dump has reserved its name in a
// SYSCOPE_OUT directory (syscopeOut.final holds it).
var syscopeOutReserved bool

// syscopeOut buffers the JSON text and writes it out as it fills.
var syscopeOut struct {
	fd  uintptr
	n   int
	err uintptr
	buf [256 << 10]byte // most dumps, stacks included, in one write
	num [20]byte
	// The temporary and the final path, NUL-terminated: static, not on
	// the stack, so that the dump fits the 8KB system stack a fatal
	// error runs on (syscopeAtCrash).
	name, final [4096]byte
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
	for _, c := range syscopeDigits(&o.num, v) {
		if o.n == len(o.buf) {
			syscopeFlushOut()
		}
		o.buf[o.n] = c
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

// syscopeQ writes s as a JSON string.
func syscopeQ(s string) {
	syscopeS(`"`)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			syscopeS(`\`)
			syscopeS(s[i : i+1])
		case c < 0x20:
			syscopeS(`\u00`)
			syscopeS("0123456789abcdef"[c>>4 : c>>4+1])
			syscopeS("0123456789abcdef"[c&15 : c&15+1])
		default:
			syscopeS(s[i : i+1])
		}
	}
	syscopeS(`"`)
}

// syscopeStatBuf receives newfstatat's struct stat (144 bytes on
// linux/amd64) for syscopeWrite, which runs once at a time (the snapshot
// claim).
var syscopeStatBuf [144]byte

// syscopeWrite writes the dump to the file path, or into the directory
// path when dir is set: SYSCOPE_OUT ends in "/", or names a directory
// that exists. The second is found when writing to path as a file fails
// (rename says EISDIR, or the file beside it cannot be made), so a file
// dump costs no extra system call. In a directory the dump is
// PROG.PID.json, PROG the base name of os.Args[0]: a name already taken
// (a pid reused) gets PROG.PID.N.json, reserved with O_EXCL, so no dump
// replaces another. The directory must exist, as GOCOVERDIR's must. It
// reports whether the dump is in place, its path in syscopeOut.final.
func syscopeWrite(path string, dir, consistent bool) bool {
	perNs, now := syscopePerNs()
	ns := func(tk uint64) uint64 { return syscopeNs(perNs, tk) }

	// Write to a temporary file beside path and rename it into place, so a
	// reader never sees half a dump.
	name, final := syscopeOut.name[:], syscopeOut.final[:]
	pid := uint64(syscopeSyscall6(syscopeSysGetpid, 0, 0, 0, 0, 0, 0))
	tmp := syscopeCString(name, path, ".syscope-tmp.", pid)
	if dir {
		tmp = syscopeDirName(name, path, pid, 0, ".syscope-tmp")
	}
	// In a directory, the name reserved by the first dump (a snapshot)
	// is kept by the later ones.
	reserved := dir && syscopeOutReserved
	dst := &final[0]
	if !reserved {
		dst = syscopeCString(final, path, "", 0)
	}
	if tmp == nil || dst == nil {
		print("syscope: cannot write dump: SYSCOPE_OUT is too long\n")
		return false
	}
	const oWronly, oCreat, oExcl, oCloexec, oNofollow = 01, 0100, 0200, 02000000, 0400000
	const oDirectory, oPath = 0200000, 010000000
	const atFdcwd = ^uintptr(99) // -100
	const enoent, eexist, enotdir, eisdir = 2, 17, 20, 21
	// A path that is (or links to) neither a regular file nor a directory
	// (/dev/null, a FIFO, /dev/stderr) is written into, not replaced: a
	// rename over it would put a file in its place (SYSCOPE_OUT=/dev/null,
	// run as root, once replaced the system's /dev/null).
	direct := false
	if !dir && syscopeSyscall6(syscopeSysFstatat, atFdcwd, uintptr(unsafe.Pointer(dst)), uintptr(unsafe.Pointer(&syscopeStatBuf[0])), 0, 0, 0) == 0 {
		const sIfmt, sIfreg, sIfdir = 0170000, 0100000, 0040000
		mode := *(*uint32)(unsafe.Pointer(&syscopeStatBuf[24])) // st_mode, linux/amd64
		direct = mode&sIfmt != sIfreg && mode&sIfmt != sIfdir
	}
	var fd uintptr
	if direct {
		fd = syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(dst)), oWronly|oCloexec, 0, 0, 0)
	} else {
		fd = syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(tmp)), oWronly|oCreat|oExcl|oCloexec|oNofollow, 0644, 0, 0)
	}
	if e := -int(fd); e > 0 {
		if !dir && !direct && e != enoent && e != enotdir {
			// The file beside path cannot be made (its parent is not
			// writable, say): path may be a directory that is.
			if d := syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(dst)), oPath|oDirectory|oCloexec, 0, 0, 0); int(d) >= 0 {
				syscopeSyscall6(syscopeSysClose, d, 0, 0, 0, 0, 0)
				return syscopeWrite(path, true, consistent)
			}
		}
		syscopeOutErr(path, dir, e)
		return false
	}
	o := &syscopeOut
	o.fd, o.n, o.err = fd, 0, 0

	syscopeS(`{"schema":"syscope/v1","go_version":`)
	syscopeQ(buildVersion)
	syscopeS(`,"plan":`)
	syscopeQ(syscopePlanName)
	syscopeS(`,"syscope_version":`)
	syscopeQ(syscopeVersionMark[syscopeVersionMarkLen : len(syscopeVersionMark)-1])
	if exe := syscopeExecutable(); exe != "" {
		syscopeS(`,"executable":`)
		syscopeQ(exe)
	}
	syscopeEnding(pid, now)
	syscopeUncounted()
	syscopeS(`,"consistent":`)
	if consistent {
		syscopeS("true")
	} else {
		syscopeS("false")
	}
	syscopeS(`,"raw_long_ns":`)
	syscopeU(uint64(syscopeLongNs))
	syscopeS(`,"hist_bounds_ns":[`)
	// The assembly's BSRQ puts a call of dt ticks in bucket b, the index
	// of dt's highest set bit: bucket b > 0 holds [2^b, 2^(b+1)) and
	// bucket 0 holds 0 and 1 (BSRQ leaves a zero register unchanged). A
	// negative difference, ticks from two unsynchronised CPUs, lands in
	// the last bucket, which is unbounded. Bounds are the upper edges in
	// ns, nudged to stay strictly increasing where the tick rate makes
	// neighbours equal.
	var prev uint64
	for b := uint64(0); b < syscopeBuckets; b++ {
		if b > 0 {
			syscopeS(",")
		}
		v := ^uint64(0)
		if b+1 < syscopeBuckets {
			v = ns(1 << (b + 1))
		}
		if b > 0 && v <= prev {
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
	sep := func() {
		if !first {
			syscopeS(",")
		}
		first = false
	}
	if u := syscopeUnknown(); u != 0 {
		sep()
		syscopeS(`{"trap":-1,"name":"unknown","path":"syscall","calls":`)
		syscopeI(u)
		syscopeS(`,"timed":false}`)
	}
	for path := range syscopeSnap.stat {
		for trap := range syscopeSnap.stat[path] {
			st := &syscopeSnap.stat[path][trap]
			if st.calls == 0 {
				continue
			}
			sep()
			syscopeS(`{"trap":`)
			syscopeU(uint64(trap))
			syscopeS(`,"name":`)
			syscopeName(trap)
			if path == syscopePathRaw {
				syscopeS(`,"path":"raw"`)
			} else {
				syscopeS(`,"path":"syscall"`)
			}
			syscopeS(`,"calls":`)
			syscopeU(st.calls)
			syscopeS(`,"errors":`)
			syscopeU(st.errors)
			syscopeS(`,"eintr":`)
			syscopeU(st.eintr)
			syscopeS(`,"total_ns":`)
			syscopeU(ns(st.total))
			syscopeS(`,"max_ns":`)
			syscopeU(ns(st.max))
			if path == syscopePathRaw {
				syscopeS(`,"long":`)
				syscopeU(st.long)
				syscopeS(`,"long_max_ns":`)
				syscopeU(ns(st.longMax))
				if st.long > 0 {
					syscopeS(`,"long_site":`)
					syscopeSite(&st.longPC)
				}
			}
			syscopeS(`,"hist":[`)
			for b := range st.hist {
				if b > 0 {
					syscopeS(",")
				}
				syscopeU(st.hist[b])
			}
			syscopeS("]}")
		}
	}
	// The runtime's own SYSCALL sites and vDSO calls, one row per
	// function and trap.
	for i := range syscopeRtSite {
		site := &syscopeRtSite[i]
		calls, eintr := syscopeSnap.rt[i], syscopeRtEintr[i]
		for j := 0; j < i; j++ {
			if syscopeRtSite[j] == *site {
				calls = 0 // already written with the first site like it
			}
		}
		if calls == 0 {
			continue
		}
		for j := i + 1; j < len(syscopeRtSite); j++ {
			if syscopeRtSite[j] == *site {
				calls += syscopeSnap.rt[j]
				eintr += syscopeRtEintr[j]
			}
		}
		sep()
		syscopeS(`{"trap":`)
		syscopeI(int64(site.trap))
		syscopeS(`,"name":`)
		syscopeName(site.trap)
		if site.vdso {
			syscopeS(`,"path":"vdso"`)
		} else {
			syscopeS(`,"path":"runtime"`)
		}
		syscopeS(`,"func":`)
		syscopeQ(site.fn)
		syscopeS(`,"calls":`)
		syscopeU(calls)
		syscopeS(`,"eintr":`)
		syscopeU(eintr)
		syscopeS("}")
	}
	syscopeStacksEnd(ns)
	syscopeFlushOut()
	syscopeSyscall6(syscopeSysClose, fd, 0, 0, 0, 0, 0)
	if o.err != 0 {
		syscopeOutErr(path, dir, int(o.err))
		if !direct {
			syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(tmp)), 0, 0, 0, 0, 0)
		}
		return false
	}
	if direct {
		return true
	}
	// In a directory, reserve a name no other dump has: rename would
	// replace one left by an earlier process with the same pid.
	for seq := uint64(0); dir && !reserved; seq++ {
		dst = syscopeDirName(final, path, pid, seq, "")
		r := -1
		if dst != nil {
			r = int(syscopeSyscall6(syscopeSysOpenat, atFdcwd, uintptr(unsafe.Pointer(dst)), oWronly|oCreat|oExcl|oCloexec|oNofollow, 0644, 0, 0))
		}
		if r >= 0 {
			syscopeSyscall6(syscopeSysClose, uintptr(r), 0, 0, 0, 0, 0)
			syscopeOutReserved = true
			break
		}
		if dst == nil || -r != eexist || seq == 999 {
			if dst == nil {
				r = -36 // ENAMETOOLONG
			}
			syscopeOutErr(path, dir, -r)
			syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(tmp)), 0, 0, 0, 0, 0)
			return false
		}
	}
	if r := syscopeSyscall6(syscopeSysRename, uintptr(unsafe.Pointer(tmp)), uintptr(unsafe.Pointer(dst)), 0, 0, 0, 0); int(r) < 0 {
		syscopeSyscall6(syscopeSysUnlink, uintptr(unsafe.Pointer(tmp)), 0, 0, 0, 0, 0)
		// A directory: EISDIR, or EBUSY for "." or a mount point, which
		// rename will not replace (found by fuzzing SYSCOPE_OUT).
		if e := -int(r); !dir && (e == eisdir || e == 16) {
			return syscopeWrite(path, true, consistent) // path is a directory
		}
		syscopeOutErr(path, dir, -int(r))
		return false
	}
	return true
}

// syscopeOutErr prints the one line that says why no dump was written,
// once per process: a snapshot every 10ms on a full filesystem says it
// once, not a hundred times a second.
func syscopeOutErr(path string, dir bool, errno int) {
	if !syscopeCas64(&syscopeOutErrSaid, 0, 1) {
		return
	}
	if !dir {
		print("syscope: cannot write dump to ")
		syscopePrintValue(path)
		print(": ")
	} else {
		print("syscope: SYSCOPE_OUT directory ")
		syscopePrintValue(path)
		print(": ")
	}
	print("errno ", errno)
	what := ""
	switch errno {
	case 2, 20: // ENOENT, ENOTDIR
		what = "no such file or directory"
		if dir {
			what = "no such directory"
		}
	case 13:
		what = "permission denied"
	case 17:
		what = "file exists"
	case 21:
		what = "is a directory"
	case 28:
		what = "no space left on device"
	case 30:
		what = "read-only file system"
	case 122:
		what = "disk quota exceeded"
	}
	if what != "" {
		print(" (", what, ")")
	}
	print("\n")
}

// syscopeOutErrSaid is set once syscopeOutErr has printed its line.
var syscopeOutErrSaid uint64

// syscopeDirName writes the dump's name in the directory dir and a NUL
// into buf: dir/PROG.PID.json, with .SEQ before .json when seq is not
// 0, and suffix after it. It returns nil if the name does not fit.
func syscopeDirName(buf []byte, dir string, pid, seq uint64, suffix string) *byte {
	prog := "prog"
	if len(argslice) > 0 {
		a := argslice[0]
		for i := len(a) - 1; i >= 0; i-- {
			if a[i] == '/' {
				a = a[i+1:]
				break
			}
		}
		if a != "" {
			prog = a
		}
	}
	if len(prog) > 200 { // leave room in NAME_MAX (255) for the rest
		prog = prog[:200]
	}
	k := syscopeAppend(buf, 0, dir, 0, false)
	if dir != "" && dir[len(dir)-1] != '/' {
		k = syscopeAppend(buf, k, "/", 0, false)
	}
	k = syscopeAppend(buf, k, prog, 0, false)
	k = syscopeAppend(buf, k, ".", pid, true)
	if seq != 0 {
		k = syscopeAppend(buf, k, ".", seq, true)
	}
	k = syscopeAppend(buf, k, ".json", 0, false)
	return syscopeCStr(buf, syscopeAppend(buf, k, suffix, 0, false))
}

// syscopeAppend writes s, then n in decimal if num is set, into buf at
// k and returns the new end, or -1 if it does not fit (and for k = -1).
func syscopeAppend(buf []byte, k int, s string, n uint64, num bool) int {
	if k < 0 || k+len(s) > len(buf) {
		return -1
	}
	k += copy(buf[k:], s)
	if !num {
		return k
	}
	var d [20]byte
	digits := syscopeDigits(&d, n)
	if k+len(digits) > len(buf) {
		return -1
	}
	return k + copy(buf[k:], digits)
}

// syscopeCStr ends the name syscopeAppend built in buf[:k] with a NUL and
// returns a pointer to it, or nil if it did not fit (k < 0) or the NUL
// does not.
func syscopeCStr(buf []byte, k int) *byte {
	if k < 0 || k >= len(buf) {
		return nil
	}
	buf[k] = 0
	return &buf[0]
}

// syscopeDigits writes v in decimal at the end of d and returns the
// digits: the runtime's one decimal formatter, which allocates nothing.
func syscopeDigits(d *[20]byte, v uint64) []byte {
	i := len(d)
	for {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return d[i:]
}

// syscopeName writes the name of trap as a JSON string.
func syscopeName(trap int) {
	if n := syscopeTrapName(trap); n != "" {
		syscopeQ(n)
		return
	}
	syscopeS(`"syscall_`)
	syscopeU(uint64(trap))
	syscopeS(`"`)
}

// syscopeTrapName is the name of trap, or "" for a number with no name,
// which is called syscall_N.
func syscopeTrapName(trap int) string {
	switch {
	case trap < 0:
		return "unknown"
	case trap == syscopeTraps-1:
		return "other"
	case trap < len(syscopeNames):
		return syscopeNames[trap]
	}
	return ""
}

// syscopeStkShown reports whether the stack table's entry i is in the
// snapshot: it has counts, and its frames are written.
func syscopeStkShown(i int) bool {
	if syscopeStksSnap[i] == (syscopeStkSnap{}) {
		return false
	}
	return i == syscopeStackCap || syscopeLoad64(&syscopeStks[i].ready) != 0
}

// syscopeStkLabels returns the system call and path of the table's
// entry i, or path "" for a stack that is not a system call's (a cgo
// call, a go statement, the runtime, the truncated stack). trap -1 is a
// call whose number is not known.
func syscopeStkLabels(i int) (trap int, path string) {
	key := syscopeStks[i].key
	switch {
	case i == syscopeStackCap, key == syscopeKeyNone:
		return 0, ""
	case key == syscopeKeyUnknown:
		return -1, "syscall"
	}
	t := key &^ syscopeRawBit
	if t >= syscopeTraps {
		t = syscopeTraps - 1
	}
	if key&syscopeRawBit != 0 {
		return int(t), "raw"
	}
	return int(t), "syscall"
}

// syscopeStkCalls is a snapshot's sampled calls, rounded.
func syscopeStkCalls(s *syscopeStkSnap) uint64 {
	return (s.calls + 1<<(syscopeCallFrac-1)) >> syscopeCallFrac
}

// syscopeFrame writes one frame of a stack or site as the dump's
// {"func","file","line"} object.
func syscopeFrame(name, file string, line int64) {
	syscopeS(`{"func":`)
	syscopeQ(name)
	syscopeS(`,"file":`)
	syscopeQ(file)
	syscopeS(`,"line":`)
	syscopeI(line)
	syscopeS("}")
}

// syscopeSite writes the call site of a long raw call: the first of pcs
// (return addresses, innermost first) outside the syscall packages.
func syscopeSite(pcs *[syscopeSitePCs]uintptr) {
	for _, pc := range pcs {
		if pc == 0 {
			break
		}
		f := findfunc(pc)
		if !f.valid() {
			continue
		}
		name := funcname(f)
		if syscopeHasPrefix(name, "syscall.") || syscopeHasPrefix(name, "internal/runtime/syscall") ||
			syscopeHasPrefix(name, "runtime/internal/syscall") || syscopeHasPrefix(name, "golang.org/x/sys/unix.") {
			continue
		}
		file, line := funcline(f, pc-1)
		syscopeFrame(name, file, int64(line))
		return
	}
	syscopeS("null")
}

func syscopeHasPrefix(s, p string) bool {
	return len(s) >= len(p) && s[:len(p)] == p
}

// syscopeCString writes s+suffix(+n when suffix is set) and a NUL into
// buf, returning a pointer to it, or nil if it does not fit.
func syscopeCString(buf []byte, s, suffix string, n uint64) *byte {
	k := syscopeAppend(buf, 0, s, 0, false)
	return syscopeCStr(buf, syscopeAppend(buf, k, suffix, n, suffix != ""))
}

// syscopeUncounted writes the dump's "uncounted" field, after
// "syscope_version": the parts of the process whose own system calls
// the dump does not count, an empty list for a binary without cgo.
func syscopeUncounted() {
	if iscgo {
		syscopeS(`,"uncounted":["libc","ld.so"]`)
	} else {
		syscopeS(`,"uncounted":[]`)
	}
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

// syscopePerNs returns the ticks per ns over the whole run, for
// syscopeNs, and the time now.
func syscopePerNs() (float64, int64) {
	tk, now := syscopeClocks()
	dtk := float64(tk - syscopeStartTk)
	dns := float64(now - syscopeStartNs)
	if dns > 0 && dtk > 0 {
		return dtk / dns, now
	}
	return 1, now
}

// syscopeNs converts ticks to ns at perNs ticks per ns.
func syscopeNs(perNs float64, tk uint64) uint64 {
	if f := float64(tk) / perNs; f < 1<<62 {
		return uint64(f)
	}
	return 1 << 62 // far past any call; keeps the bounds' nudging clear of overflow
}

// syscopeStacksEnd closes the dump's "syscalls" array, writes the
// "stacks" member and closes the dump.
func syscopeStacksEnd(ns func(uint64) uint64) {
	syscopeS("]")
	syscopeStacksWrite(ns)
	syscopeS("}\n")
}

// syscopeStacksWrite writes the dump's "stacks" member, with the comma
// before it, from the snapshot; ns converts ticks. It symbolizes with
// CallersFrames, which allocates: it runs on the exiting goroutine.
func syscopeStacksWrite(ns func(uint64) uint64) {
	if !syscopeProf {
		return
	}
	syscopeS(`,"stacks":{"profile_rate_ns":`)
	syscopeU(uint64(syscopeProfNs))
	syscopeS(`,"capacity":`)
	syscopeU(syscopeStackCap)
	syscopeS(`,"truncated":`)
	// The stack that collects what did not fit, or had no frames, is in
	// this snapshot exactly when it has counts: an earlier fold of the
	// same dump may have used it and a later one not.
	if t := &syscopeStksSnap[syscopeStackCap]; *t != (syscopeStkSnap{}) {
		syscopeS("true")
	} else {
		syscopeS("false")
	}
	syscopeS(`,"stacks":[`)
	first := true
	safe := syscopeStacksSafe()
	for i := range syscopeStks {
		if !syscopeStkShown(i) {
			continue
		}
		s, e := &syscopeStksSnap[i], &syscopeStks[i]
		syscopeXadd64(&syscopeWaitProgress, 1)
		if !first {
			syscopeS(",")
		}
		first = false
		syscopeS(`{"frames":[`)
		if i < syscopeStackCap && !safe {
			syscopeFramesRaw(e)
		} else if i < syscopeStackCap {
			syscopeFramesFn(e)
		}
		syscopeS("]")
		if trap, path := syscopeStkLabels(i); path != "" {
			syscopeS(`,"syscall":`)
			syscopeName(trap)
			syscopeS(`,"path":`)
			syscopeQ(path)
		}
		syscopeField(`,"calls":`, syscopeStkCalls(s))
		syscopeField(`,"time_ns":`, ns(s.ticks))
		syscopeField(`,"lost_p":`, s.lost)
		syscopeField(`,"retakes":`, s.retakes)
		syscopeField(`,"threads":`, s.threads)
		syscopeField(`,"inflight":`, s.inflight)
		if i == syscopeStackCap {
			syscopeS(`,"truncated":true`)
		}
		syscopeS("}")
	}
	syscopeS("]}")
}

// syscopeFramesFn symbolizes a stack's frames for the dump: it is
// syscopeFramesExpanded, set in syscopeProfInit. A variable, because the
// static calls from the dump writer into CallersFrames (which can
// allocate) would close an initialization cycle through throw, whose
// crash dump shares the writer: the crash dump writes syscopeFramesRaw.
var syscopeFramesFn func(e *syscopeStk)

// syscopeFramesExpanded writes e's frames, inlined frames expanded.
func syscopeFramesExpanded(e *syscopeStk) {
	sep := false
	syscopeFramesVisit(e, func(fn, file string, line int64) {
		if sep {
			syscopeS(",")
		}
		sep = true
		syscopeFrame(fn, file, line)
	})
}

// syscopeFramesVisit calls visit with each of e's frames, innermost
// first, inlined frames expanded, or with one frame "unknown" when no PC
// resolves to a function. It symbolizes with CallersFrames, which
// allocates. The dump and the live profile (syscope_live.go) both take
// their frames from here.
func syscopeFramesVisit(e *syscopeStk, visit func(fn, file string, line int64)) {
	// Leading frames of syscope's hooks and of exitsyscall are
	// where the stack was taken, not who made the call: they are
	// left out, unless nothing else is there.
	lead := false
	pcs := syscopeExpand(e)
	frames := CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if !syscopeHook(f.Function) {
			lead = f.Function != ""
			break
		}
		if !more {
			break
		}
	}
	any := false
	frames = CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if lead && syscopeHook(f.Function) {
			f.Function = ""
		} else {
			lead = false
		}
		if f.Function != "" {
			any = true
			visit(f.Function, f.File, int64(f.Line))
		}
		if !more {
			break
		}
	}
	if !any {
		visit("unknown", "", 0)
	}
}

// syscopeFramesRaw writes e's frames without allocating, for a dump
// taken as the program crashes: one frame per PC, inlined frames not
// expanded.
func syscopeFramesRaw(e *syscopeStk) {
	sep := false
	for _, pc := range e.pc[:e.n&syscopeStkCount] {
		f := findfunc(pc - 1)
		if !f.valid() {
			continue
		}
		name := funcname(f)
		if !sep && syscopeHook(name) {
			continue
		}
		file, line := funcline(f, pc-1)
		if sep {
			syscopeS(",")
		}
		sep = true
		syscopeFrame(name, file, int64(line))
	}
	if !sep {
		syscopeS(`{"func":"unknown","file":"","line":0}`)
	}
}

// syscopeExpand returns e's PCs as callers would give them, inlined
// frames expanded: a frame-pointer walk has one return address per
// physical frame, which runtime_expandFinalInlineFrame (what
// runtime/pprof uses for the same) expands on every release.
func syscopeExpand(e *syscopeStk) []uintptr {
	n := int(e.n & syscopeStkCount)
	if e.n&syscopeStkExpanded != 0 {
		return e.pc[:n]
	}
	var out []uintptr
	var one [1]uintptr
	for _, pc := range e.pc[:n] {
		one[0] = pc
		out = append(out, runtime_expandFinalInlineFrame(one[:])...)
	}
	return out
}

// syscopeHook reports a function in which stacks are taken.
func syscopeHook(fn string) bool {
	return syscopeHasPrefix(fn, "runtime.syscope") || syscopeHasPrefix(fn, "runtime.exitsyscall")
}

// syscopeField writes a non-zero count with its key.
func syscopeField(key string, v uint64) {
	if v != 0 {
		syscopeS(key)
		syscopeU(v)
	}
}

// syscopePrintValue prints an environment value in an error line: a
// control byte or a backslash as \xNN, so that the line stays one line
// whatever the value holds.
func syscopePrintValue(s string) {
	const hex = "0123456789abcdef" // substrings of it: no allocation, for a crash's dump
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			print(s[start:i], "\\x", hex[c>>4:c>>4+1], hex[c&15:c&15+1])
			start = i + 1
		}
	}
	print(s[start:])
}

// syscopeExeBuf holds the program's path for the dump.
var syscopeExeBuf [4096]byte

// syscopeExecutable returns the program's path, read from /proc/self/exe
// as the dump is written (after its file is open, so that the read falls
// among the dump's own calls), or "" when it cannot be read. It does not
// allocate: the string is a view of syscopeExeBuf.
func syscopeExecutable() string {
	const sysReadlinkat = 267
	const atFdcwd = ^uintptr(99) // -100
	name := [...]byte{'/', 'p', 'r', 'o', 'c', '/', 's', 'e', 'l', 'f', '/', 'e', 'x', 'e', 0}
	n := int(syscopeSyscall6(sysReadlinkat, atFdcwd, uintptr(unsafe.Pointer(&name[0])), uintptr(unsafe.Pointer(&syscopeExeBuf[0])), uintptr(len(syscopeExeBuf)), 0, 0))
	if n <= 0 || n >= len(syscopeExeBuf) {
		return ""
	}
	h := struct {
		p unsafe.Pointer
		n int
	}{unsafe.Pointer(&syscopeExeBuf[0]), n}
	return *(*string)(unsafe.Pointer(&h))
}
