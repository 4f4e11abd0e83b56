package main

import (
	"math"
	"strings"
	"testing"
)

func TestReadHeader(t *testing.T) {
	// The fields as the runtime writes them, with a stack list after
	// them that is left undecoded.
	data := `{"schema":"syscope/v1","go_version":"go1.26.8","plan":"go1.26","syscope_version":"(devel)","pid":42,"start_unix_ns":1,"seq":17,"time_unix_ns":2,"elapsed_ns":3,"interval_ns":50000000,"stw_ns":84123,"final":false,"consistent":true,"raw_long_ns":1000000,"hist_bounds_ns":[1,2],"stacks":[{"frames":[`
	h, err := readHeader([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := (header{Seq: 17, StwNS: 84123, Final: false, Consistent: true}); h != want {
		t.Errorf("readHeader = %+v, want %+v", h, want)
	}
	final := `{"seq":3,"stw_ns":0,"final":true,"ending":{"how":"return","code":0},"consistent":false}`
	h, err = readHeader([]byte(final))
	if err != nil {
		t.Fatal(err)
	}
	if want := (header{Seq: 3, Final: true}); h != want {
		t.Errorf("readHeader = %+v, want %+v", h, want)
	}
	for _, bad := range []string{
		`{"schema":"syscope/v1","consistent":true,"hist_bounds_ns":[]}`, // an older dump
		`{"seq":1,"stw_ns":-5,"final":false,"consistent":true}`,
		`[1]`,
		``,
	} {
		if h, err := readHeader([]byte(bad)); err == nil {
			t.Errorf("readHeader(%s) = %+v, want an error", bad, h)
		}
	}
	if _, err := readHeader([]byte(`{"seq":1,"final":false,"consistent":true}`)); err == nil || !strings.Contains(err.Error(), `"stw_ns"`) {
		t.Errorf("a dump without stw_ns: error %v, want one naming the field", err)
	}
}

func TestPercentile(t *testing.T) {
	v := []uint64{9, 1, 8, 2, 7, 3, 6, 4, 5, 10}
	for _, c := range []struct {
		q    float64
		want uint64
	}{{0.5, 5}, {0.99, 10}, {1, 10}, {0.1, 1}, {0.11, 2}, {0.01, 1}} {
		if got := percentile(v, c.q); got != c.want {
			t.Errorf("percentile(1..10, %v) = %d, want %d", c.q, got, c.want)
		}
	}
	hundred := make([]uint64, 200)
	for i := range hundred {
		hundred[i] = uint64(200 - i)
	}
	if got := percentile(hundred, 0.99); got != 198 {
		t.Errorf("p99 of 1..200 = %d, want 198", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile of nothing = %d, want 0", got)
	}
}

func TestHistQuantile(t *testing.T) {
	bs := []bucket{{1e-5, 2e-5, 50}, {2e-5, 4e-5, 49}, {4e-5, math.Inf(1), 1}}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if got, ok := histQuantile(bs, 0.5); !ok || !near(got, 2e-5) {
		t.Errorf("p50 = %v %v, want 2e-5 (the top of the first bucket)", got, ok)
	}
	if got, _ := histQuantile(bs, 0.51); !near(got, 2e-5+2e-5/49) {
		t.Errorf("p51 = %v, want the first of 49 steps into the second bucket", got)
	}
	if got, _ := histQuantile(bs, 0.99); !near(got, 4e-5) {
		t.Errorf("p99 = %v, want 4e-5", got)
	}
	if got, _ := histQuantile(bs, 1); !near(got, 4e-5) {
		t.Errorf("p100 = %v, want 4e-5 (the unbounded bucket's finite edge)", got)
	}
	if _, ok := histQuantile(nil, 0.5); ok {
		t.Error("an empty histogram gave a quantile")
	}
}

func TestParseOutput(t *testing.T) {
	out := "ready threads 1009 goroutines 11012\nend threads 1010\npauses 2\nb 1.6384e-05 1.7408e-05 3\nb 6.5536e-05 +Inf 1\n"
	r, err := parseOutput(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if r.ReadyThreads != 1009 || r.ReadyGoroutines != 11012 || r.EndThreads != 1010 || !r.HasPauses || len(r.Pauses) != 2 ||
		r.Pauses[0] != (bucket{1.6384e-05, 1.7408e-05, 3}) || !math.IsInf(r.Pauses[1].Hi, 1) || r.Pauses[1].Count != 1 {
		t.Errorf("parseOutput = %+v", r)
	}
	r, err = parseOutput(strings.NewReader("ready threads 9 goroutines 17\nend threads 9\nnopauses\n"))
	if err != nil || r.HasPauses || r.EndThreads != 9 {
		t.Errorf("parseOutput without the metric = %+v, %v", r, err)
	}
	for _, bad := range []string{
		"end threads 9\nnopauses\n",                                         // no ready line
		"ready threads 9 goroutines 17\nnopauses\n",                         // no end line
		"ready threads 9 goroutines 17\nend threads 9\n",                    // no pauses line
		"ready threads 9 goroutines 17\nend threads 9\npauses 2\nb 1 2 3\n", // a bucket short
		"ready threads 9 goroutines 17\nend threads 9\npauses 1\nb 2 1 3\n", // bounds reversed
		"ready threads x goroutines 17\nend threads 9\nnopauses\n",
		"panic: boom\n",
	} {
		if r, err := parseOutput(strings.NewReader(bad)); err == nil {
			t.Errorf("parseOutput(%q) = %+v, want an error", bad, r)
		}
	}
}
