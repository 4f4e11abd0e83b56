package plan_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// TestErrorTable makes every generation error that patches/README.md
// lists happen, and fails on a row that no case produces or an error that
// no row describes.
func TestErrorTable(t *testing.T) {
	const hdr = "releases go1.26 go1.27\n"
	var errs []string
	add := func(what string, err error) {
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		errs = append(errs, err.Error())
	}
	inc := map[string]string{
		"a.inc":    "define d\nedit x\n\tfunc f\n\ttop\n\tinsert \"h()\"\nend\ndefine code\n\tNOP\nend\ndefine loop\n\tuse loop\nend\ndefine lab\ndone:\nend\n",
		"set.inc":  "unsupported exit_slow_locked\n",
		"self.inc": "include self.inc\n",
	}
	for _, text := range []string{
		"-- x.go --\n",
		"releases go1.26\n",
		hdr + "frobnicate\n",
		hdr + "unsupported exit_slow_lockd\n",
		hdr + "unsupported exit_slow_locked exit_slow_locked\n",
		hdr + "include set.inc\n",
		hdr + "set g\n",
		hdr + "set g a\nset g b\n",
		hdr + "set g gp\n",
		hdr + "include\n",
		hdr + "include a.inc\ninclude a.inc\n",
		hdr + "include gone.inc\n",
		hdr + "define\n",
		hdr + "define d x\nend\n",
		hdr + "define d\nend\ndefine d\nend\n",
		hdr + "define d\n",
		hdr + "end\n",
		hdr + "include a.inc\n-- x.go --\nuse k=v\n",
		hdr + "-- x.go --\nuse nosuch\n",
		hdr + "include a.inc\n-- x.go --\nuse d k=v code\n",
		hdr + "include a.inc\n-- x.go --\nuse d 1k=v\n",
		hdr + "include a.inc\n-- x.go --\nuse d k=v\n",
		hdr + "-- x.go --\nedit a\n\tfunc ${f}\n",
		hdr + "include a.inc\n-- x.go --\nuse loop\n",
		hdr + "include a.inc\n-- x.s --\nedit a\n\tfunc f\n\ttop\n\tinsert code code\n",
		hdr + "-- x.go --\nedit\n",
		hdr + "-- x.go --\nfunc f\n",
		hdr + "-- x.go --\nedit a\n\tsideways\n",
		hdr + "-- x.go --\nedit a\n\tafter x\n",
		hdr + "-- x.go --\nedit a\n\tbody sha256:00\n",
		hdr + "-- x.go --\nedit a\n\tnth 0\n",
		hdr + "-- x.go --\nedit a\n\tinsert \"h()\n",
		hdr + "-- x.go --\nedit a\n\ttop\n\tinsert \"h()\"\n",
		hdr + "-- x.go --\nedit a\n\tfunc f\n\tinsert \"h()\"\n",
		hdr + "-- x.go --\nedit a\n\tfunc f\n\ttop\n",
		hdr + "-- x.go --\nedit a\n\tfunc f\n\tfield\n\tinsert \"h()\"\n",
		hdr + "-- x.s --\nedit a\n\tfunc f\n\ttop\n\tinsert \"NOP;; NOP\"\n",
		hdr + "-- x.s --\nedit a\n\tfunc f\n\ttop\n\tinsert \"l: NOP; l: NOP\"\n",
		hdr + "-- x.s --\nedit a\n\tfunc f\n\ttop\n\tinsert \"JEQ nowhere; NOP\"\n",
		hdr + "-- x.s --\nedit a\n\tfunc f\n\ttop\n\tinsert \"JEQ 15(PC); NOP\"\n",
		hdr + "include a.inc\n-- x.go --\nedit a\n\tfunc f\n\ttop\n\tinsert lab\n",
		hdr + "-- x.go --\nedit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n-- y.go --\nedit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n",
	} {
		_, err := plan.ParseWith(text, inc)
		add(text, err)
	}

	apply := func(path, src, edits string) {
		t.Helper()
		p, err := plan.ParseWith(hdr+"-- "+path+" --\n"+edits, nil)
		if err != nil {
			t.Fatalf("%s: %v", edits, err)
		}
		var sites []plan.Site
		_, err = plan.Apply("t.plan", p.Files[0], []byte(src), &sites)
		add(edits, err)
	}
	goSrc := plan.GoSrc + "type m struct{ a int }\ntype e struct{}\n"
	apply("x.go", goSrc+"// syscope\n", "edit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\ttype nosuch\n\tfield\n\tinsert \"h int\"\n")
	apply("x.go", goSrc, "edit a\n\ttype e\n\tfield\n\tinsert \"h int\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc g\n\ttop\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\tbefore \"missing()\"\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\tbefore \"work()\"\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\tbefore \"work()\"\n\tnth 4\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\tinside \"gp := getg()\"\n\tinsert \"h()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\ttop\n\tinsert \"h()\\nh()\"\n")
	apply("x.go", goSrc, "edit a\n\tfunc f\n\ttop\n\tinsert \"}\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·f\n\tinside \"RET\"\n\tinsert \"NOP\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·nosuch ·f\n\tbefore \"RET\"\n\tinsert \"NOP\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·f\n\tbefore \"NOP\"\n\tinsert \"NOP\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc *\n\tbefore \"RET\"\n\tinsert \"NOP\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·f\n\ttop\n\tbody sha256:"+strings.Repeat("0", 64)+"\n\tinsert \"NOP\"\n")
	apply("x.s", "TEXT ·f(SB)\n\tRET\n", "edit a\n\tfunc ·f\n\tflags\n\tinsert \"NOFRAME\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·f\n\treplace-each \"SYSCALL\"\n\tinsert \"NOP\"\n")
	apply("x.s", plan.AsmSrc, "edit a\n\tfunc ·f\n\ttop\n\tinsert \"INCQ x+{site8:nosuch}(SB)\"\n")
	p, _ := plan.ParseWith(hdr+"-- x.s --\nedit a\n\tfunc ·f\n\ttop\n\tinsert \"INCQ x+{site8}(SB)\"\n", nil)
	_, err := plan.Apply("t.plan", p.Files[0], []byte(plan.AsmSrc), nil)
	add("no site table", err)

	plans, _ := plan.All()
	_, err = plan.Select(plans, "go1.15.15", false)
	add("old release", err)
	dir := t.TempDir()
	_, err = releases.Version(dir)
	add("no VERSION", err)
	os.WriteFile(filepath.Join(dir, "VERSION"), []byte("devel +abc\n"), 0o644)
	_, err = releases.Version(dir)
	add("devel VERSION", err)
	p, _ = plan.ParseWith(hdr+"-- src/runtime/x.go | src/x.go --\nedit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n", nil)
	_, err = overlay.Files(dir, "go1.26.8", p)
	add("missing file", err)

	readme, err := os.ReadFile("../../patches/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "## Generation errors")
	table, _, _ = strings.Cut(table, "\n## ")
	var rows []*regexp.Regexp
	var texts []string
	for _, l := range strings.Split(table, "\n") {
		if !strings.HasPrefix(l, "| `") {
			continue
		}
		msg, _, _ := strings.Cut(strings.TrimPrefix(l, "| `"), "` |")
		msg = strings.ReplaceAll(msg, `\|`, "|")
		parts := strings.Split(msg, "…")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		rows = append(rows, regexp.MustCompile(strings.Join(parts, ".*")+"$"))
		texts = append(texts, msg)
	}
	if len(rows) < 60 {
		t.Fatalf("README lists %d generation errors", len(rows))
	}
	hit := make([]bool, len(rows))
	for _, e := range errs {
		for _, line := range strings.Split(e, "\n") {
			found := false
			for i, re := range rows {
				if re.MatchString(line) {
					hit[i], found = true, true
				}
			}
			if !found {
				t.Errorf("error not in patches/README.md's table: %s", line)
			}
		}
	}
	for i, h := range hit {
		if !h {
			t.Errorf("README row `%s`: no case makes it happen", texts[i])
		}
	}
}
