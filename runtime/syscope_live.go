//go:build ignore

// The live profile's runtime half: runtime/pprof's "syscope" profile
// (syscope_profile.go there) calls syscopeLiveRead through a linkname
// for the stacks, their labels and figures, taken as a snapshot takes
// them (syscope_read.go has the rules), and encodes them itself.

package runtime

import "unsafe"

// syscopeLive is what runtime/pprof reads. Its mirror there
// (syscopeLiveProfile) has the same layout field for field: a linkname
// binds the function by symbol, not by type.
type syscopeLive struct {
	err        string // why there is no profile, or ""
	none       string // why there are no stacks to show, or ""
	goVersion  string
	plan       string
	executable string
	rateNS     int64
	capacity   int64
	truncated  bool
	samples    []syscopeLiveSample
}

type syscopeLiveSample struct {
	frames    []syscopeLiveFrame
	syscall   string // "" for a stack that is not a system call's
	path      string
	values    [5]int64 // calls, time_ns, lost_p, retakes, threads
	inflight  int64
	truncated bool // the stack that collects what did not fit
}

type syscopeLiveFrame struct {
	fn, file string
	line     int64
}

//go:linkname pprof_syscopeLiveRead runtime/pprof.runtime_syscopeLiveRead
func pprof_syscopeLiveRead(out *syscopeLive) { syscopeLiveRead(out) }

// syscopeLiveRead fills out from a snapshot of the running process. It
// runs on the user goroutine that asked (a profile's WriteTo) and takes
// the snapshot's claim, so it never runs beside a snapshot, the exit
// dump or another live read: they share syscopeSnap and
// syscopeStksSnap. It holds the claim through the stopped world and
// the copy of the stack figures, not through the symbolization: a
// stack's key and PCs never change once it is ready.
func syscopeLiveRead(out *syscopeLive) {
	out.goVersion, out.plan = buildVersion, syscopePlanName
	out.rateNS, out.capacity = syscopeProfNs, syscopeStackCap
	// Nothing recorded is an empty profile that says why, as runtime/pprof's
	// block profile is empty at rate 0.
	switch {
	case !syscopeOn:
		out.none = "syscope is off in this process (SYSCOPE=off): no stacks"
		return
	case !syscopeProf:
		out.none = "SYSCOPE_PROFILE_RATE is 0 or off in this process: no call-site stacks"
		return
	}
	type row struct {
		i int
		s syscopeStkSnap
	}
	var rows []row
	for {
		if syscopeLoad64(&syscopeDumped) == syscopeDumpSnapshot {
			Gosched() // a snapshot or another live read: wait for it
			continue
		}
		syscopeWarm()
		syscopeStopWorld()
		mp := acquirem()
		mp.syscope.snapWriting = 1 // see syscopeSnapshot
		if !syscopeCas64(&syscopeDumped, syscopeDumpNone, syscopeDumpSnapshot) {
			mp.syscope.snapWriting = 0
			syscopeStartWorld()
			releasem(mp)
			// Another reader's claim, or one released since the CAS:
			// try again. Only a final dump ends the read.
			if st := syscopeLoad64(&syscopeDumped); st == syscopeDumpSnapshot || st == syscopeDumpNone {
				continue
			}
			out.err = "the process is ending: its final dump has begun"
			return
		}
		syscopeDumper = uintptr(unsafe.Pointer(mp))
		consistent := syscopeCollectConsistent()
		syscopeStartWorld()
		if consistent {
			for i := range syscopeStksSnap {
				if syscopeStkShown(i) {
					rows = append(rows, row{i, syscopeStksSnap[i]})
					syscopeXadd64(&syscopeWaitProgress, 1)
				}
			}
		}
		syscopeDumper = 0
		syscopeCas64(&syscopeDumped, syscopeDumpSnapshot, syscopeDumpNone)
		mp.syscope.snapWriting = 0
		releasem(mp)
		syscopeSnapDone() // as syscopeSnapshot does
		if !consistent {
			out.err = "no consistent snapshot: the fold did not balance within its tries"
			return
		}
		break
	}

	perNs, _ := syscopePerNs()
	out.executable = syscopeExecutable()
	out.samples = make([]syscopeLiveSample, 0, len(rows))
	for _, r := range rows {
		sm := syscopeLiveSample{
			values:   [5]int64{int64(syscopeStkCalls(&r.s)), int64(syscopeNs(perNs, r.s.ticks)), int64(r.s.lost), int64(r.s.retakes), int64(r.s.threads)},
			inflight: int64(r.s.inflight),
		}
		if r.i == syscopeStackCap {
			sm.truncated, out.truncated = true, true
		} else {
			syscopeFramesVisit(&syscopeStks[r.i], func(fn, file string, line int64) {
				sm.frames = append(sm.frames, syscopeLiveFrame{fn, file, line})
			})
		}
		if trap, path := syscopeStkLabels(r.i); path != "" {
			sm.syscall, sm.path = syscopeTrapName(trap), path
			if sm.syscall == "" {
				sm.syscall = "syscall_" + syscopeItoa(uint64(trap))
			}
		}
		out.samples = append(out.samples, sm)
	}
}

// syscopeItoa formats v in decimal.
func syscopeItoa(v uint64) string {
	var b [20]byte
	return string(syscopeDigits(&b, v))
}

// syscopeLiveCount is the profile's Count: the stacks in the table, a
// load each, with no snapshot (net/http/pprof's index page asks).
//
//go:linkname pprof_syscopeLiveCount runtime/pprof.runtime_syscopeLiveCount
func pprof_syscopeLiveCount() int {
	n := 0
	for i := 0; i < syscopeStackCap; i++ {
		if syscopeLoad64(&syscopeStks[i].ready) != 0 {
			n++
		}
	}
	return n
}
