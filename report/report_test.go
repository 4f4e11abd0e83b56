package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
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
		if len(line) > labelCol && regexp.MustCompile(`^ *\d+\.\d\d `).MatchString(line) {
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
	// 4000+2500+300+120+120+2+0 calls, 17+4 errors.
	f := fields(t, out, "total")
	if want := []string{"100.00", seconds(d.SyscallTotalNS()), "7042", "21"}; f[0] != want[0] || f[1] != want[1] || f[3] != want[2] || f[4] != want[3] {
		t.Errorf("total row = %q, want %%time, seconds, calls, errors = %q", f, want)
	}
	if d.SyscallCalls() != 7042 {
		t.Errorf("SyscallCalls = %d, want 7042", d.SyscallCalls())
	}
	read := fields(t, out, "read")
	if read[6] != "4000" || read[7] != "17" {
		t.Errorf("read row = %q, want 4000 calls, 17 errors", read)
	}
}

func TestOrdering(t *testing.T) {
	// Ties on total time (5000ns) break by calls, then trap.
	out := text(t, load(t, "edge"))
	want := []string{"getpid", "clock_gettime (vdso)", "read (syscall)", "write", "read (raw)", "unknown", "open", "total"}
	got, _ := tableRows(out)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("row order = %q, want %q", got, want)
	}

	// In the basic fixture, total time must never increase down the table.
	d := load(t, "basic")
	rs := rows(d)
	for i := 1; i < len(rs); i++ {
		if rs[i].TotalNS > rs[i-1].TotalNS {
			t.Errorf("row %d (%s, %dns) after row %d (%s, %dns)", i, rs[i].Label, rs[i].TotalNS, i-1, rs[i-1].Label, rs[i-1].TotalNS)
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
	if strings.Contains(out, "warning:") {
		t.Errorf("consistent dump has a warning")
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
	if d2.SyscallCalls() != d.SyscallCalls() || d2.Syscalls[0].Name != "epoll_pwait" || d2.Check() != nil {
		t.Errorf("re-parsed dump differs: calls %d, first %q", d2.SyscallCalls(), d2.Syscalls[0].Name)
	}
	if !strings.Contains(b.String(), `"p50_ns": `) || !strings.Contains(b.String(), `"p99_ns": `) {
		t.Errorf("JSON lacks p50_ns/p99_ns")
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
