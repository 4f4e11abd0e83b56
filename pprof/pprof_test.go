package pprof

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/syscope/syscope/dump"
)

// fixture reads a dump with stacks from report/testdata, written by hand
// to the schema.
func fixture(t *testing.T, name string) *dump.Dump {
	t.Helper()
	d, err := dump.Read(filepath.Join("..", "report", "testdata", name+".dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// written returns the profile of d as Write writes it, and as
// profile.Parse reads it back.
func written(t *testing.T, d *dump.Dump) ([]byte, *profile.Profile) {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("profile.Parse: %v", err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("CheckValid: %v", err)
	}
	return b.Bytes(), p
}

func TestProfile(t *testing.T) {
	d := fixture(t, "stacks")
	_, p := written(t, d)
	var types []string
	for _, st := range p.SampleType {
		types = append(types, st.Type+"/"+st.Unit)
	}
	if got, want := strings.Join(types, " "), "calls/count time/nanoseconds lost_p/count retakes/count threads/count"; got != want {
		t.Errorf("sample types %q, want %q", got, want)
	}
	if p.DefaultSampleType != "time" {
		t.Errorf("default sample type %q", p.DefaultSampleType)
	}
	if len(p.Sample) != len(d.Stacks.Stacks) {
		t.Fatalf("%d samples for %d stacks", len(p.Sample), len(d.Stacks.Stacks))
	}
	for i, s := range d.Stacks.Stacks {
		sm := p.Sample[i]
		want := []int64{int64(s.Calls), int64(s.TimeNS), int64(s.LostP), int64(s.Retakes), int64(s.Threads)}
		if !slices.Equal(sm.Value, want) {
			t.Errorf("stack %d: values %v, want %v", i, sm.Value, want)
		}
		if len(sm.Location) != len(s.Frames) {
			t.Fatalf("stack %d: %d locations for %d frames", i, len(sm.Location), len(s.Frames))
		}
		for j, f := range s.Frames {
			l := sm.Location[j]
			if len(l.Line) != 1 || l.Line[0].Function.Name != f.Func || l.Line[0].Function.Filename != f.File || l.Line[0].Line != int64(f.Line) {
				t.Errorf("stack %d frame %d: location %+v, want %s", i, j, l.Line, f)
			}
		}
		if got := strings.Join(sm.Label["syscall"], ","); got != s.Syscall {
			t.Errorf("stack %d: syscall label %q, want %q", i, got, s.Syscall)
		}
		if got := strings.Join(sm.Label["path"], ","); got != s.Path {
			t.Errorf("stack %d: path label %q, want %q", i, got, s.Path)
		}
		if got := sm.NumLabel["inflight"]; s.Inflight > 0 && (len(got) != 1 || got[0] != int64(s.Inflight)) {
			t.Errorf("stack %d: inflight label %v, want %d", i, got, s.Inflight)
		}
	}
	// The same frame is one location and one function, wherever it is.
	seen := map[string]bool{}
	for _, l := range p.Location {
		key := fmt.Sprintf("%s %s:%d", l.Line[0].Function.Name, l.Line[0].Function.Filename, l.Line[0].Line)
		if seen[key] {
			t.Errorf("location %s appears twice", key)
		}
		seen[key] = true
	}
	for _, c := range p.Comments {
		if strings.Contains(c, "truncated") {
			t.Errorf("a table that is not truncated has the comment %q", c)
		}
	}
}

func TestTruncated(t *testing.T) {
	d := fixture(t, "truncated")
	_, p := written(t, d)
	var marked []*profile.Sample
	for _, sm := range p.Sample {
		if len(sm.Label["truncated"]) > 0 {
			marked = append(marked, sm)
		}
	}
	if len(marked) != 1 || len(marked[0].Location) != 1 || marked[0].Location[0].Line[0].Function.Name != dump.TruncatedFunc {
		t.Fatalf("want one sample labelled truncated, with the one frame %s; got %d", dump.TruncatedFunc, len(marked))
	}
	if got := marked[0].Value[4]; got != 3 {
		t.Errorf("the truncated stack has %d threads, want 3", got)
	}
	if !strings.Contains(strings.Join(p.Comments, "\n"), "truncated: some counts are on the sample syscope.truncated, a stack of no frames: stacks that did not fit in the runtime's stack table (3 stacks)") {
		t.Errorf("no comment marks the table truncated: %q", p.Comments)
	}
}

func TestNoStacks(t *testing.T) {
	d := fixture(t, "stacks")
	d.Stacks = nil
	var b bytes.Buffer
	if err := Write(&b, d); !errors.Is(err, dump.ErrNoStacks) {
		t.Fatalf("Write of a dump without stacks: %v, want ErrNoStacks", err)
	}
	if b.Len() != 0 {
		t.Errorf("%d bytes written", b.Len())
	}
}

// TestGoToolPprof runs go tool pprof on the profile of the fixture, as a
// user would: -raw prints every sample, -top -sample_index=threads the
// functions by the threads they caused.
func TestGoToolPprof(t *testing.T) {
	data, _ := written(t, fixture(t, "stacks"))
	file := filepath.Join(t.TempDir(), "stacks.pb.gz")
	if err := os.WriteFile(file, data, 0o666); err != nil {
		t.Fatal(err)
	}
	pprof := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("go", append(append([]string{"tool", "pprof"}, args...), file)...).Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("go tool pprof %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return string(out)
	}

	raw := pprof("-raw")
	for _, re := range []string{
		`(?m)^calls/count time/nanoseconds\[dflt\] lost_p/count retakes/count threads/count$`,
		`(?m)^ +1000 +1170110 +148 +42 +3: `,
		`path:\[syscall\] syscall:\[epoll_pwait\]`,
		`inflight:\[2 count\]`,
		`main\.blockRead /src/app/block\.go:18`,
	} {
		if !regexp.MustCompile(re).MatchString(raw) {
			t.Errorf("go tool pprof -raw does not match %s:\n%s", re, raw)
		}
	}

	// Flat, threads go to the innermost frame; from main down, to the
	// program's own function that caused them.
	top := pprof("-top", "-sample_index=threads")
	if !regexp.MustCompile(`(?m)^Type: threads$`).MatchString(top) ||
		!regexp.MustCompile(`(?m)^ +0 +0% +100% +3 50\.00% +main\.blockRead$`).MatchString(top) {
		t.Errorf("go tool pprof -top -sample_index=threads:\n%s", top)
	}
	top = pprof("-top", "-sample_index=threads", "-hide="+Hide)
	if !regexp.MustCompile(`(?m)^ +flat .*\n +3 50\.00% 50\.00% +3 50\.00%  main\.blockRead\n +1 16\.67% 66\.67% +1 16\.67%  main\.serve\n$`).MatchString(top) {
		t.Errorf("go tool pprof -top -sample_index=threads -hide=%s: want main.blockRead with 3, then main.serve with 1, and nothing else:\n%s", Hide, top)
	}
}
