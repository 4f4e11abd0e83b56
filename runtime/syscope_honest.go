//go:build ignore

// Honest totals: the system calls made before syscopeInit reads the
// environment are counted, and a dump of a cgo binary says which calls
// it cannot count.
//
// Before syscopeInit. The runtime's own SYSCALL sites count from the
// first instruction (they test syscopeOff, false until SYSCOPE=off is
// read). What schedinit does before goenvs goes through the recording
// wrapper of the runtime's Syscall6 too: from go1.25, with GODEBUG
// decoratemappings=1 (the default when go.mod says go 1.25 or later),
// mallocinit names its first mappings with prctl(PR_SET_VMA), having
// read GODEBUG from the environment itself. So the wrappers test syscopeRec, not
// syscopeOn: syscopeEarly sets it and gives m0 its record at the top of
// schedinit, and syscopeInit keeps both or, with SYSCOPE=off, drops
// them. check, args and osinit, which run before schedinit, make only
// SYSCALLs of the runtime's own assembly. Until syscopeInit the calls
// are recorded in full (counts, errors, times) but not sampled for
// their call sites, and none counts as long: SYSCOPE_PROFILE_RATE and
// SYSCOPE_RAW_LONG are not read yet.
//
// Uncounted. In a cgo binary, C code makes system calls of its own that
// no syscope hook sees: the dynamic loader loading libc, libc starting up,
// pthread_create making every thread, libc's wrappers that the runtime
// calls in a cgo binary (sigaction, mmap, munmap, pthread_sigmask), and the
// program's own C code. The dump says so in "uncounted"; package report
// lists those calls by name (report.Uncounted).

package runtime

import "unsafe"

var (
	// syscopeRec is set while the recording wrappers take the calls
	// (see hooks.inc, rec-jump): from syscopeEarly on, and after
	// syscopeInit only if recording is on. The assembly of package
	// syscall and internal/runtime/syscall reads it.
	//go:linkname syscopeRec
	syscopeRec bool
)

// syscopeEarly starts recording at the top of schedinit, on m0 before
// any other M exists, so that the wrappers have a record to write.
func syscopeEarly() {
	for i := range syscopeNoSlots {
		syscopeNoSlots[i].key = uint64(i) + 1
	}
	syscopeM0.slots = &syscopeM0Slots
	mp := getg().m
	mp.syscope = &syscopeM0
	mp.syscopeSlots = uintptr(unsafe.Pointer(&syscopeNoSlots))
	mp.syscopeOpen = 1 // see syscopeEnter
	syscopeMsAdd(mp, &syscopeM0)
	syscopeRec = true
}

// syscopeEarlyEnd ends the early recording in syscopeInit. With
// recording on, it moves m0's early figures into the global table and
// empties m0's slots, keys included, so that m0 starts as a new M does,
// on syscopeNoSlots (syscopeEvict gives slot 0 its key while
// profiling); with SYSCOPE=off it drops them, and m0's record.
func syscopeEarlyEnd(on bool) {
	mp := getg().m
	if on {
		for i := range syscopeM0Slots {
			syscopeFlush(&syscopeM0Slots[i])
			syscopeM0Slots[i].key = 0
		}
		syscopeM0.used = 0
		mp.syscopeSlots = uintptr(unsafe.Pointer(&syscopeNoSlots))
		return
	}
	syscopeRec = false
	syscopeMsRemove(&syscopeM0)
	syscopeMsBroken = true // no M is listed from here
	mp.syscope = nil
	mp.syscopeSlots = 0
}

var _ unsafe.Pointer
