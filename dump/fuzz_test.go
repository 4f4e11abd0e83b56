package dump

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// seedDumps adds every real dump the repository keeps as a seed: the
// fixtures here and report's, written by instrumented programs.
func seedDumps(f *testing.F, add func(b []byte)) {
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("../report/testdata/*.dump.json")
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	add([]byte(`{"schema":"syscope/v1"}`))
	add([]byte(`{"schema":"syscope/v2"}`))
	add([]byte(`{}{}`))
}

// FuzzParse: Parse never panics, and a dump it accepts can be checked,
// summed, diffed with itself, and written and parsed again to the same
// figures.
func FuzzParse(f *testing.F) {
	seedDumps(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		d.Check()
		d.CheckStacks()
		s, err := Sum([]Source{{Path: "a.json", Dump: d}})
		if err == nil {
			s.Check()
		}
		Diff(Source{Path: "a.json", Dump: d}, Source{Path: "b.json", Dump: d})
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal of a parsed dump: %v", err)
		}
		d2, err := Parse(b)
		if err != nil {
			t.Fatalf("a parsed dump, written again, does not parse: %v\n%s", err, b)
		}
		for name, n := range d.Events {
			if d2.Events[name] != n {
				t.Fatalf("event %s: %d, written and parsed again %d", name, n, d2.Events[name])
			}
		}
	})
}

// FuzzDiffSum: Diff and Sum of any two dumps Parse accepts never panic,
// and a difference they return is itself a dump that Check accepts or
// rejects without panicking.
func FuzzDiffSum(f *testing.F) {
	var seeds [][]byte
	seedDumps(f, func(b []byte) { seeds = append(seeds, b) })
	for i := range seeds {
		f.Add(seeds[i], seeds[(i+1)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		da, err := Parse(a)
		if err != nil {
			return
		}
		db, err := Parse(b)
		if err != nil {
			return
		}
		old, new := Source{Path: "old.json", Dump: da}, Source{Path: "new.json", Dump: db}
		if d, err := Diff(old, new); err == nil {
			d.Check()
		}
		if d, err := Sum([]Source{old, new}); err == nil {
			d.Check()
			d.CheckStacks()
		}
	})
}
