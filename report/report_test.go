package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/syscope/syscope/dump"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func load(t *testing.T, name string) *dump.Dump {
	t.Helper()
	d, err := dump.Read(filepath.Join("testdata", name+".dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func text(t *testing.T, d *dump.Dump) string {
	t.Helper()
	var b bytes.Buffer
	if err := Text(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGolden compares both outputs for every fixture with
// testdata/<name>.txt and testdata/<name>.json; run with -update after an
// intended change and review the diff.
func TestGolden(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/*.dump.json")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range fixtures {
		name := strings.TrimSuffix(filepath.Base(f), ".dump.json")
		t.Run(name, func(t *testing.T) {
			d := load(t, name)
			for _, out := range []struct {
				ext   string
				write func(*bytes.Buffer, *dump.Dump) error
			}{
				{".txt", func(b *bytes.Buffer, d *dump.Dump) error { return Text(b, d) }},
				{".json", func(b *bytes.Buffer, d *dump.Dump) error { return JSON(b, d) }},
			} {
				var b bytes.Buffer
				if err := out.write(&b, d); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", name+out.ext)
				if *update {
					if err := os.WriteFile(golden, b.Bytes(), 0o666); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got := b.String(); got != string(want) {
					t.Errorf("%s differs from the golden file (run go test -update if intended)\n--- got\n%s\n--- want\n%s", golden, got, want)
				}
			}
		})
	}
}

// labelCol is where the syscall label starts in a table row.
var labelCol = len(strings.TrimSuffix(tableRule, "----------------\n"))

// tableRows returns the label of each table row (total included) in order,
// and the numeric columns of each row by label.
func tableRows(out string) (labels []string, cols map[string][]string) {
	cols = map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > labelCol && regexp.MustCompile(`^ *(\d+\.\d\d|-) `).MatchString(line) {
			label := line[labelCol:]
			labels = append(labels, label)
			cols[label] = strings.Fields(line[:labelCol])
		}
	}
	return labels, cols
}

// fields returns the columns before the label of the row with that label.
func fields(t *testing.T, out, label string) []string {
	t.Helper()
	_, cols := tableRows(out)
	f, ok := cols[label]
	if !ok {
		t.Fatalf("no row %q in\n%s", label, out)
	}
	return f
}

func TestTotalRow(t *testing.T) {
	d := load(t, "basic")
	out := text(t, d)
	if !strings.HasPrefix(out, "syscope report: go1.26.8 (plan go1.26)\n") {
		t.Errorf("first line wrong:\n%s", out)
	}
	// Calls: 7042 on the syscall path, 10+1 raw, 500+30 runtime; the vDSO's
	// 900 are not system calls. Errors 17+4 plus the raw futex's 1; EINTR
	// 1 raw + 2 runtime.
	f := fields(t, out, "total")
	want := []string{"100.00", "7583", "22", "3", "7042", "11", "530"}
	if got := []string{f[0], f[3], f[4], f[5], f[6], f[7], f[8]}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("total row = %q, want %%time calls errors eintr syscall raw runtime = %q", f, want)
	}
	if d.SyscallCalls() != 7042 {
		t.Errorf("SyscallCalls = %d, want 7042", d.SyscallCalls())
	}
	// One row per system call, split by path: read is 4000 via package
	// syscall and 10 raw; futex is 1 raw and 500 from the runtime.
	for label, want := range map[string][]string{
		"read":  {"4010", "17", "0", "4000", "10", "0"},
		"futex": {"501", "1", "3", "0", "1", "500"},
		"mmap":  {"30", "-", "0", "0", "0", "30"}, // the runtime's sites record no errors
	} {
		f := fields(t, out, label)
		if got := f[6:12]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s row = %q, want calls errors eintr syscall raw runtime = %q", label, f, want)
		}
	}
	// Untimed rows show no times.
	if f := fields(t, out, "mmap"); f[0] != "-" || f[1] != "-" || f[3] != "-" {
		t.Errorf("untimed mmap row shows times: %q", f)
	}
	if strings.Contains(out, "clock_gettime  ") && regexp.MustCompile(`(?m)clock_gettime$`).MatchString(out) {
		t.Errorf("vDSO calls in the system call table:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^  runtime\.nanotime1 +clock_gettime +900$`).MatchString(out) {
		t.Errorf("vDSO section missing:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^  runtime\.futex +futex +500  \(2 EINTR\)$`).MatchString(out) {
		t.Errorf("runtime section missing futex:\n%s", out)
	}
}

func TestWarnings(t *testing.T) {
	out := text(t, load(t, "basic"))
	for _, want := range []string{
		"warning: 2 raw read calls blocked longer than 1.0ms holding a P (longest 3.0ms), called from main.pollRaw (/src/app/raw.go:42)",
		"warning: 1 raw futex call blocked longer than 1.0ms holding a P (longest 10ms), called from main.wait (/src/app/futex.go:17)",
		"warning: 1 raw futex call returned EINTR; 3 of 12 preemption signals landed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// Longest first.
	if strings.Index(out, "raw futex call blocked") > strings.Index(out, "raw read calls blocked") {
		t.Errorf("raw_long warnings not longest first")
	}
	// The edge fixture's only finding: its unknown row, named.
	if w := Warnings(load(t, "edge")); len(w) != 1 || w[0].Kind != "unknown" || !strings.HasPrefix(w[0].Text, "3 calls entered") {
		t.Errorf("edge fixture's warnings = %v, want one for its 3 unknown calls", w)
	}
	if w := Warnings(load(t, "basic")); slices.ContainsFunc(w, func(w Warning) bool { return w.Kind == "unknown" }) {
		t.Errorf("basic fixture, with no unknown row, warns of one")
	}
}

func TestOrdering(t *testing.T) {
	// Ties on total time (5000ns) break by calls, then trap. read merges
	// its raw and syscall rows (10000ns); the vDSO row is not a system call.
	out := text(t, load(t, "edge"))
	want := []string{"getpid", "read", "write", "unknown", "open", "total"}
	got, _ := tableRows(out)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("row order = %q, want %q", got, want)
	}
	// In the basic fixture, total time must never increase down the table.
	rs := Table(load(t, "basic"))
	for i := 1; i < len(rs); i++ {
		if rs[i].TotalNS > rs[i-1].TotalNS {
			t.Errorf("row %d (%s, %dns) after row %d (%s, %dns)", i, rs[i].Name, rs[i].TotalNS, i-1, rs[i-1].Name, rs[i-1].TotalNS)
		}
	}
}

func TestUnsupportedIsNA(t *testing.T) {
	out := text(t, load(t, "edge"))
	for _, name := range []string{"exit_fast_reacquired_p", "enter_gcwait", "thread_create"} {
		if !regexp.MustCompile(`(?m)^  ` + name + ` +n/a  `).MatchString(out) {
			t.Errorf("event %s not shown as n/a:\n%s", name, out)
		}
	}
	if !regexp.MustCompile(`(?m)^  threads created +n/a$`).MatchString(out) {
		t.Errorf("threads created summary not n/a")
	}
	// A supported zero is still a zero.
	if !regexp.MustCompile(`(?m)^  exit_slow_locked +0  `).MatchString(out) {
		t.Errorf("supported zero event not shown as 0")
	}
	// Unknown keys from a newer runtime are shown, not dropped.
	if !regexp.MustCompile(`(?m)^  exit_new_path +5  \(not known`).MatchString(out) {
		t.Errorf("unknown event key not shown")
	}
}

func TestRatiosAndConservation(t *testing.T) {
	out := text(t, load(t, "basic"))
	// exits: fast 6884+0+120 = 7004, slow 31+14+3 = 48, all 7052.
	for _, want := range []string{
		`(?m)^  slow exits per 1,000 syscall exits +6\.8$`, // 48/7052*1000 = 6.81
		`(?m)^  fast-path share of syscall exits +99\.3%$`, // 7004/7052 = 99.32%
		`(?m)^  sysmon retakes per 1,000 syscalls +6\.4$`,  // 45/7042*1000 = 6.39
		`(?m)^  threads created +6$`,
		`(?m)^  handoff_startm +38$`,
		`(?m)^conservation: enter\+enter_block = 7054 = exits 7052 \+ inflight 2 \(ok\)$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("report does not match %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "warning: the runtime could not take") {
		t.Errorf("consistent dump has a snapshot warning")
	}

	edge := text(t, load(t, "edge"))
	for _, want := range []string{
		"conservation: enter+enter_block = 1054 != exits 1050 + inflight 1 = 1051 (MISMATCH)\n",
		"warning: the runtime could not take a quiescent snapshot",
	} {
		if !strings.Contains(edge, want) {
			t.Errorf("edge report lacks %q:\n%s", want, edge)
		}
	}
}

func TestJSONReparses(t *testing.T) {
	d := load(t, "basic")
	var b bytes.Buffer
	if err := JSON(&b, d); err != nil {
		t.Fatal(err)
	}
	d2, err := dump.Parse(b.Bytes())
	if err != nil {
		t.Fatalf("JSON output is not a valid dump: %v", err)
	}
	if d2.SyscallCalls() != d.SyscallCalls() || d2.Syscalls[0].Name != "read" || d2.Check() != nil {
		t.Errorf("re-parsed dump differs: calls %d, first %q", d2.SyscallCalls(), d2.Syscalls[0].Name)
	}
	if !strings.Contains(b.String(), `"p50_ns": `) || !strings.Contains(b.String(), `"p99_ns": `) {
		t.Errorf("JSON lacks p50_ns/p99_ns")
	}
	var extra struct {
		Table    []Row     `json:"table"`
		Warnings []Warning `json:"warnings"`
	}
	if err := json.Unmarshal(b.Bytes(), &extra); err != nil {
		t.Fatal(err)
	}
	if len(extra.Table) != 9 || extra.Table[0].Name != "epoll_pwait" || len(extra.Warnings) != 3 {
		t.Errorf("JSON table has %d rows (first %+v), %d warnings; want 9, epoll_pwait, 3", len(extra.Table), extra.Table[0], len(extra.Warnings))
	}
	for _, r := range extra.Table {
		if r.Name == "futex" && (r.ByPath["raw"] != 1 || r.ByPath["runtime"] != 500 || r.ByPath["syscall"] != 0 || r.Eintr != 3) {
			t.Errorf("JSON futex row = %+v", r)
		}
	}
}

func TestDuration(t *testing.T) {
	for ns, want := range map[uint64]string{
		0: "0ns", 85: "85ns", 999: "999ns", 1000: "1.0us", 1234: "1.2us", 9960: "10us",
		10000: "10us", 40400: "40us", 123456: "123us", 999600: "1.0ms", 1200000: "1.2ms",
		3_500_000_000: "3.5s", 12_000_000_000: "12s",
	} {
		if got := duration(ns); got != want {
			t.Errorf("duration(%d) = %q, want %q", ns, got, want)
		}
	}
	for ns, want := range map[uint64]string{0: "0.000000", 12345678: "0.012346", 1_500_000_000: "1.500000", 999_999_600: "1.000000"} {
		if got := seconds(ns); got != want {
			t.Errorf("seconds(%d) = %q, want %q", ns, got, want)
		}
	}
}

// TestSum reports two copies of the basic fixture summed: the header
// says 2 dumps, every count in the table doubles, conservation still
// holds, and the JSON form carries the count and the files.
func TestSum(t *testing.T) {
	data, err := os.ReadFile("testdata/basic.dump.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range []string{"a.1.json", "b.2.json"} {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	srcs, err := dump.ReadSources(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.Sum(srcs)
	if err != nil {
		t.Fatal(err)
	}
	out := text(t, d)
	if !strings.HasPrefix(out, "syscope report: 2 dumps, go1.26.8 (plan go1.26)\n") {
		t.Errorf("first line wrong:\n%s", out)
	}
	// The basic fixture's total row (see TestTotalRow), doubled.
	f := fields(t, out, "total")
	want := []string{"100.00", "15166", "44", "6", "14084", "22", "1060"}
	if got := []string{f[0], f[3], f[4], f[5], f[6], f[7], f[8]}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("total row = %q, want %%time calls errors eintr syscall raw runtime = %q", f, want)
	}
	if !regexp.MustCompile(`(?m)^conservation: enter\+enter_block = 14108 = exits 14104 \+ inflight 4 \(ok\)$`).MatchString(out) {
		t.Errorf("conservation line of the sum wrong:\n%s", out)
	}
	// Quantiles of a sum of two equal dumps are those of one.
	if got, one := fields(t, out, "read")[3:6], fields(t, text(t, load(t, "basic")), "read")[3:6]; strings.Join(got, " ") != strings.Join(one, " ") {
		t.Errorf("read p50/p99/max of the sum %q, of one dump %q", got, one)
	}
	var b bytes.Buffer
	if err := JSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var head struct {
		Dumps   int      `json:"dumps"`
		Sources []string `json:"sources"`
	}
	if err := json.Unmarshal(b.Bytes(), &head); err != nil {
		t.Fatal(err)
	}
	if head.Dumps != 2 || len(head.Sources) != 2 || filepath.Base(head.Sources[1]) != "b.2.json" {
		t.Errorf("JSON dumps = %d, sources = %q", head.Dumps, head.Sources)
	}
	back, err := dump.Parse(b.Bytes())
	if err != nil {
		t.Fatalf("JSON of the sum is not a dump: %v", err)
	}
	if back.Count() != 2 || back.SyscallCalls() != 14084 {
		t.Errorf("JSON of the sum re-read: count %d, calls %d", back.Count(), back.SyscallCalls())
	}
	// One dump read alone keeps the header it always had.
	if out := text(t, load(t, "basic")); strings.Contains(strings.SplitN(out, "\n", 2)[0], "dump") {
		t.Errorf("a single dump's header mentions dumps: %q", strings.SplitN(out, "\n", 2)[0])
	}
}

// TestCallSites checks the digest of the stacks against the fixture's:
// at most three stacks per group, heaviest first, each shown by its first
// frame outside the runtime, syscall, os and internal/poll; and the JSON
// output keeps every stack whole.
func TestCallSites(t *testing.T) {
	d := load(t, "stacks")
	cs := Sites(d)
	var names []string
	for _, g := range cs.Syscalls {
		names = append(names, g.Name)
	}
	if got := strings.Join(names, " "); got != "epoll_pwait futex read" {
		t.Errorf("the call sites' system calls are %q, want the table's first three, epoll_pwait futex read", got)
	}
	read := cs.Syscalls[2]
	if len(read.Top) != 3 || read.Top[0].Site.Func != "main.pollRaw" || read.Top[1].Site.Func != "main.readLoop" ||
		read.Top[2].Site.Func != "main.blockRead" || read.Total != 4516000+3512004+1170110 || read.Calls != 4010 {
		t.Errorf("read's call sites %+v", read)
	}
	if cs.Threads.Total != 6 || len(cs.Threads.Top) != 3 || !reflect.DeepEqual(cs.Threads.Top[0], CallSite{Stack: 1, Site: d.Stacks.Stacks[1].Frames[3], Path: "syscall", Value: 3, Calls: 1000}) {
		t.Errorf("threads %+v", cs.Threads)
	}
	if cs.Retakes.Total != 45 || len(cs.Retakes.Top) != 2 || cs.Retakes.Top[0].Value != 42 || cs.Check != "ok" {
		t.Errorf("retakes %+v, check %q", cs.Retakes, cs.Check)
	}
	if Sites(load(t, "basic")) != nil || strings.Contains(text(t, load(t, "basic")), "call sites") {
		t.Errorf("a dump without stacks has call sites")
	}

	// An inexact table is a mismatch in the report.
	d.Events["thread_create"]++
	if out := text(t, d); !strings.Contains(out, "  call sites: threads 6 != thread_create 7 (MISMATCH)\n") {
		t.Errorf("no mismatch reported:\n%s", out)
	}

	var b bytes.Buffer
	if err := JSON(&b, load(t, "stacks")); err != nil {
		t.Fatal(err)
	}
	d2, err := dump.Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d2.Stacks, load(t, "stacks").Stacks) {
		t.Errorf("the JSON output's stacks differ from the dump's")
	}
}
