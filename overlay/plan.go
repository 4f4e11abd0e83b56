// Package overlay turns a GOROOT and a hook plan into the files of a
// `go build -overlay` directory: patched copies of runtime and syscall
// sources plus syscope's own added files.
//
// A plan is a txtar archive (patches/*.plan). Its comment holds
// directives; each section named after a GOROOT file holds the edits to
// that file; a section whose name starts with "+" is a file to add.
//
//	releases go1.23 go1.25        # first release and last minor it covers
//	unsupported exit_slow_locked  # events that cannot occur on these releases
//	-- src/runtime/proc.go --
//	edit enter                    # name, for errors
//		func reentersyscall       # or: type m
//		after "gp := getg()"      # before, after, inside, before-each, top, field;
//		                          # several quoted anchors are alternatives
//		insert "syscopeEnter(gp.m)"
//		nth 1                     # optional: the first of several matches, in source order
//
// Anchors are statements matched by their first source line, found with
// go/ast inside the named function only. Inserted code always goes on an
// existing line, so every original line keeps its number.
//
// In assembly files "func" names TEXT symbols: one, several, or "*" for
// all of them ("except NAME..." leaves some out). "replace-each" swaps
// every anchor line for the inserted code, which must repeat the anchor's
// instruction, "top" goes on the TEXT line, and "flags" replaces the TEXT
// line's flags (the inserted code), e.g. to keep a wrapper frameless.
// "body sha256:HEX" pins the function's instructions (see AsmBodyHash):
// an edit that hands the whole call to syscope's own code, as the
// Syscall6 wrapper's does, applies only to the body that code stands in
// for. "{site8}" in
// the code numbers a runtime syscall site: each line that uses it gets
// the next site, named by its TEXT symbol and the trap last moved into
// AX (or the vDSO, for "top").
package overlay

import (
	"bufio"
	"fmt"
	"go/version"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"
)

// A Plan maps one range of Go releases onto syscope's hooks.
type Plan struct {
	Name        string // file name, e.g. "go1.26.plan"
	First, Last string // first release (go1.26) and last minor covered (go1.27)
	Unsupported []string
	Files       []*FileEdits
	Added       map[string][]byte // GOROOT-relative path -> content
}

// FileEdits are the edits to one GOROOT file.
type FileEdits struct {
	Path  string // GOROOT-relative, slash separated
	Edits []*Edit
}

// An Edit inserts Code at an anchor inside one function or type.
type Edit struct {
	Name   string
	Func   string // function name, or "" when Type is set
	Type   string
	Mode   string   // before, after, inside, before-each, top, field
	Anchor string   // for errors: the alternatives joined by " | "
	Alts   []string // statement heads, any one of which anchors the edit
	Code   string
	Nth    int      // with several matches, use the Nth (1-based); 0 means exactly one
	Except []string // assembly: TEXT symbols that "func *" leaves out
	Body   string   // assembly: sha256 of the function's instructions (AsmBodyHash), checked before the edit
	line   int      // line in the plan, for errors
}

var modes = map[string]bool{"before": true, "after": true, "inside": true, "before-each": true, "replace-each": true, "top": false, "field": false, "flags": false}

// ParsePlan parses a plan file. name is used in errors.
func ParsePlan(name string, data []byte) (*Plan, error) {
	ar := txtar.Parse(data)
	p := &Plan{Name: name, Added: map[string][]byte{}}
	sc := bufio.NewScanner(strings.NewReader(string(ar.Comment)))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(stripComment(sc.Text()))
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "releases":
			if len(f) != 3 || !version.IsValid(f[1]) || !version.IsValid(f[2]) {
				return nil, fmt.Errorf("%s:%d: want \"releases goX.Y goX.Y\"", name, n)
			}
			p.First, p.Last = f[1], f[2]
		case "unsupported":
			p.Unsupported = append(p.Unsupported, f[1:]...)
		default:
			return nil, fmt.Errorf("%s:%d: unknown directive %q", name, n, f[0])
		}
	}
	if p.First == "" {
		return nil, fmt.Errorf("%s: missing \"releases\" directive", name)
	}
	line := strings.Count(string(ar.Comment), "\n")
	for _, f := range ar.Files {
		line++ // the -- name -- line
		if path, ok := strings.CutPrefix(f.Name, "+"); ok {
			p.Added[path] = f.Data
		} else {
			fe, err := parseEdits(name, f.Name, line, f.Data)
			if err != nil {
				return nil, err
			}
			p.Files = append(p.Files, fe)
		}
		line += strings.Count(string(f.Data), "\n")
	}
	return p, nil
}

func parseEdits(plan, path string, line0 int, data []byte) (*FileEdits, error) {
	fe := &FileEdits{Path: path}
	var cur *Edit
	finish := func() error {
		if cur == nil {
			return nil
		}
		where := fmt.Sprintf("%s:%d: %s: edit %q", plan, cur.line, path, cur.Name)
		switch {
		case cur.Func == "" && cur.Type == "":
			return fmt.Errorf("%s: needs \"func NAME\" or \"type NAME\"", where)
		case cur.Mode == "":
			return fmt.Errorf("%s: needs a position (before, after, inside, before-each, top, field)", where)
		case cur.Code == "":
			return fmt.Errorf("%s: needs \"insert\"", where)
		case cur.Mode == "field" && cur.Type == "":
			return fmt.Errorf("%s: \"field\" needs \"type NAME\"", where)
		}
		fe.Edits = append(fe.Edits, cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := line0 + 1; sc.Scan(); n++ {
		text := stripComment(sc.Text())
		if strings.TrimSpace(text) == "" {
			continue
		}
		key, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
		rest = strings.TrimSpace(rest)
		bad := func(msg string) error { return fmt.Errorf("%s:%d: %s: %s", plan, n, path, msg) }
		if key == "edit" {
			if err := finish(); err != nil {
				return nil, err
			}
			if rest == "" {
				return nil, bad("edit needs a name")
			}
			cur = &Edit{Name: rest, line: n}
			continue
		}
		if cur == nil {
			return nil, bad(fmt.Sprintf("%q outside an edit", key))
		}
		switch {
		case key == "func":
			cur.Func = rest
		case key == "type":
			cur.Type = rest
		case key == "except":
			cur.Except = strings.Fields(rest)
		case key == "body":
			h, ok := strings.CutPrefix(rest, "sha256:")
			if !ok || len(h) != 64 {
				return nil, bad("body needs sha256:HEX (a mismatch names the hash it found)")
			}
			cur.Body = h
		case key == "nth":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 1 {
				return nil, bad("nth needs a positive number")
			}
			cur.Nth = n
		case key == "insert":
			s, err := strconv.Unquote(rest)
			if err != nil {
				return nil, bad("insert needs a quoted string")
			}
			cur.Code = s
		default:
			needs, ok := modes[key]
			if !ok {
				return nil, bad(fmt.Sprintf("unknown keyword %q", key))
			}
			cur.Mode = key
			if needs {
				alts, err := unquoteAll(rest)
				if err != nil || len(alts) == 0 {
					return nil, bad(key + " needs quoted anchors")
				}
				cur.Alts = alts
				cur.Anchor = strings.Join(alts, " | ")
			}
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return fe, nil
}

// unquoteAll splits `"a" "b"` into its strings.
func unquoteAll(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, err
		}
		u, _ := strconv.Unquote(q)
		out = append(out, u)
		s = s[len(q):]
	}
	return out, nil
}

// stripComment drops a "#" comment that is not inside a quoted string.
func stripComment(s string) string {
	inq := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inq = !inq
		case '#':
			if !inq {
				return s[:i]
			}
		}
	}
	return s
}

// Covers reports whether the plan covers release v (e.g. "go1.26.8").
func (p *Plan) Covers(v string) bool {
	return version.Compare(v, p.First) >= 0 && version.Compare(version.Lang(v), p.Last) <= 0
}
