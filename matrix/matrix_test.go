package matrix

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

func TestSummarise(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want Stats
	}{
		{nil, Stats{}},
		{[]float64{7}, Stats{N: 1, Median: 7, Min: 7, Max: 7, Q1: 7, Q3: 7}},
		{[]float64{3, 1, 2}, Stats{N: 3, Median: 2, Min: 1, Max: 3, Q1: 1.5, Q3: 2.5}},
		{[]float64{4, 1, 3, 2}, Stats{N: 4, Median: 2.5, Min: 1, Max: 4, Q1: 1.75, Q3: 3.25}},
		{[]float64{34, 34, 34, 34, 34}, Stats{N: 5, Median: 34, Min: 34, Max: 34, Q1: 34, Q3: 34}},
		{[]float64{10, 0, 3, 0, 0}, Stats{N: 5, Median: 0, Min: 0, Max: 10, Q1: 0, Q3: 3}},
	} {
		in := slices.Clone(c.in)
		if got := Summarise(c.in); got != c.want {
			t.Errorf("Summarise(%v) = %+v, want %+v", c.in, got, c.want)
		}
		if !slices.Equal(in, c.in) {
			t.Errorf("Summarise reordered its input: %v", c.in)
		}
	}
}

// TestMatrixMetrics: the matrix adds wall_ms to package metric's names
// and reads the rest through it.
func TestMatrixMetrics(t *testing.T) {
	for _, ok := range []string{"thread_create", "exit_slow_pct", "wall_ms", "read.raw.total_ns"} {
		if err := CheckMetric(ok); err != nil {
			t.Errorf("CheckMetric(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"threads", "typo.calls", "read.count"} {
		if err := CheckMetric(bad); err == nil {
			t.Errorf("CheckMetric(%q): no error", bad)
		}
	}
	d := &dump.Dump{Schema: dump.SchemaV1, GoVersion: "go1.25.14", Consistent: true, Events: map[string]uint64{"thread_create": 34},
		Syscalls: []dump.Syscall{{Name: "read", Path: dump.PathSyscall, Calls: 100}}}
	if v, err := Value(d, "read.calls"); err != nil || v != 100 {
		t.Errorf("Value(read.calls) = %v, %v; want 100", v, err)
	}
	if _, err := Value(d, WallMS); err == nil {
		t.Errorf("wall_ms read from a dump: no error")
	}
	if h := MetricHelp(); !strings.Contains(h, "thread_create") || !strings.Contains(h, "NAME.PATH.FIELD") || !strings.Contains(h, WallMS) {
		t.Errorf("MetricHelp lacks names: %s", h)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{34, 34, []float64{0, 10, 20, 30, 40}},
		{0, 0, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 3, []float64{0, 1, 2, 3}},
		{1000, 1006, []float64{0, 250, 500, 750, 1000, 1250}},
		{-5, -1, []float64{-5, -4, -3, -2, -1, 0}},
		{-3, 7, []float64{-4, -2, 0, 2, 4, 6, 8}},
	} {
		got := niceTicks(c.lo, c.hi)
		if !slices.Equal(got, c.want) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
		if got[0] > c.lo || got[len(got)-1] < c.hi || len(got) < 2 || len(got) > 8 {
			t.Errorf("niceTicks(%v, %v) = %v does not cover the data in 2 to 8 ticks", c.lo, c.hi, got)
		}
	}
}

// testResult is a matrix over four releases and three plans: one row
// skipped, one that cannot record a metric, and a scenario name that
// needs escaping in XML.
func testResult() *Result {
	r := &Result{Schema: Schema, Scenario: `a<b>&"c"`, Args: []string{"-n", "32"}, Runs: 3,
		Metrics: []string{"thread_create", "exit_fast_reacquired_p", "wall_ms"}, Host: "linux/amd64, 2 CPUs", Date: "2026-11-23"}
	add := func(rel, plan string, vals map[string][]float64) *Row {
		row := &Row{Release: rel, Plan: plan, Values: vals, Stats: map[string]Stats{}}
		for k, v := range vals {
			row.Stats[k] = Summarise(v)
		}
		r.Rows = append(r.Rows, row)
		return row
	}
	add("go1.16.15", "go1.16", map[string][]float64{"thread_create": {34, 34, 35}, "exit_fast_reacquired_p": {0, 1, 0}, "wall_ms": {210.5, 300.25, 250}})
	r.Rows = append(r.Rows, &Row{Release: "go1.20.14", Skipped: "fetching go1.20.14: not on the module proxy"})
	row := add("go1.25.14", "go1.20", map[string][]float64{"thread_create": {34, 34, 34}, "wall_ms": {190, 200, 210}})
	row.Errors = []string{"exit_fast_reacquired_p cannot occur on go1.25.14 (n/a) (3 of 3 runs)"}
	add("go1.26.8", "go1.26", map[string][]float64{"thread_create": {33, 34, 36}, "exit_fast_reacquired_p": {2, 5, 9}, "wall_ms": {180, 185, 400}})
	return r
}

func TestWriteSVG(t *testing.T) {
	r := testResult()
	var b bytes.Buffer
	if err := r.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if s := os.Getenv("SYSCOPE_MATRIX_SVG"); s != "" { // to look at it
		os.WriteFile(s, b.Bytes(), 0o644)
	}

	// Well-formed XML with an svg root of a known size, every element
	// closed, and the drawing inside the view box.
	dec := xml.NewDecoder(strings.NewReader(svg))
	var depth, circles, panels int
	var texts []string
	var root *xml.StartElement
	var width, height float64
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			if root == nil {
				e := e.Copy()
				root = &e
				if e.Name.Local != "svg" || e.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element %v, want svg in the SVG namespace", e.Name)
				}
				width, height = attrNum(t, e, "width"), attrNum(t, e, "height")
			}
			if e.Name.Local == "circle" {
				circles++
			}
			for _, a := range e.Attr {
				if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
					t.Errorf("<%s %s=%q>", e.Name.Local, a.Name.Local, a.Value)
				}
				var limit float64
				switch a.Name.Local {
				case "x", "x1", "x2", "cx":
					limit = width
				case "y", "y1", "y2", "cy":
					limit = height
				default:
					continue
				}
				if v, err := strconv.ParseFloat(a.Value, 64); err != nil || v < 0 || v > limit {
					t.Errorf("<%s %s=%q> outside the %vx%v view box", e.Name.Local, a.Name.Local, a.Value, width, height)
				}
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(e)); s != "" {
				texts = append(texts, s)
				if slices.Contains(r.Metrics, s) {
					panels++
				}
			}
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced elements: depth %d at the end", depth)
	}
	// A dot per release and metric with a value: 3 + 0 + 2 + 3.
	if circles != 8 {
		t.Errorf("%d median dots, want 8", circles)
	}
	if panels != len(r.Metrics) {
		t.Errorf("%d panel titles, want %d", panels, len(r.Metrics))
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{`a<b>&"c" -n 32: per release`, "plan go1.16", "plan go1.20", "plan go1.26", "×", "n/a", "go1.26.8", "3 runs each"} {
		if !strings.Contains(all, want) {
			t.Errorf("chart has no text %q", want)
		}
	}
	// Release labels: one per release under each panel.
	if n := strings.Count(all, "go1.20.14"); n != len(r.Metrics) {
		t.Errorf("go1.20.14 labelled %d times, want %d", n, len(r.Metrics))
	}
	// The thread_create axis starts at zero and reaches past 36.
	if !regexp.MustCompile(`>0</text>`).MatchString(svg) || !strings.Contains(all, "40") {
		t.Errorf("thread_create axis does not run from 0 to 40")
	}
}

func attrNum(t *testing.T, e xml.StartElement, name string) float64 {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			v, err := strconv.ParseFloat(a.Value, 64)
			if err != nil {
				t.Fatalf("%s=%q", name, a.Value)
			}
			return v
		}
	}
	t.Fatalf("svg has no %s", name)
	return 0
}

func TestWriteSVGEmpty(t *testing.T) {
	if err := (&Result{Metrics: []string{"thread_create"}}).WriteSVG(io.Discard); err == nil {
		t.Error("no rows: no error")
	}
	if err := (&Result{Rows: []*Row{{Release: "go1.26.8"}}}).WriteSVG(io.Discard); err == nil {
		t.Error("no metrics: no error")
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := testResult().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `a<b>&"c": 3 runs per release, median [min-max]
release    plan    thread_create  exit_fast_reacquired_p  wall_ms
go1.16.15  go1.16  34 [34-35]     0 [0-1]                 250 [210-300]
go1.20.14  -       skipped        -                       -
go1.25.14  go1.20  34 [34-34]     n/a                     200 [190-210]
go1.26.8   go1.26  34 [33-36]     5 [2-9]                 185 [180-400]
go1.20.14: skipped: fetching go1.20.14: not on the module proxy
go1.25.14: exit_fast_reacquired_p cannot occur on go1.25.14 (n/a) (3 of 3 runs)
`
	if b.String() != want {
		t.Errorf("text table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := testResult()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Schema != Schema || len(back.Rows) != 4 || back.Row("go1.26.8").Stats["thread_create"].Max != 36 || back.Row("go1.20.14").Skipped == "" {
		t.Errorf("round trip lost data: %s", b.String())
	}
	if back.Row("go1.99") != nil {
		t.Error("Row of an absent release is not nil")
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{34: "34", 0: "0", -3: "-3", 1234.56: "1235", 16.666: "16.7", 0.126: "0.13", 2.5: "2.50"} {
		if got := Num(v); got != want {
			t.Errorf("Num(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestSource(t *testing.T) {
	dir := t.TempDir()
	ar := filepath.Join(dir, "s.txtar")
	os.WriteFile(ar, []byte("# only comments: a program\n\n# more\n-- go.mod --\nmodule s\n-- main.go --\npackage main\nfunc main() {}\n"), 0o644)
	m := &Matrix{Scenario: ar}
	src, script, err := m.source(filepath.Join(dir, "work"))
	if err != nil {
		t.Fatal(err)
	}
	if script {
		t.Errorf("an archive with only comments taken for a testscript")
	}
	if data, err := os.ReadFile(filepath.Join(src, "main.go")); err != nil || !strings.Contains(string(data), "func main") {
		t.Errorf("main.go not unpacked: %v", err)
	}
	if scenarioName(ar) != "s" {
		t.Errorf("scenarioName(%s) = %q", ar, scenarioName(ar))
	}

	os.WriteFile(ar, []byte("# a testscript: its commands run\nexec syscope build -o p .\n-- go.mod --\nmodule s\n-- main.go --\npackage main\nfunc main() {}\n"), 0o644)
	if src, script, err := m.source(filepath.Join(dir, "work1")); err != nil || !script || src != "" {
		t.Errorf("a testscript: source = %q, %v, %v; want a script", src, script, err)
	}
	os.WriteFile(ar, []byte("-- ../escape.go --\npackage main\n"), 0o644)
	if _, _, err := m.source(filepath.Join(dir, "work2")); err == nil || !strings.Contains(err.Error(), "outside the archive") {
		t.Errorf("a file outside the archive: err = %v", err)
	}
	os.WriteFile(ar, []byte("# just a comment\n"), 0o644)
	if _, _, err := m.source(filepath.Join(dir, "work3")); err == nil {
		t.Error("an archive with no files: no error")
	}
}

// TestScriptDump: a run of a testscript reads the one dump it leaves in
// $WORK, at any depth, and ignores other JSON.
func TestScriptDump(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "dump", "testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	write := func(name string, data []byte) {
		os.MkdirAll(filepath.Dir(filepath.Join(work, name)), 0o755)
		if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scriptDump(work); err == nil || !strings.Contains(err.Error(), "no dump") {
		t.Errorf("no dump: err = %v", err)
	}
	write("other.json", []byte(`{"name": "not a dump"}`))
	write("sub/d.json", valid)
	d, err := scriptDump(work)
	if err != nil || d.Event("enter") != 1000 {
		t.Errorf("one dump: %v, %v", d, err)
	}
	write("syscope.json", valid)
	if _, err := scriptDump(work); err == nil || !strings.Contains(err.Error(), "2 dumps ($WORK/sub/d.json, $WORK/syscope.json)") {
		t.Errorf("two dumps: err = %v", err)
	}
	os.Remove(filepath.Join(work, "syscope.json"))
	write("broken.json", valid[:len(valid)/2])
	if _, err := scriptDump(work); err == nil || !strings.Contains(err.Error(), "$WORK/broken.json") {
		t.Errorf("a damaged dump: err = %v", err)
	}
}

func TestRunChecksArguments(t *testing.T) {
	script := filepath.Join(t.TempDir(), "s.txtar")
	os.WriteFile(script, []byte("exec true\n"), 0o644)
	for _, c := range []struct {
		m    *Matrix
		want string // the error's start: each case fails for its own reason
	}{
		{&Matrix{Scenario: ".", Metrics: []string{"thread_create"}}, "no releases"},
		{&Matrix{Scenario: ".", Releases: []string{"go1.26.8"}}, "no metrics"},
		{&Matrix{Scenario: ".", Releases: []string{"go1.26.8"}, Metrics: []string{"threads"}}, `unknown metric "threads"`},
		{&Matrix{Scenario: ".", Releases: []string{"go1.26.8"}, Metrics: []string{"typo.calls"}}, `metric "typo.calls": unknown system call "typo"`},
		{&Matrix{Scenario: script, Releases: []string{"go1.26.8"}, Metrics: []string{"enter"}, Syscope: "syscope", Args: []string{"-n", "3"}}, script + " is a testscript, which takes no arguments"},
		{&Matrix{Scenario: script, Releases: []string{"go1.26.8"}, Metrics: []string{"enter"}}, "a testscript needs the syscope binary"},
	} {
		if _, err := c.m.Run(); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Run(%+v): error %v, want one starting %q", c.m, err, c.want)
		}
	}
}
