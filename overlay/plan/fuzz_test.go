package plan

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: the plan parser never panics, on the plans syscope
// ships and on anything else; a plan it accepts has a name.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../patches/*.plan")
	inc, _ := filepath.Glob("../patches/*.inc")
	for _, p := range append(files, inc...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(p), b)
	}
	f.Add("x.plan", []byte("releases go1.30 go1.29\n"))
	f.Add("x.plan", []byte("-- src/runtime/proc.go --\nedit a\n\tfunc f\n\ttop\n\tinsert \"x\"\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := Parse(name, data)
		if err == nil && p == nil {
			t.Fatalf("ParsePlan returned no plan and no error")
		}
	})
}
