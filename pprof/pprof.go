// Package pprof turns the call-site stacks of a syscope dump into a pprof
// profile (github.com/google/pprof/profile), which `go tool pprof` reads:
// one sample per stack, with the values, in this order, calls/count,
// time/nanoseconds, lost_p/count, retakes/count and threads/count, and
// the string labels syscall and path where the stack has them.
//
// Each frame of a stack becomes a location with one line (function, file,
// line); the dump lists inlined frames already expanded, so a location
// stands for one frame, not one PC. The profile has no mappings: its
// locations are symbolized already and there is no binary to look in.
// The truncated stack, which collects the counts that did not fit in the
// runtime's table or whose goroutine could not be read, is a sample whose one frame is dump.TruncatedFunc,
// with the label truncated=true, and the profile's comments say so.
package pprof

import (
	"fmt"
	"io"
	"time"

	"github.com/google/pprof/profile"
	"github.com/syscope/syscope/dump"
)

// SampleTypes are the profile's sample types, in order.
var SampleTypes = []struct{ Type, Unit string }{
	{"calls", "count"},
	{"time", "nanoseconds"},
	{"lost_p", "count"},
	{"retakes", "count"},
	{"threads", "count"},
}

// DefaultSampleType is the sample type go tool pprof shows unless told
// otherwise (-sample_index): the time spent in system calls, as a CPU
// profile shows time on CPU.
const DefaultSampleType = "time"

// Hide is the go tool pprof -hide regexp of the frames that a call site
// is not shown by (dump.HiddenPackages): with it, -top puts the time,
// threads or retakes on the program's own functions instead of the
// system call wrappers.
const Hide = `^(` + dump.HiddenPackages + `)\.`

// Profile returns the profile of d's stacks, or dump.ErrNoStacks when d
// has none.
func Profile(d *dump.Dump) (*profile.Profile, error) {
	if d.Stacks == nil {
		return nil, dump.ErrNoStacks
	}
	st := d.Stacks
	p := &profile.Profile{DefaultSampleType: DefaultSampleType}
	for _, t := range SampleTypes {
		p.SampleType = append(p.SampleType, &profile.ValueType{Type: t.Type, Unit: t.Unit})
	}
	if st.ProfileRateNS > 0 {
		// The sampling rate of calls and time; the values are scaled
		// already, so go tool pprof needs not multiply them.
		p.PeriodType = &profile.ValueType{Type: "time", Unit: "nanoseconds"}
		p.Period = int64(st.ProfileRateNS)
	}
	p.Comments = append(p.Comments, fmt.Sprintf("syscope dump of %s (plan %s), %d stacks in a table of %d, SYSCOPE_PROFILE_RATE=%s",
		d.GoVersion, d.Plan, len(st.Stacks), st.Capacity, time.Duration(st.ProfileRateNS)))
	if st.Truncated {
		p.Comments = append(p.Comments, fmt.Sprintf("truncated: some counts are on the sample %s, a stack of no frames: stacks that did not fit in the runtime's stack table (%d stacks), or whose goroutine could not be read",
			dump.TruncatedFunc, st.Capacity))
	}

	// The main binary's mapping, so that go tool pprof knows the program
	// ("Main binary filename not available" otherwise). The locations
	// are symbolized already.
	var mapping *profile.Mapping
	if d.Executable != "" {
		mapping = &profile.Mapping{ID: 1, File: d.Executable, HasFunctions: true, HasFilenames: true, HasLineNumbers: true}
		p.Mapping = []*profile.Mapping{mapping}
	}
	funcs := map[[2]string]*profile.Function{}
	locs := map[dump.Site]*profile.Location{}
	location := func(f dump.Site) *profile.Location {
		if l := locs[f]; l != nil {
			return l
		}
		fn := funcs[[2]string{f.Func, f.File}]
		if fn == nil {
			fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: f.Func, SystemName: f.Func, Filename: f.File}
			funcs[[2]string{f.Func, f.File}] = fn
			p.Function = append(p.Function, fn)
		}
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Mapping: mapping, Line: []profile.Line{{Function: fn, Line: int64(f.Line)}}}
		locs[f] = l
		p.Location = append(p.Location, l)
		return l
	}
	for _, s := range st.Stacks {
		sm := &profile.Sample{
			Value: []int64{int64(s.Calls), int64(s.TimeNS), int64(s.LostP), int64(s.Retakes), int64(s.Threads)},
			Label: map[string][]string{},
		}
		frames := s.Frames
		if s.Truncated {
			frames = []dump.Site{{Func: dump.TruncatedFunc}}
			sm.Label["truncated"] = []string{"true"}
		}
		for _, f := range frames {
			sm.Location = append(sm.Location, location(f))
		}
		if s.Syscall != "" {
			sm.Label["syscall"] = []string{s.Syscall}
		}
		if s.Path != "" {
			sm.Label["path"] = []string{s.Path}
		}
		if s.Inflight > 0 {
			sm.NumLabel = map[string][]int64{"inflight": {int64(s.Inflight)}}
			sm.NumUnit = map[string][]string{"inflight": {"count"}}
		}
		p.Sample = append(p.Sample, sm)
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("the profile made from the stacks is invalid: %w", err)
	}
	return p, nil
}

// Write writes the gzipped profile of d's stacks to w.
func Write(w io.Writer, d *dump.Dump) error {
	p, err := Profile(d)
	if err != nil {
		return err
	}
	return p.Write(w)
}
