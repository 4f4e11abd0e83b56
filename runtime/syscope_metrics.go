//go:build ignore

// Syscope's figures in runtime/metrics. A plan edit calls
// syscopeMetricsInit at the end of initMetrics, which registers a compute
// function for every name of syscopeMetricTable (generated from
// internal/events, as are the Descriptions that package runtime/metrics
// adds to All).
//
// This is ordinary Go, not hook code: initMetrics and the compute
// functions run on the goroutine that calls metrics.Read, holding the
// metrics semaphore, where allocation and locks are allowed. A Read
// folds the counters by the rules of syscope_read.go (counters only,
// never a stack) and allocates the latency histograms' counts (and
// their bounds at the first Read).

package runtime

// syscopePathRuntime indexes the runtime's own SYSCALL sites in the
// metrics' per-path totals, after the wrappers' paths.
const syscopePathRuntime = syscopePaths

// What a name of syscopeMetricTable reads.
const (
	syscopeMetricEvent    = iota // the counter syscopeEventNames[index]
	syscopeMetricInflight        // the gauge inflight
	syscopeMetricCalls           // the calls of path index
	syscopeMetricErrors          // the errors of path index
	syscopeMetricLatency         // the latency histogram of path index
)

// syscopeMetricsTaken is a bit of statAggregate.ensured that no statDep
// uses (the releases have fewer than ten): readMetrics clears the
// aggregate at every call, so the first syscope sample of a Read sets it
// and takes the snapshot, and every other sample of that Read reads the
// same snapshot, as a dump taken at that moment would.
const syscopeMetricsTaken = 1 << 63

// syscopeMetricsSnap is the snapshot of the last Read. Only readMetrics,
// under the metrics semaphore, touches it.
var syscopeMetricsSnap struct {
	ev       [syscopeNumEvents]uint64
	inflight uint64
	calls    [syscopePaths + 1]uint64
	errors   [syscopePaths + 1]uint64
	hist     [syscopePaths][syscopeBuckets]uint64
	// bounds are the latency buckets' boundaries in seconds, fixed at the
	// first Read: a reader such as Prometheus' Go collector learns them
	// once and matches later Reads' boundaries to them exactly.
	bounds []float64
}

func syscopeMetricsInit() {
	for i := range syscopeMetricTable {
		metrics[syscopeMetricTable[i].name] = metricData{compute: syscopeMetricTable[i].compute}
	}
}

func syscopeMetricCompute(in *statAggregate, out *metricValue, read, index int) {
	if in.ensured[0]&syscopeMetricsTaken == 0 {
		in.ensured[0] |= syscopeMetricsTaken
		syscopeMetricsTake()
	}
	s := &syscopeMetricsSnap
	out.kind = metricKindUint64
	switch read {
	case syscopeMetricEvent:
		out.scalar = s.ev[index]
	case syscopeMetricInflight:
		out.scalar = s.inflight
	case syscopeMetricCalls:
		out.scalar = s.calls[index]
	case syscopeMetricErrors:
		out.scalar = s.errors[index]
	case syscopeMetricLatency:
		hist := out.float64HistOrInit(s.bounds)
		copy(hist.counts, s.hist[index][:])
	}
}

// syscopeMetricsTake folds the counters into the metrics' sums, by the
// rules of syscope_read.go: counters only, no stack, the world running,
// allm under sched.lock (no goroutine list: syscopeInflight walks allm),
// into its own sums (the
// dump's syscopeSnap is never touched, so a Read may race a snapshot or
// the exit dump). A fold that overlapped a slot's flush is taken again,
// a few times at most. So that a reader never sees a counter go down
// (Prometheus would take it for a reset), every counter keeps the largest
// value a Read has given, and a path's calls are its histogram's total,
// so the two agree within a Read.
func syscopeMetricsTake() {
	s := &syscopeMetricsSnap
	// With SYSCOPE=off every figure stays zero, as no dump is written:
	// the runtime's own sites counted a few calls before syscopeInit read
	// the variable.
	if syscopeOn {
		f := &syscopeMetricsFold
		for try := 0; try < 10; try++ {
			lock(&sched.lock)
			clean := syscopeMetricsFoldOnce(f)
			unlock(&sched.lock)
			if clean {
				break
			}
		}
		for i := range f.ev {
			s.ev[i] = syscopeMax64(s.ev[i], f.ev[i])
		}
		s.inflight = f.inflight
		for p := range f.hist {
			var calls uint64
			for b := range f.hist[p] {
				s.hist[p][b] = syscopeMax64(s.hist[p][b], f.hist[p][b])
				calls += s.hist[p][b]
			}
			s.calls[p] = calls
			s.errors[p] = syscopeMax64(s.errors[p], f.errors[p])
		}
		s.calls[syscopePathRuntime] = syscopeMax64(s.calls[syscopePathRuntime], f.calls[syscopePathRuntime])
		s.errors[syscopePathRuntime] = syscopeMax64(s.errors[syscopePathRuntime], f.errors[syscopePathRuntime])
	}
	if s.bounds == nil {
		s.bounds = syscopeMetricBounds()
	}
}

// syscopeMetricsSums is one fold's sums, by path.
type syscopeMetricsSums struct {
	ev       [syscopeNumEvents]uint64
	inflight uint64
	calls    [syscopePaths + 1]uint64 // the runtime path's only
	errors   [syscopePaths + 1]uint64
	hist     [syscopePaths][syscopeBuckets]uint64
}

// syscopeMetricsFold is the latest fold. Only readMetrics, under the
// metrics semaphore, touches it.
var syscopeMetricsFold syscopeMetricsSums

// syscopeMetricsFoldOnce folds the globals and every live M by path and
// reports whether the fold was clean. The caller holds sched.lock.
func syscopeMetricsFoldOnce(f *syscopeMetricsSums) bool {
	done := syscopeFoldBegin()
	f.ev = syscopeGlobalEv
	f.errors = [syscopePaths + 1]uint64{}
	f.hist = [syscopePaths][syscopeBuckets]uint64{}
	for p := range syscopeGlobal {
		for t := range syscopeGlobal[p] {
			st := &syscopeGlobal[p][t]
			if syscopeLoad64(&st.calls) == 0 {
				continue
			}
			f.errors[p] += st.errors
			for b := range st.hist {
				f.hist[p][b] += st.hist[b]
			}
		}
	}
	rt := syscopeRtGlobal
	recording := false
	for mp := allm; mp != nil; mp = mp.alllink {
		syscopeAddEvents(&f.ev, mp)
		if mp.syscopeOpen == 2 {
			recording = true
		}
		r := mp.syscope
		if r == nil {
			continue
		}
		for j := range r.rt {
			rt[syscopeRtMSite[j]] += r.rt[j]
		}
		for i, u := 0, syscopeSlotsUsed(r); u != 0; i, u = i+1, u>>1 {
			if u&1 == 0 {
				continue
			}
			sl := &r.slots[i]
			if syscopeSlotCalls(sl) == 0 {
				continue
			}
			p := syscopeSlotPath(sl.key)
			f.errors[p] += sl.errors
			for b := range sl.hist {
				f.hist[p][b] += sl.hist[b]
			}
		}
	}
	clean := syscopeFoldClean(done) && !recording
	var calls, eintr uint64
	for i := range rt {
		if !syscopeRtSite[i].vdso {
			calls += rt[i]
			eintr += syscopeRtEintr[i]
		}
	}
	f.calls[syscopePathRuntime], f.errors[syscopePathRuntime] = calls, eintr
	f.inflight = syscopeInflight()
	return clean
}

func syscopeMax64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// syscopeMetricBounds returns the latency buckets' boundaries in seconds:
// 0, then the upper edge of each bucket as the dump's hist_bounds_ns
// computes it (2^(b+1) ticks at the tick rate measured since start,
// nudged to stay strictly increasing), the last one +Inf. Where the
// dump's first edge is 0 ns (a tick shorter than half a ns) this one is
// 1 ns: a Float64Histogram's boundaries strictly increase from the lower
// bound 0.
func syscopeMetricBounds() []float64 {
	tk, now := syscopeClocks()
	perNs := 1.0
	if dtk, dns := float64(tk-syscopeStartTk), float64(now-syscopeStartNs); dns > 0 && dtk > 0 {
		perNs = dtk / dns
	}
	bounds := make([]float64, syscopeBuckets+1)
	var prev uint64
	for b := 0; b < syscopeBuckets-1; b++ {
		v := uint64(1 << 62)
		if f := float64(uint64(1)<<(b+1)) / perNs; f < 1<<62 {
			v = uint64(f)
		}
		if v <= prev {
			v = prev + 1
		}
		prev = v
		bounds[b+1] = float64(v) / 1e9
	}
	bounds[syscopeBuckets] = float64Inf()
	return bounds
}
