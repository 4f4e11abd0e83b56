package testscript

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdProfile compares two pprof profiles: "profile A B FUNC" requires
// the same sample types in the same order, and the samples of A with a
// frame of FUNC to be those of B, stack by stack (function, file and
// line of every frame), with the same labels and values; at least one.
//
// Values in nanoseconds are the only ones not compared exactly: the
// runtime counts ticks and converts them at the rate measured over the
// run so far (runtime.syscopePerNs), each end of it read to within 500ns
// (syscopeClocks). Two reads of the same ticks then differ by at most
// 1.5µs over the shorter run, plus 1 for rounding: the bound below, for
// profiles taken 1s or more into the run (the scenario waits for it).
func cmdProfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! profile")
	}
	if len(args) != 3 {
		ts.Fatalf("usage: profile A B FUNC")
	}
	a, b := readProfile(ts, args[0]), readProfile(ts, args[1])
	if ta, tb := sampleTypes(a), sampleTypes(b); ta != tb {
		ts.Fatalf("profile: sample types differ:\n%s: %s\n%s: %s", args[0], ta, args[1], tb)
	}
	sa, sb := samplesWith(a, args[2]), samplesWith(b, args[2])
	if len(sa) == 0 {
		ts.Fatalf("profile: %s has no sample with a frame of %s", args[0], args[2])
	}
	if !sameSamples(a, sa, sb) {
		ts.Fatalf("profile: the samples with a frame of %s differ:\n%s:\n%s\n%s:\n%s",
			args[2], args[0], lines(sa), args[1], lines(sb))
	}
	ts.Logf("profile: %d samples with a frame of %s alike", len(sa), args[2])
}

func readProfile(ts *testscript.TestScript, name string) *profile.Profile {
	f, err := os.Open(ts.MkAbs(name))
	ts.Check(err)
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		ts.Fatalf("profile: %s: %v", name, err)
	}
	return p
}

func sampleTypes(p *profile.Profile) string {
	var s []string
	for _, t := range p.SampleType {
		s = append(s, t.Type+"/"+t.Unit)
	}
	return strings.Join(s, " ")
}

// samplesWith returns the samples with a frame of fn, by their labels
// and frames; samples of the same stack and labels are added together,
// as go tool pprof shows them, and those that add to zero left out (a
// delta's stack that did not change).
func samplesWith(p *profile.Profile, fn string) map[string][]int64 {
	sum := map[string][]int64{}
	for _, s := range p.Sample {
		var frames []string
		has := false
		for _, l := range s.Location {
			for _, ln := range l.Line {
				frames = append(frames, fmt.Sprintf("%s %s:%d", ln.Function.Name, ln.Function.Filename, ln.Line))
				has = has || ln.Function.Name == fn
			}
		}
		if !has {
			continue
		}
		var labels []string
		for k, v := range s.Label {
			labels = append(labels, fmt.Sprintf("%s=%s", k, v))
		}
		for k, v := range s.NumLabel {
			labels = append(labels, fmt.Sprintf("%s=%d", k, v))
		}
		sort.Strings(labels)
		key := strings.Join(labels, " ") + " | " + strings.Join(frames, " <- ")
		v := sum[key]
		if v == nil {
			v = make([]int64, len(s.Value))
		}
		for i := range s.Value {
			v[i] += s.Value[i]
		}
		sum[key] = v
	}
	for k, v := range sum {
		if !slices.ContainsFunc(v, func(x int64) bool { return x != 0 }) {
			delete(sum, k)
		}
	}
	return sum
}

// nsBound is the most two reads of the same ticks differ by, in ns, a
// second or more into the run (see cmdProfile).
func nsBound(v int64) int64 { return v*15/10_000_000 + 1 }

// sameSamples reports whether a and b have the same stacks and values,
// p's sample types saying which values are nanoseconds.
func sameSamples(p *profile.Profile, a, b map[string][]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || len(va) != len(vb) {
			return false
		}
		for i := range va {
			d := va[i] - vb[i]
			if d < 0 {
				d = -d
			}
			if d != 0 && (p.SampleType[i].Unit != "nanoseconds" || d > nsBound(max(va[i], vb[i]))) {
				return false
			}
		}
	}
	return true
}

// lines formats samples one a line, sorted.
func lines(m map[string][]int64) string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%v %s", v, k))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
