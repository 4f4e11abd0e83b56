package examples

import (
	"bufio"
	"errors"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/internal/events"
)

// promName is the series name Prometheus' Go collector gives a
// runtime/metrics name: go_, the path with / as _, the unit, and _total
// for a counter.
func promName(m events.Metric) string {
	key, unit, _ := strings.Cut(strings.TrimPrefix(m.Name, "/"), ":")
	name := "go_" + strings.ReplaceAll(key, "/", "_") + "_" + unit
	if m.Cumulative && !m.Histogram {
		name += "_total"
	}
	return name
}

func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return mfs
}

// value is the one sample of a counter or gauge family.
func value(t *testing.T, mfs map[string]*dto.MetricFamily, name string) uint64 {
	t.Helper()
	mf := mfs[name]
	if mf == nil || len(mf.Metric) != 1 {
		t.Fatalf("series %s missing", name)
	}
	m := mf.Metric[0]
	switch {
	case m.Counter != nil:
		return uint64(m.Counter.GetValue())
	case m.Gauge != nil:
		return uint64(m.Gauge.GetValue())
	}
	t.Fatalf("series %s is a %s", name, mf.GetType())
	return 0
}

// TestPrometheus builds examples/prometheus with the overlay, scrapes
// its /metrics on 127.0.0.1 with Prometheus' Go collector serving the
// /syscope/ names, and compares the last scrape, which the program
// answers with raw writes and then exits, with the dump written at exit:
// every event and the syscall path's calls, errors and histogram are
// equal, the raw path's differ by those writes (the exit status) and
// the netpoller's epoll calls, the runtime's own calls are at most the
// dump's.
func TestPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the overlay")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "promdemo")
	run(t, "build", "-o", bin, "github.com/syscope/syscope/examples/prometheus")
	out := filepath.Join(dir, "dump.json")
	cmd := exec.Command(bin)
	// No GC, and no asynchronous preemption: sysmon preempting a gather
	// that a loaded machine slows past 10ms would count a preempt_sent
	// after the scrape.
	cmd.Env = append(os.Environ(), "SYSCOPE_OUT="+out, "GOGC=off", "GODEBUG=asyncpreemptoff=1")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address: %v", err)
	}
	base := "http://" + strings.TrimSpace(addr)

	ms := events.Metrics(events.All, events.Paths)
	first := scrape(t, base+"/metrics")
	for _, m := range ms {
		if first[promName(m)] == nil {
			t.Errorf("series %s (%s) missing from /metrics", promName(m), m.Name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	time.Sleep(50 * time.Millisecond) // sysmon retakes the blocked readers' Ps
	second := scrape(t, base+"/metrics")
	for _, m := range ms {
		if !m.Cumulative || m.Histogram {
			continue
		}
		if a, b := value(t, first, promName(m)), value(t, second, promName(m)); b < a {
			t.Errorf("%s went from %d to %d", promName(m), a, b)
		}
	}
	calls := "go_syscope_syscalls_syscall_calls_calls_total"
	if a, b := value(t, first, calls), value(t, second, calls); b <= a {
		t.Errorf("%s did not grow between scrapes (%d, %d): serving a scrape makes system calls", calls, a, b)
	}

	final := scrape(t, base+"/metrics/final")
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() < 1 || ee.ExitCode() > 99 {
		t.Fatalf("promdemo: %v, want the exit status of the number of raw writes", err)
	}
	writes := uint64(ee.ExitCode())
	d, err := dump.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(); err != nil {
		t.Error(err)
	}

	for _, e := range events.All {
		name := promName(events.Metric{Name: events.MetricPrefix + "events/" + e.Name + ":events", Cumulative: e.Kind == events.Counter})
		if got, want := value(t, final, name), d.Events[e.Name]; got != want {
			t.Errorf("%s = %d, dump's %s = %d", name, got, e.Name, want)
		}
	}
	if d.Events["inflight"] != 2 {
		t.Errorf("dump's inflight = %d, want the 2 blocked readers", d.Events["inflight"])
	}
	for _, path := range []string{dump.PathSyscall, dump.PathRaw, dump.PathRuntime} {
		var calls, errs, eintr, netpoll uint64
		hist := make([]uint64, len(d.HistBoundsNS))
		for _, s := range d.Syscalls {
			if s.Path != path || path != dump.PathRuntime && !s.IsTimed() {
				continue
			}
			if s.Name == "epoll_pwait" || s.Name == "epoll_wait" {
				netpoll += s.Calls
			}
			calls += s.Calls
			errs += s.Errors
			eintr += s.Eintr
			for i, c := range s.Hist {
				hist[i] += c
			}
		}
		pre := "go_syscope_syscalls_" + path + "_"
		gotCalls, gotErrs := value(t, final, pre+"calls_calls_total"), value(t, final, pre+"errors_calls_total")
		switch path {
		case dump.PathSyscall:
			if gotCalls != calls || gotErrs != errs || errs == 0 {
				t.Errorf("syscall path: scraped %d calls %d errors, dump %d calls %d errors (want equal, errors > 0)", gotCalls, gotErrs, calls, errs)
			}
		case dump.PathRaw:
			// From go1.21 the runtime's netpoller calls epoll_pwait
			// through internal/runtime/syscall, which the dump counts on
			// the raw path, whenever a thread goes idle: after the gather
			// too. Every other raw call is the writes'.
			if gotCalls+writes > calls || calls-gotCalls-writes > netpoll || gotErrs != errs {
				t.Errorf("raw path: scraped %d calls %d errors, dump %d calls %d errors (want %d more calls, and at most %d more for epoll)", gotCalls, gotErrs, calls, errs, writes, netpoll)
				continue
			}
			writes = calls - gotCalls // the histogram's extra calls
		case dump.PathRuntime:
			if gotCalls == 0 || gotCalls > calls || gotErrs > eintr {
				t.Errorf("runtime path: scraped %d calls %d EINTR, dump %d calls %d EINTR (want at most)", gotCalls, gotErrs, calls, eintr)
			}
			t.Logf("runtime path: scraped %d calls, dump %d", gotCalls, calls)
			continue
		}
		extra := uint64(0)
		if path == dump.PathRaw {
			extra = writes
		}
		compareHist(t, path, final[pre+"latency_seconds"], d.HistBoundsNS, hist, extra)
		t.Logf("%s path: scraped %d calls %d errors, dump %d calls %d errors", path, gotCalls, gotErrs, calls, errs)
	}
}

// compareHist checks a scraped histogram against the dump's buckets:
// each cumulative count at an upper bound (Prometheus' Go collector
// keeps one bound in ten) equals the dump's count below the nearest of
// its bounds, but for at most extra calls the dump has on top.
func compareHist(t *testing.T, path string, mf *dto.MetricFamily, bounds, hist []uint64, extra uint64) {
	t.Helper()
	if mf == nil || len(mf.Metric) != 1 || mf.Metric[0].Histogram == nil {
		t.Errorf("%s latency: no histogram", path)
		return
	}
	h := mf.Metric[0].Histogram
	var total uint64
	for _, c := range hist {
		total += c
	}
	if n := h.GetSampleCount(); n > total || total-n != extra {
		t.Errorf("%s latency: %d calls scraped, dump %d (want %d more)", path, n, total, extra)
	}
	for _, b := range h.Bucket {
		le := b.GetUpperBound() * 1e9
		if math.IsInf(le, 1) {
			if got := b.GetCumulativeCount(); got != h.GetSampleCount() {
				t.Errorf("%s latency: +Inf bucket %d, sample count %d", path, got, h.GetSampleCount())
			}
			continue
		}
		m, best := 0, math.Inf(1)
		for i, ns := range bounds[:len(bounds)-1] {
			if dist := math.Abs(math.Log(float64(ns)+0.5) - math.Log(le+0.5)); dist < best {
				m, best = i+1, dist
			}
		}
		if le >= 1000 && math.Abs(float64(bounds[m-1])-le) > le/100 {
			t.Errorf("%s latency: bound %g ns has no dump bound within 1%% (nearest %d)", path, le, bounds[m-1])
			continue
		}
		var below uint64
		for _, c := range hist[:m] {
			below += c
		}
		if got := b.GetCumulativeCount(); got > below || below-got > extra {
			t.Errorf("%s latency: %d calls below %g ns scraped, dump %d", path, got, le, below)
		}
	}
}
