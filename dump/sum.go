package dump

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// Source is a dump and the file it was read from.
type Source struct {
	Path string
	Dump *Dump
}

// ReadSources reads the dumps that paths name: each path is a dump file,
// or a directory whose *.json files are all read, in name order, as
// SYSCOPE_OUT=dir leaves one per process. Every file must be a dump: one
// that is not is an error naming it, since leaving it out would make the
// sum look complete. So is a directory without one, and a file named
// twice, which would be counted twice.
func ReadSources(paths ...string) ([]Source, error) {
	if len(paths) == 0 {
		return nil, errors.New("no dump to read")
	}
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err // names the path and the cause
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".json") && !e.IsDir() {
				files = append(files, filepath.Join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no dump in the directory (no *.json file)", p)
		}
	}
	var srcs []Source
	var seen []os.FileInfo
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		for i, s := range seen {
			if os.SameFile(s, fi) {
				return nil, fmt.Errorf("%s: the same file as %s, read once already", f, srcs[i].Path)
			}
		}
		seen = append(seen, fi)
		d, err := Read(f)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, Source{Path: f, Dump: d})
	}
	return srcs, nil
}

// Sum adds up the dumps of several processes of one program or test run
// into one dump, for a report of them all: the events, and the system
// call rows matched by trap, path and runtime function (calls, errors,
// EINTRs, times, long raw calls and histograms add; the longest call is
// the longest of any). Its Dumps counts the process dumps (a sum read
// back counts as the dumps it holds) and Sources lists the files.
//
// The dumps must come from one release and plan, with the same raw_long_ns
// and histogram buckets, or the figures would add unlike things: Sum
// fails naming the dump that differs from the first. Each process
// converts the same tick buckets to ns with the tick rate it measured,
// so bounds agree when they differ by at most 1% (and 2ns, for the
// smallest, nudged apart); the sum keeps the first dump's. An event that
// one dump lacks is absent from the sum, not a partial total.
//
// Two dumps of one process (the same pid and start_unix_ns), such as two
// of its snapshots, are refused: the later holds the earlier's counts
// (see Diff). The sum has no snapshot fields.
//
// Entries, exits and syscalls in flight add up, so the sum of dumps that
// each conserve (Check) conserves too. The converse does not hold:
// check the dumps one by one to know each is whole. The sum is
// consistent when every dump is.
func Sum(srcs []Source) (*Dump, error) {
	if len(srcs) == 0 {
		return nil, errors.New("no dump to sum")
	}
	first := srcs[0].Dump
	s := *first
	s.Consistent = true
	s.HistBoundsNS = slices.Clone(first.HistBoundsNS)
	s.Unsupported = slices.Clone(first.Unsupported)
	s.Uncounted = nil
	s.Events = map[string]uint64{}
	s.Syscalls = nil
	s.Dumps = 0
	s.Sources = nil
	// A sum is of no one process and of no moment.
	s.PID, s.StartUnixNS, s.Seq, s.TimeUnixNS, s.ElapsedNS = nil, nil, nil, nil, nil
	s.IntervalNS, s.StwNS, s.Final, s.Ending, s.Interval = nil, nil, nil, nil, nil
	for name := range first.Events {
		s.Events[name] = 0
	}
	type key struct {
		trap     int
		path, fn string
	}
	row := map[key]int{}
	type process struct{ pid, start int64 }
	procs := map[process]Source{}
	for _, src := range srcs {
		d := src.Dump
		if err := agree("sum", srcs[0], src); err != nil {
			return nil, err
		}
		if d.Interval != nil {
			return nil, fmt.Errorf("cannot sum %s: it is a difference of two dumps (syscope diff), not a process's dump", src.Path)
		}
		if d.PID != nil && d.StartUnixNS != nil {
			p := process{*d.PID, *d.StartUnixNS}
			if other, ok := procs[p]; ok && reflect.DeepEqual(other.Dump.Seq, d.Seq) {
				return nil, fmt.Errorf("cannot sum %s and %s: both are dump seq %s of process %d, the same dump twice", other.Path, src.Path, seqText(d), p.pid)
			} else if ok {
				return nil, fmt.Errorf("cannot sum %s and %s: both are dumps of process %d (seq %s and %s), and a later dump of a process "+
					"holds all of an earlier one's counts; syscope diff tells what happened between them", other.Path, src.Path, p.pid,
					seqText(other.Dump), seqText(d))
			}
			procs[p] = src
		}
		s.Dumps += d.Count()
		s.Sources = append(s.Sources, src.Path)
		s.Consistent = s.Consistent && d.Consistent
		for _, p := range d.Uncounted { // what any of them leaves uncounted
			if !slices.Contains(s.Uncounted, p) {
				s.Uncounted = append(s.Uncounted, p)
			}
		}
		for name := range s.Events {
			v, ok := d.Events[name]
			if !ok {
				delete(s.Events, name)
				continue
			}
			s.Events[name] += v
		}
		for _, c := range d.Syscalls {
			k := key{c.Trap, c.Path, c.Func}
			i, ok := row[k]
			if !ok {
				row[k] = len(s.Syscalls)
				c.Hist = slices.Clone(c.Hist)
				s.Syscalls = append(s.Syscalls, c)
				continue
			}
			r := &s.Syscalls[i]
			if r.IsTimed() != c.IsTimed() {
				return nil, fmt.Errorf("cannot sum %s: its %s row on the %s path is timed, and not in the dumps before it, or the other way round", src.Path, c.Name, c.Path)
			}
			r.Calls += c.Calls
			r.Errors += c.Errors
			r.Eintr += c.Eintr
			r.TotalNS += c.TotalNS
			r.MaxNS = max(r.MaxNS, c.MaxNS)
			r.Long += c.Long
			if c.LongMaxNS > r.LongMaxNS {
				r.LongMaxNS, r.LongSite = c.LongMaxNS, c.LongSite
			}
			for b := range c.Hist {
				r.Hist[b] += c.Hist[b]
			}
		}
	}
	return &s, nil
}

// agree returns why the dump b cannot be added to a sum that started
// with a (verb "sum"), or be compared with a (verb "diff").
func agree(verb string, a, b Source) error {
	x, y := a.Dump, b.Dump
	switch {
	case x.GoVersion != y.GoVersion || x.Plan != y.Plan:
		return fmt.Errorf("cannot %s dumps of two releases: %s is of %s (plan %s), %s of %s (plan %s)",
			verb, b.Path, y.GoVersion, y.Plan, a.Path, x.GoVersion, x.Plan)
	case x.RawLongNS != y.RawLongNS:
		return fmt.Errorf("cannot %s dumps with two raw_long_ns: %s has %d, %s %d", verb, b.Path, y.RawLongNS, a.Path, x.RawLongNS)
	case !slices.Equal(sorted(x.Unsupported), sorted(y.Unsupported)):
		return fmt.Errorf("cannot %s dumps with two lists of unsupported events: %s has %q, %s %q", verb, b.Path, y.Unsupported, a.Path, x.Unsupported)
	case len(x.HistBoundsNS) != len(y.HistBoundsNS):
		return fmt.Errorf("cannot %s dumps with unlike histograms: %s has %d buckets, %s %d", verb, b.Path, len(y.HistBoundsNS), a.Path, len(x.HistBoundsNS))
	}
	for i, v := range y.HistBoundsNS {
		u := x.HistBoundsNS[i]
		lo, hi := min(u, v), max(u, v)
		if hi-lo > 2+hi/100 {
			return fmt.Errorf("cannot %s dumps with unlike histograms: hist_bounds_ns[%d] is %d in %s and %d in %s, "+
				"more than 1%% apart (a tick rate this different means another machine)", verb, i, v, b.Path, u, a.Path)
		}
	}
	return nil
}

// seqText returns the seq of d, or "?" when it has none.
func seqText(d *Dump) string {
	if d.Seq == nil {
		return "?"
	}
	return fmt.Sprint(*d.Seq)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
