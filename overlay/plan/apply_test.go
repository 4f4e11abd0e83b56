package plan

import (
	"bytes"
	"strings"
	"testing"
)

const src = `package runtime

func f() {
	gp := getg()
	gp.m.locks++ // see comment
	if ok {
		work()
	}
	work()
	work()
}
`

func fileEdits(t *testing.T, edits string) *FileEdits {
	t.Helper()
	p, err := Parse("test.plan", []byte("releases go1.26 go1.27\n-- src/runtime/x.go --\n"+edits))
	if err != nil {
		t.Fatal(err)
	}
	return p.Files[0]
}

func TestApplyKeepsLines(t *testing.T) {
	fe := fileEdits(t, `
edit a
	func f
	after "gp.m.locks++ // see comment"
	insert "hookA()"
edit b
	func f
	inside "if ok {"
	insert "hookB()"
edit c
	func f
	before-each "work()"
	insert "hookC()"
edit d
	func f
	top
	insert "hookD()"
`)
	out, err := Apply("test.plan", fe, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bytes.Count(out, []byte("\n")), bytes.Count([]byte(src), []byte("\n")); got != want {
		t.Errorf("patched file has %d lines, want %d", got, want)
	}
	for _, want := range []string{
		"func f() { hookD();",
		"gp.m.locks++; hookA() // see comment",
		"if ok { hookB();",
		"\t\thookC(); work()",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("patched file lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(string(out), "hookC()"); n != 3 {
		t.Errorf("before-each inserted %d times, want 3", n)
	}
}

func TestApplyErrors(t *testing.T) {
	for _, tc := range []struct{ edits, want string }{
		{"edit gone\n\tfunc f\n\tbefore \"missing()\"\n\tinsert \"h()\"\n",
			`test.plan: src/runtime/x.go: edit "gone": anchor "missing()" not found in func f`},
		{"edit twice\n\tfunc f\n\tbefore \"work()\"\n\tinsert \"h()\"\n",
			`edit "twice": anchor "work()" matched 3 times in func f, want 1`},
		{"edit nofunc\n\tfunc g\n\ttop\n\tinsert \"h()\"\n",
			`edit "nofunc": func g not found`},
		{"edit noblock\n\tfunc f\n\tinside \"gp := getg()\"\n\tinsert \"h()\"\n",
			`has no block to insert into`},
	} {
		_, err := Apply("test.plan", fileEdits(t, tc.edits), []byte(src), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want it to contain %q", err, tc.want)
		}
	}
	if _, err := Apply("test.plan", fileEdits(t, "edit a\n\tfunc f\n\ttop\n\tinsert \"h()\"\n"), []byte(src+"// syscope\n"), nil); err == nil {
		t.Error("patching an already patched file succeeded")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ plan, want string }{
		{"-- src/runtime/x.go --\n", `missing "releases"`},
		{"releases go1.26\n", `want "releases goX.Y goX.Y"`},
		{"releases go1.26 go1.27\n-- x.go --\nedit a\n\tfunc f\n\tinsert \"h()\"\n", "needs a position"},
		{"releases go1.26 go1.27\n-- x.go --\nedit a\n\tfunc f\n\tsideways \"x\"\n", `unknown keyword "sideways"`},
	} {
		_, err := Parse("t.plan", []byte(tc.plan))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want %q", tc.plan, err, tc.want)
		}
	}
}

func TestSelect(t *testing.T) {
	plans, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"go1.26.8": "patches/go1.26.plan", "go1.27.4": "patches/go1.26.plan", "go1.25.14": "patches/go1.20.plan", "go1.20.0": "patches/go1.20.plan"} {
		p, err := Select(plans, v, false)
		if err != nil || p.Name != want {
			t.Errorf("Select(%s) = %v, %v; want %s", v, p, err, want)
		}
	}
	if _, err := Select(plans, "go1.15.15", false); err == nil || !strings.Contains(err.Error(), "go1.15.15 is not supported: syscope supports go1.") {
		t.Errorf("old release: %v", err)
	}
	if _, err := Select(plans, "go1.99.1", false); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("new release: %v", err)
	}
	if p, err := Select(plans, "go1.99.1", true); err != nil || p != plans[len(plans)-1] {
		t.Errorf("-force on a new release: %v, %v", p, err)
	}
}
