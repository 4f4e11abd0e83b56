package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// header is what the bench reads from a dump: the top-level snapshot
// fields that the runtime writes near its start.
type header struct {
	Seq        uint64
	StwNS      uint64
	Final      bool
	Consistent bool
}

// readHeader reads seq, stw_ns, final and consistent from the top-level
// object of a dump, field by field, and stops as soon as it has all
// four, so the stacks at its end are never decoded. A dump
// without them (a syscope that did not write them) is an error that
// names the missing field.
func readHeader(data []byte) (header, error) {
	var h header
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return h, fmt.Errorf("not a JSON object (%v)", err)
	}
	var seen [4]bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return h, err
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return h, fmt.Errorf("field %q: %v", key, err)
		}
		var dst interface{}
		i := -1
		switch key {
		case "seq":
			dst, i = &h.Seq, 0
		case "stw_ns":
			dst, i = &h.StwNS, 1
		case "final":
			dst, i = &h.Final, 2
		case "consistent":
			dst, i = &h.Consistent, 3
		}
		if i < 0 {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return h, fmt.Errorf("field %q: %v", key, err)
		}
		seen[i] = true
		if seen[0] && seen[1] && seen[2] && seen[3] {
			return h, nil
		}
	}
	for i, name := range []string{"seq", "stw_ns", "final", "consistent"} {
		if !seen[i] {
			return h, fmt.Errorf("the dump has no %q field (a syscope without snapshots?)", name)
		}
	}
	return h, nil
}

// percentile is the nearest-rank q-quantile (0 < q <= 1) of v: the
// ceil(q*n)-th smallest value. It sorts v. An empty v yields 0.
func percentile(v []uint64, q float64) uint64 {
	if len(v) == 0 {
		return 0
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	r := int(math.Ceil(q * float64(len(v))))
	if r < 1 {
		r = 1
	}
	if r > len(v) {
		r = len(v)
	}
	return v[r-1]
}

// bucket is one bucket of a runtime/metrics Float64Histogram, in
// seconds: Count values in [Lo, Hi).
type bucket struct {
	Lo, Hi float64
	Count  uint64
}

// histQuantile is the q-quantile (0 < q <= 1) of a histogram, in
// seconds: it finds the bucket holding rank ceil(q*n) and interpolates
// linearly inside it, as if its values were spread evenly (an infinite
// edge is replaced by the other edge). ok is false for an empty one.
func histQuantile(bs []bucket, q float64) (v float64, ok bool) {
	var n uint64
	for _, b := range bs {
		n += b.Count
	}
	if n == 0 {
		return 0, false
	}
	rank := uint64(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	var before uint64
	for _, b := range bs {
		if b.Count == 0 || before+b.Count < rank {
			before += b.Count
			continue
		}
		lo, hi := b.Lo, b.Hi
		if math.IsInf(lo, -1) {
			lo = hi
		}
		if math.IsInf(hi, 1) {
			hi = lo
		}
		return lo + (hi-lo)*float64(rank-before)/float64(b.Count), true
	}
	return 0, false // not reached: rank <= n
}

// result is what one run of the program printed.
type result struct {
	ReadyThreads, ReadyGoroutines int // /proc/self/status Threads and runtime.NumGoroutine when ready
	EndThreads                    int // Threads when told to stop
	Pauses                        []bucket
	HasPauses                     bool // the release has /sched/pauses/total/other:seconds
	Scrapes                       []scrape
}

// scrape is what one write of the live profile cost.
type scrape struct {
	Wall, CPU uint64 // ns
	Bytes     int
}

// parseOutput reads the program's standard output:
//
//	ready threads T goroutines G
//	end threads T
//	pauses N          (or "nopauses" on a release without the metric)
//	b LO HI COUNT     (N lines, the buckets that counted pauses)
//	scrape WALL CPU BYTES (live runs: one per write of the live profile)
func parseOutput(r io.Reader) (result, error) {
	var res result
	var ready, end bool
	want := -1
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		var err error
		atoi := func(s string) int {
			v, e := strconv.Atoi(s)
			if e != nil {
				err = e
			}
			return v
		}
		switch {
		case f[0] == "ready" && len(f) == 5 && f[1] == "threads" && f[3] == "goroutines":
			res.ReadyThreads, res.ReadyGoroutines, ready = atoi(f[2]), atoi(f[4]), true
		case f[0] == "end" && len(f) == 3 && f[1] == "threads":
			res.EndThreads, end = atoi(f[2]), true
		case f[0] == "nopauses" && len(f) == 1:
			want = 0
		case f[0] == "pauses" && len(f) == 2:
			want, res.HasPauses = atoi(f[1]), true
		case f[0] == "scrape" && len(f) == 4 && ready && !end:
			var sc scrape
			var err1, err2 error
			sc.Wall, err1 = strconv.ParseUint(f[1], 10, 64)
			sc.CPU, err2 = strconv.ParseUint(f[2], 10, 64)
			sc.Bytes = atoi(f[3])
			if err == nil && (err1 != nil || err2 != nil) {
				err = fmt.Errorf("not a scrape")
			}
			res.Scrapes = append(res.Scrapes, sc)
		case f[0] == "b" && len(f) == 4 && res.HasPauses:
			var b bucket
			var err1, err2 error
			b.Lo, err1 = strconv.ParseFloat(f[1], 64)
			b.Hi, err2 = strconv.ParseFloat(f[2], 64)
			b.Count, err = strconv.ParseUint(f[3], 10, 64)
			if err == nil && (err1 != nil || err2 != nil || !(b.Lo < b.Hi)) {
				err = fmt.Errorf("not a bucket")
			}
			res.Pauses = append(res.Pauses, b)
		default:
			err = fmt.Errorf("not a line it prints")
		}
		if err != nil {
			return res, fmt.Errorf("the program printed %q: %v", sc.Text(), err)
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	switch {
	case !ready:
		return res, fmt.Errorf("the program printed no ready line")
	case !end:
		return res, fmt.Errorf("the program printed no end line")
	case want < 0:
		return res, fmt.Errorf("the program printed no pauses line")
	case len(res.Pauses) != want:
		return res, fmt.Errorf("the program said %d pause buckets and printed %d", want, len(res.Pauses))
	}
	return res, nil
}
