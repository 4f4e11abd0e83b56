package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The copy of Uncounted in docs/internals.md, between these lines.
const (
	docBegin = "<!-- uncounted: generated from report.Uncounted; go test ./report -run TestUncountedDoc -update rewrites it -->\n"
	docEnd   = "<!-- end uncounted -->\n"
)

// TestUncountedDoc fails when docs/internals.md does not show
// Uncounted as it is.
func TestUncountedDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "internals.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	before, rest, ok := strings.Cut(doc, docBegin)
	if !ok {
		t.Fatalf("%s has no line %q", path, strings.TrimSpace(docBegin))
	}
	old, after, ok := strings.Cut(rest, docEnd)
	if !ok {
		t.Fatalf("%s has no line %q after the first", path, strings.TrimSpace(docEnd))
	}
	want := UncountedMarkdown()
	if old == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(before+docBegin+want+docEnd+after), 0o666); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s shows an old list of the calls a cgo binary leaves uncounted (go test ./report -run TestUncountedDoc -update)\n--- has\n%s--- want\n%s", path, old, want)
}

func TestUncountedNames(t *testing.T) {
	names := UncountedNames()
	for i, n := range names {
		if i > 0 && names[i-1] >= n {
			t.Fatalf("UncountedNames not sorted and unique: %q", names)
		}
	}
	for _, p := range Uncounted {
		if p.Name == "" || p.What == "" || len(p.Calls) == 0 {
			t.Errorf("part %+v: a name, what it is and its calls, please", p)
		}
		for _, c := range p.Calls {
			if len(c.Names) == 0 || c.Why == "" {
				t.Errorf("%s: call %+v has no name or no reason", p.Name, c)
			}
		}
	}
}
