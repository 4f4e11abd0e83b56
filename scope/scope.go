// Package scope reads syscope's figures from inside the program: whether
// the binary was built with syscope's overlay, a snapshot of the
// scheduler events and of the per-path system-call totals, and the
// difference of two snapshots. A test can then assert what a piece of
// code did to the scheduler:
//
//	before := scope.Take()
//	handler(w, r)
//	d := scope.Take().Sub(before)
//	if n := d.Events["thread_create"]; n != 0 {
//		t.Errorf("the handler created %d threads", n)
//	}
//	if n := d.SlowExits(); n > 2 {
//		t.Errorf("%d slow syscall exits, want at most 2", n)
//	}
//
// It reads runtime/metrics only (the /syscope/ names an instrumented
// runtime adds, see docs/events.md), so it builds with and without the
// overlay; in a vanilla build Instrumented reports false and every
// snapshot is empty. The figures are process-wide: other goroutines'
// system calls count too.
package scope

import (
	"runtime/metrics"
	"strings"
	"sync"

	"github.com/syscope/syscope/internal/events"
)

// A Snapshot holds syscope's figures at one moment, all from one
// metrics.Read.
type Snapshot struct {
	// Instrumented reports whether the binary was built with syscope's
	// overlay: false in a vanilla build, where Events and Paths are
	// empty. With SYSCOPE=off in the environment it is true and every
	// figure is zero.
	Instrumented bool
	// Events maps each event of the dump (enter, sysmon_retake,
	// thread_create, inflight, ...) to its value: a count since the
	// program started, or for a gauge (inflight) its level now.
	Events map[string]uint64
	// Paths maps a path (syscall, raw, runtime) to its totals.
	Paths map[string]Path
}

// Path is the totals of one way into the kernel.
type Path struct {
	Calls  uint64
	Errors uint64
	// Latency is the distribution of the calls' times, nil on a path
	// that is not timed (runtime).
	Latency *Histogram
}

// A Histogram counts calls in buckets of time.
type Histogram struct {
	// Buckets are the boundaries in seconds, increasing, one more than
	// Counts: bucket i holds the calls of at least Buckets[i] and less
	// than Buckets[i+1]. The last boundary is +Inf.
	Buckets []float64
	Counts  []uint64
}

// AtLeast returns the number of calls in the buckets whose lower bound
// is at least d seconds: the calls that took d or longer, to the
// buckets' resolution (a power of two).
func (h *Histogram) AtLeast(d float64) uint64 {
	if h == nil {
		return 0
	}
	var n uint64
	for i, c := range h.Counts {
		if h.Buckets[i] >= d {
			n += c
		}
	}
	return n
}

// Total returns the number of calls the histogram holds.
func (h *Histogram) Total() uint64 {
	if h == nil {
		return 0
	}
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// A name is one /syscope/ metric of runtime/metrics, parsed.
type name struct {
	metric     string
	event      string // or
	path, what string // what: calls, errors, latency
}

var (
	namesOnce sync.Once
	names     []name
)

// gauges are the events that are levels, not counts.
var gauges = func() map[string]bool {
	g := map[string]bool{}
	for _, e := range events.All {
		if e.Kind == events.Gauge {
			g[e.Name] = true
		}
	}
	return g
}()

// load reads metrics.All once for the /syscope/ names.
func load() {
	namesOnce.Do(func() {
		for _, d := range metrics.All() {
			rest := strings.TrimPrefix(d.Name, events.MetricPrefix)
			if rest == d.Name {
				continue
			}
			n := name{metric: d.Name}
			if ev := strings.TrimPrefix(rest, "events/"); ev != rest {
				n.event = strings.TrimSuffix(ev, ":events")
			} else if p := strings.TrimPrefix(rest, "syscalls/"); p != rest {
				i := strings.LastIndex(p, "/")
				j := strings.LastIndex(p, ":")
				if i < 0 || j < i {
					continue
				}
				n.path, n.what = p[:i], p[i+1:j]
			} else {
				continue
			}
			names = append(names, n)
		}
	})
}

// Instrumented reports whether the program was built with syscope's
// overlay: whether runtime/metrics lists syscope's names.
func Instrumented() bool {
	load()
	return len(names) > 0
}

// Take reads a snapshot. It costs one metrics.Read of syscope's names,
// which holds the runtime's scheduler lock while it sums the per-thread
// counters (see the README for its cost).
func Take() Snapshot {
	load()
	s := Snapshot{Instrumented: len(names) > 0, Events: map[string]uint64{}, Paths: map[string]Path{}}
	if !s.Instrumented {
		return s
	}
	samples := make([]metrics.Sample, len(names))
	for i, n := range names {
		samples[i].Name = n.metric
	}
	metrics.Read(samples)
	for i, n := range names {
		v := samples[i].Value
		if n.event != "" {
			if v.Kind() == metrics.KindUint64 {
				s.Events[n.event] = v.Uint64()
			}
			continue
		}
		p := s.Paths[n.path]
		switch {
		case n.what == "calls" && v.Kind() == metrics.KindUint64:
			p.Calls = v.Uint64()
		case n.what == "errors" && v.Kind() == metrics.KindUint64:
			p.Errors = v.Uint64()
		case n.what == "latency" && v.Kind() == metrics.KindFloat64Histogram:
			h := v.Float64Histogram()
			p.Latency = &Histogram{
				Buckets: append([]float64(nil), h.Buckets...),
				Counts:  append([]uint64(nil), h.Counts...),
			}
		}
		s.Paths[n.path] = p
	}
	return s
}

// Sub returns what happened from old to s: the counts' differences, and
// the gauges' levels as s has them. old must be an earlier snapshot of
// the same process.
func (s Snapshot) Sub(old Snapshot) Snapshot {
	d := Snapshot{Instrumented: s.Instrumented, Events: map[string]uint64{}, Paths: map[string]Path{}}
	for e, v := range s.Events {
		if !gauges[e] {
			v -= old.Events[e]
		}
		d.Events[e] = v
	}
	for name, p := range s.Paths {
		o := old.Paths[name]
		q := Path{Calls: p.Calls - o.Calls, Errors: p.Errors - o.Errors}
		if p.Latency != nil {
			q.Latency = &Histogram{Buckets: p.Latency.Buckets, Counts: append([]uint64(nil), p.Latency.Counts...)}
			if o.Latency != nil && len(o.Latency.Counts) == len(q.Latency.Counts) {
				for i := range q.Latency.Counts {
					q.Latency.Counts[i] -= o.Latency.Counts[i]
				}
			}
		}
		d.Paths[name] = q
	}
	return d
}

// Diff returns new.Sub(old).
func Diff(old, new Snapshot) Snapshot { return new.Sub(old) }

// sum adds the events of the table for which keep is true.
func (s Snapshot) sum(keep func(events.Event) bool) uint64 {
	var n uint64
	for _, e := range events.All {
		if keep(e) {
			n += s.Events[e.Name]
		}
	}
	return n
}

// SlowExits returns the syscall exits that took the slow path
// (exit_slow_*): the goroutine had no P and went through the scheduler.
func (s Snapshot) SlowExits() uint64 {
	return s.sum(func(e events.Event) bool { return e.Flow == events.SlowExit })
}

// LostP returns the syscall exits whose goroutine lost its P during the
// call (sysmon took it, or it was gone at exit).
func (s Snapshot) LostP() uint64 {
	return s.sum(func(e events.Event) bool { return e.LostP })
}
