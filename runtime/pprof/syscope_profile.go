//go:build ignore

// The "syscope" profile: the call-site stacks of the running process, as
// `syscope pprof` writes them from a dump (the same sample types in the
// same order, labels and stacks), so that net/http/pprof serves it at
// /debug/pprof/syscope with no change to the program. Only an
// instrumented build has this file; in any other, Lookup("syscope") is
// nil. The runtime takes the snapshot (runtime/syscope_live.go).

package pprof

import (
	"compress/gzip"
	"fmt"
	"io"
	"time"
)

// runtime_syscopeLiveRead is runtime.syscopeLiveRead.
func runtime_syscopeLiveRead(out *syscopeLiveProfile)

// runtime_syscopeLiveCount is runtime.syscopeLiveCount.
func runtime_syscopeLiveCount() int

// syscopeLiveProfile mirrors runtime.syscopeLive field for field.
type syscopeLiveProfile struct {
	err        string
	none       string
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
	syscall   string
	path      string
	values    [5]int64
	inflight  int64
	truncated bool
}

type syscopeLiveFrame struct {
	fn, file string
	line     int64
}

// syscopeSampleTypes are the profile's sample types, in the order of
// syscopeLiveSample.values: github.com/syscope/syscope/pprof's.
var syscopeSampleTypes = [...][2]string{
	{"calls", "count"},
	{"time", "nanoseconds"},
	{"lost_p", "count"},
	{"retakes", "count"},
	{"threads", "count"},
}

const (
	syscopeDefaultSampleType = "time"
	syscopeTruncatedFunc     = "syscope.truncated"
	syscopeTagLabelNumUnit   = 4 // Label.num_unit
)

var syscopeProfile = &Profile{name: "syscope", count: runtime_syscopeLiveCount, write: syscopeWriteProfile}

func init() {
	lockProfiles()
	profiles.m["syscope"] = syscopeProfile
	unlockProfiles()
}

// syscopeWriteProfile writes the profile, gzipped protobuf, or text
// when debug is not 0.
func syscopeWriteProfile(w io.Writer, debug int) error {
	var d syscopeLiveProfile
	runtime_syscopeLiveRead(&d)
	if d.err != "" {
		return fmt.Errorf("syscope profile: %s", d.err)
	}
	if debug != 0 {
		return syscopeWriteText(w, &d)
	}
	return syscopeWriteProto(w, &d)
}

func syscopeComments(d *syscopeLiveProfile) []string {
	if d.none != "" {
		return []string{fmt.Sprintf("syscope live profile of %s (plan %s): %s", d.goVersion, d.plan, d.none)}
	}
	c := []string{fmt.Sprintf("syscope live profile of %s (plan %s), %d stacks in a table of %d, SYSCOPE_PROFILE_RATE=%s",
		d.goVersion, d.plan, len(d.samples), d.capacity, time.Duration(d.rateNS))}
	if d.truncated {
		c = append(c, fmt.Sprintf("truncated: some counts are on the sample %s, a stack of no frames: stacks that did not fit in the runtime's stack table (%d stacks), or whose goroutine could not be read",
			syscopeTruncatedFunc, d.capacity))
	}
	return c
}

func syscopeWriteProto(w io.Writer, d *syscopeLiveProfile) error {
	var b protobuf
	strs := []string{""}
	index := map[string]int64{"": 0}
	str := func(s string) int64 {
		i, ok := index[s]
		if !ok {
			i = int64(len(strs))
			index[s] = i
			strs = append(strs, s)
		}
		return i
	}
	valueType := func(tag int, typ, unit string) {
		start := b.startMessage()
		b.int64(tagValueType_Type, str(typ))
		b.int64(tagValueType_Unit, str(unit))
		b.endMessage(tag, start)
	}
	for _, t := range syscopeSampleTypes {
		valueType(tagProfile_SampleType, t[0], t[1])
	}

	// The locations are symbolized already: one line each, the frames
	// expanded by the runtime. Functions and locations are numbered in
	// the order the samples first use them.
	var mapping uint64
	if d.executable != "" {
		mapping = 1
	}
	type fkey struct{ fn, file string }
	funcs := map[fkey]uint64{}
	locs := map[syscopeLiveFrame]uint64{}
	var fb, lb protobuf // functions and locations, appended after the samples
	location := func(f syscopeLiveFrame) uint64 {
		if id, ok := locs[f]; ok {
			return id
		}
		fid, ok := funcs[fkey{f.fn, f.file}]
		if !ok {
			fid = uint64(len(funcs) + 1)
			funcs[fkey{f.fn, f.file}] = fid
			start := fb.startMessage()
			fb.uint64Opt(tagFunction_ID, fid)
			fb.int64Opt(tagFunction_Name, str(f.fn))
			fb.int64Opt(tagFunction_SystemName, str(f.fn))
			fb.int64Opt(tagFunction_Filename, str(f.file))
			fb.endMessage(tagProfile_Function, start)
		}
		id := uint64(len(locs) + 1)
		locs[f] = id
		start := lb.startMessage()
		lb.uint64Opt(tagLocation_ID, id)
		lb.uint64Opt(tagLocation_MappingID, mapping)
		line := lb.startMessage()
		lb.uint64Opt(tagLine_FunctionID, fid)
		lb.int64Opt(tagLine_Line, f.line)
		lb.endMessage(tagLocation_Line, line)
		lb.endMessage(tagProfile_Location, start)
		return id
	}
	label := func(key, s string, num int64, unit string) {
		start := b.startMessage()
		b.int64Opt(tagLabel_Key, str(key))
		b.int64Opt(tagLabel_Str, str(s))
		b.int64Opt(tagLabel_Num, num)
		b.int64Opt(syscopeTagLabelNumUnit, str(unit))
		b.endMessage(tagSample_Label, start)
	}
	for _, s := range d.samples {
		frames := s.frames
		if s.truncated {
			frames = []syscopeLiveFrame{{fn: syscopeTruncatedFunc}}
		}
		ids := make([]uint64, len(frames))
		for i, f := range frames {
			ids[i] = location(f)
		}
		start := b.startMessage()
		b.int64s(tagSample_Value, s.values[:])
		b.uint64s(tagSample_Location, ids)
		if s.syscall != "" {
			label("syscall", s.syscall, 0, "")
		}
		if s.path != "" {
			label("path", s.path, 0, "")
		}
		if s.truncated {
			label("truncated", "true", 0, "")
		}
		if s.inflight > 0 {
			label("inflight", "", s.inflight, "count")
		}
		b.endMessage(tagProfile_Sample, start)
	}
	if mapping != 0 {
		start := b.startMessage()
		b.uint64Opt(tagMapping_ID, mapping)
		b.int64Opt(tagMapping_Filename, str(d.executable))
		b.boolOpt(tagMapping_HasFunctions, true)
		b.boolOpt(tagMapping_HasFilenames, true)
		b.boolOpt(tagMapping_HasLineNumbers, true)
		b.endMessage(tagProfile_Mapping, start)
	}
	b.data = append(b.data, lb.data...)
	b.data = append(b.data, fb.data...)
	b.int64Opt(tagProfile_TimeNanos, time.Now().UnixNano())
	if d.rateNS > 0 && d.none == "" {
		// The sampling rate of calls and time; the values are scaled.
		valueType(tagProfile_PeriodType, "time", "nanoseconds")
		b.int64Opt(tagProfile_Period, d.rateNS)
	}
	var comments []int64
	for _, c := range syscopeComments(d) {
		comments = append(comments, str(c))
	}
	b.int64s(tagProfile_Comment, comments)
	b.int64Opt(tagProfile_DefaultSampleType, str(syscopeDefaultSampleType))
	b.strings(tagProfile_StringTable, strs)

	zw := gzip.NewWriter(w)
	if _, err := zw.Write(b.data); err != nil {
		return err
	}
	return zw.Close()
}

// syscopeWriteText writes the profile for people (?debug=1).
func syscopeWriteText(w io.Writer, d *syscopeLiveProfile) error {
	for _, c := range syscopeComments(d) {
		fmt.Fprintf(w, "# %s\n", c)
	}
	fmt.Fprintf(w, "# calls time_ns lost_p retakes threads [labels]\n")
	for _, s := range d.samples {
		fmt.Fprintf(w, "\n%d %d %d %d %d", s.values[0], s.values[1], s.values[2], s.values[3], s.values[4])
		if s.syscall != "" {
			fmt.Fprintf(w, " syscall=%s path=%s", s.syscall, s.path)
		}
		if s.inflight > 0 {
			fmt.Fprintf(w, " inflight=%d", s.inflight)
		}
		if s.truncated {
			fmt.Fprintf(w, " truncated=true\n#\t%s\n", syscopeTruncatedFunc)
			continue
		}
		fmt.Fprintln(w)
		for _, f := range s.frames {
			fmt.Fprintf(w, "#\t%s\t%s:%d\n", f.fn, f.file, f.line)
		}
	}
	return nil
}
