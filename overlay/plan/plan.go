// Package plan is the overlay generator's pure core: it parses syscope's
// hook plans (patches/*.plan, embedded in the binary), picks the one for a
// release, and applies a plan's edits to a source file's text. Reading
// GOROOTs, writing overlays and caching them is package overlay's.
//
// A plan is a txtar archive (patches/*.plan). Its comment holds
// directives; each section named after a GOROOT file holds the edits to
// that file. The files syscope adds are Go files under runtime/ and the
// other package directories, the same for every plan; what differs
// between releases there goes in build-tagged files.
//
//	releases go1.23 go1.25        # first release and last minor it covers
//	unsupported exit_slow_locked  # events that cannot occur on these releases
//	include hooks.inc             # defines shared by several plans
//	set g gp                      # ${g} in the plan's text and its defines
//	-- src/runtime/proc.go --
//	use common-hooks              # the edits a define holds, written here
//	edit enter                    # name, unique in the plan, for errors
//		func reentersyscall       # or: type m
//		after "gp := getg()"      # before, after, inside, before-each, top, field;
//		                          # several quoted anchors are alternatives
//		insert "syscopeEnter(gp.m)"   # or: insert DEFINE [KEY=VALUE...]
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
// for. "{site8}" in the code numbers a runtime syscall site: each line
// that uses it gets the next site, named by its TEXT symbol and the trap
// last moved into AX (or the vDSO, for "top"); "{msite8}" numbers it in
// the per-M table, which holds only the sites whose code has it. Jumps in inserted
// assembly go to labels ("JNE done; ...; done:"), which the generator
// turns into N(PC) counts, or are N(PC) counts that must land inside the
// insert or just past it.
//
// patches/README.md is the whole language, with its errors.
package plan

import (
	"fmt"
	"go/version"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/syscope/syscope"
	"github.com/syscope/syscope/internal/events"
)

// A Plan maps one range of Go releases onto syscope's hooks.
type Plan struct {
	Name        string // file name, e.g. "go1.26.plan"
	First, Last string // first release (go1.26) and last minor covered (go1.27)
	Unsupported []string
	Files       []*FileEdits
	Includes    []string        // the files "include" read, in order
	used        map[string]bool // the defines expanded, as "file: name"
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
	Mode   string   // before, after, inside, before-each, replace-each, top, field, flags
	Anchor string   // for errors: the alternatives joined by " | "
	Alts   []string // statement heads, any one of which anchors the edit
	Code   string
	Nth    int      // with several matches, use the Nth (1-based); 0 means exactly one
	Except []string // assembly: TEXT symbols that "func *" leaves out
	Body   string   // assembly: sha256 of the function's instructions (AsmBodyHash), checked before the edit
	Pos    string   // where the edit is written, e.g. "patches/hooks.inc:12 (from patches/go1.26.plan:20)"
}

var modes = map[string]bool{"before": true, "after": true, "inside": true, "before-each": true, "replace-each": true, "top": false, "field": false, "flags": false}

// Parse parses a plan file; name, its path in the embedded files
// (e.g. "patches/go1.26.plan"), is used in errors and to find the files
// it includes.
func Parse(name string, data []byte) (*Plan, error) {
	return ParseFS(syscope.Files, name, data)
}

// A srcLine is one line of plan text: what it says and where it was
// written; lines a "use" brings in also name the use.
type srcLine struct {
	text string
	pos  string
}

// A define is a named block of plan text: edits, or the lines of code
// that "insert NAME" inserts.
type define struct {
	name     string
	file     string
	pos      string
	defaults map[string]string
	body     []srcLine
}

// A scope holds the values of ${NAME} where a define is expanded: the
// use's KEY=VALUE arguments, then the enclosing scopes' (up to the
// plan's "set" lines), then the define's own defaults.
type scope struct {
	args, defaults map[string]string
	used           map[string]bool
	parent         *scope
}

func (s *scope) lookup(k string) (string, bool) {
	for t := s; t != nil; t = t.parent {
		if v, ok := t.args[k]; ok {
			t.used[k] = true
			return v, true
		}
	}
	for t := s; t != nil; t = t.parent {
		if v, ok := t.defaults[k]; ok {
			return v, true
		}
	}
	return "", false
}

type planParser struct {
	fsys     fs.FS
	p        *Plan
	defs     map[string]*define
	root     *scope
	active   []string // defines being expanded, innermost last
	included map[string]bool
	nlabels  int
}

// ParseFS is Parse with the files the plan includes read from fsys
// (patches/NAME for "include NAME") instead of the embedded plans.
func ParseFS(fsys fs.FS, name string, data []byte) (*Plan, error) {
	ar := txtar.Parse(data)
	p := &Plan{Name: name, used: map[string]bool{}}
	ps := &planParser{fsys: fsys, p: p, defs: map[string]*define{}, included: map[string]bool{name: true},
		root: &scope{args: map[string]string{}, used: map[string]bool{}}}
	if err := ps.header(name, string(ar.Comment), true); err != nil {
		return nil, err
	}
	if p.First == "" {
		return nil, fmt.Errorf("%s: missing \"releases\" directive", name)
	}
	line := strings.Count(string(ar.Comment), "\n")
	names := map[string]string{} // edit name -> where
	for _, f := range ar.Files {
		line++ // the -- name -- line
		var in []srcLine
		for i, t := range strings.SplitAfter(string(f.Data), "\n") {
			in = append(in, srcLine{strings.TrimSuffix(t, "\n"), fmt.Sprintf("%s:%d", name, line+i+1)})
		}
		line += strings.Count(string(f.Data), "\n")
		var out []srcLine
		if err := ps.expand(in, ps.root, f.Name, &out); err != nil {
			return nil, err
		}
		fe, err := parseEdits(f.Name, out)
		if err != nil {
			return nil, err
		}
		for _, e := range fe.Edits {
			if at, dup := names[e.Name]; dup {
				return nil, fmt.Errorf("%s: %s: edit %q: the name is already used at %s (edit names are unique in a plan)", e.Pos, f.Name, e.Name, at)
			}
			names[e.Name] = e.Pos
		}
		p.Files = append(p.Files, fe)
	}
	for k := range ps.root.args {
		if !ps.root.used[k] {
			return nil, fmt.Errorf("%s: set %s: ${%s} appears nowhere in the plan or the defines it uses", name, k, k)
		}
	}
	return p, nil
}

// header reads the directives of a plan's comment (plan is true) or of
// an included file.
func (ps *planParser) header(file, text string, plan bool) error {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		pos := fmt.Sprintf("%s:%d", file, i+1)
		f := strings.Fields(stripComment(lines[i]))
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "releases", "unsupported":
			if !plan {
				return fmt.Errorf("%s: %q belongs in a plan's header, not in an included file", pos, f[0])
			}
		}
		switch f[0] {
		case "releases":
			if len(f) != 3 || !version.IsValid(f[1]) || !version.IsValid(f[2]) {
				return fmt.Errorf("%s: want \"releases goX.Y goX.Y\"", pos)
			}
			ps.p.First, ps.p.Last = f[1], f[2]
		case "unsupported":
			for _, ev := range f[1:] {
				if names := events.Names(nil); !slices.Contains(names, ev) {
					return fmt.Errorf("%s: unsupported: no event %q (the dump's events are %s)", pos, ev, strings.Join(names, " "))
				}
				if slices.Contains(ps.p.Unsupported, ev) {
					return fmt.Errorf("%s: unsupported: %q is listed twice", pos, ev)
				}
				ps.p.Unsupported = append(ps.p.Unsupported, ev)
			}
		case "set":
			if len(f) < 3 || !nameRE.MatchString(f[1]) {
				return fmt.Errorf("%s: want \"set NAME VALUE...\"", pos)
			}
			if _, dup := ps.root.args[f[1]]; dup {
				return fmt.Errorf("%s: set %s: already set", pos, f[1])
			}
			ps.root.args[f[1]] = strings.Join(f[2:], " ")
		case "include":
			if len(f) != 2 {
				return fmt.Errorf("%s: want \"include FILE\"", pos)
			}
			inc := path.Join(path.Dir(file), f[1])
			if ps.included[inc] {
				return fmt.Errorf("%s: include %s: already included", pos, f[1])
			}
			ps.included[inc] = true
			data, err := fs.ReadFile(ps.fsys, inc)
			if err != nil {
				return fmt.Errorf("%s: include %s: %v", pos, f[1], err)
			}
			ps.p.Includes = append(ps.p.Includes, inc)
			if err := ps.header(inc, string(data), false); err != nil {
				return err
			}
		case "define":
			if len(f) < 2 || !nameRE.MatchString(f[1]) {
				return fmt.Errorf("%s: want \"define NAME [KEY=DEFAULT...]\"", pos)
			}
			d := &define{name: f[1], file: file, pos: pos, defaults: map[string]string{}}
			for _, a := range f[2:] {
				k, v, ok := strings.Cut(a, "=")
				if !ok || !nameRE.MatchString(k) {
					return fmt.Errorf("%s: define %s: %q is not KEY=DEFAULT", pos, f[1], a)
				}
				d.defaults[k] = v
			}
			if old := ps.defs[d.name]; old != nil {
				return fmt.Errorf("%s: define %s: already defined at %s", pos, d.name, old.pos)
			}
			j := i + 1
			for ; j < len(lines) && strings.TrimSpace(stripComment(lines[j])) != "end"; j++ {
				d.body = append(d.body, srcLine{lines[j], fmt.Sprintf("%s:%d", file, j+1)})
			}
			if j == len(lines) {
				return fmt.Errorf("%s: define %s: no \"end\"", pos, d.name)
			}
			ps.defs[d.name] = d
			i = j
		case "end":
			return fmt.Errorf("%s: \"end\" outside a define", pos)
		default:
			return fmt.Errorf("%s: unknown directive %q", pos, f[0])
		}
	}
	return nil
}

var (
	nameRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	varRE       = regexp.MustCompile(`\$\{([^}]*)\}`)
	labelRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*:$`)
	labelInsnRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*:)\s+(\S.*)$`)
	pcRE        = regexp.MustCompile(`^(-?[0-9]+)\(PC\)$`)
)

// subst replaces each ${NAME} in text with its value in sc.
func subst(text, pos string, sc *scope) (string, error) {
	var err error
	out := varRE.ReplaceAllStringFunc(text, func(m string) string {
		k := m[2 : len(m)-1]
		v, ok := sc.lookup(k)
		if !ok && err == nil {
			err = fmt.Errorf("%s: ${%s} is not set (set it in the plan's header, give the define a default, or pass %s=VALUE to use)", pos, k, k)
		}
		return v
	})
	return out, err
}

// useArgs splits the words after "use" or "insert" into define names and
// KEY=VALUE arguments, which come last.
func useArgs(pos string, words []string) (names []string, args map[string]string, err error) {
	args = map[string]string{}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok {
			if !nameRE.MatchString(k) {
				return nil, nil, fmt.Errorf("%s: %q is not KEY=VALUE", pos, w)
			}
			args[k] = v
			continue
		}
		if len(args) > 0 {
			return nil, nil, fmt.Errorf("%s: define name %q after the KEY=VALUE arguments", pos, w)
		}
		names = append(names, w)
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%s: no define named", pos)
	}
	return names, args, nil
}

// enter looks up the define a use names and makes its scope.
func (ps *planParser) enter(name, pos string, args map[string]string, used map[string]bool, env *scope) (*define, *scope, error) {
	d := ps.defs[name]
	if d == nil {
		return nil, nil, fmt.Errorf("%s: no define %q", pos, name)
	}
	if slices.Contains(ps.active, name) {
		return nil, nil, fmt.Errorf("%s: define %s uses itself (%s)", pos, name, strings.Join(append(ps.active, name), " -> "))
	}
	ps.p.used[d.file+": "+name] = true
	ps.active = append(ps.active, name)
	return d, &scope{args: args, defaults: d.defaults, used: used, parent: env}, nil
}

// unused fails if an argument of a use is not needed by its defines.
func unused(pos string, names []string, args map[string]string, used map[string]bool) error {
	for k, v := range args {
		if !used[k] {
			return fmt.Errorf("%s: %s=%s: ${%s} appears nowhere in %s", pos, k, v, k, strings.Join(names, ", "))
		}
	}
	return nil
}

// expand writes the lines of an edit section to out, with each "use"
// replaced by its defines' lines, each "insert NAME" by the quoted code
// of the define, and each ${NAME} by its value.
func (ps *planParser) expand(in []srcLine, env *scope, file string, out *[]srcLine) error {
	for _, l := range in {
		f := strings.Fields(stripComment(l.text))
		switch {
		case len(f) > 0 && f[0] == "use":
			names, args, err := useArgs(l.pos, f[1:])
			if err != nil {
				return err
			}
			used := map[string]bool{}
			for _, name := range names {
				d, sc, err := ps.enter(name, l.pos, args, used, env)
				if err != nil {
					return err
				}
				var body []srcLine
				for _, b := range d.body {
					body = append(body, srcLine{b.text, b.pos + " (from " + l.pos + ")"})
				}
				if err := ps.expand(body, sc, file, out); err != nil {
					return err
				}
				ps.active = ps.active[:len(ps.active)-1]
			}
			if err := unused(l.pos, names, args, used); err != nil {
				return err
			}
		case len(f) > 1 && f[0] == "insert" && !strings.HasPrefix(f[1], `"`):
			names, args, err := useArgs(l.pos, f[1:])
			if err != nil {
				return err
			}
			if len(names) != 1 {
				return fmt.Errorf("%s: insert takes one define, not %d", l.pos, len(names))
			}
			code, err := ps.code(names[0], l.pos, args, env)
			if err != nil {
				return err
			}
			*out = append(*out, srcLine{"insert " + strconv.Quote(strings.Join(code, "; ")), l.pos})
		default:
			text, err := subst(l.text, l.pos, env)
			if err != nil {
				return err
			}
			*out = append(*out, srcLine{text, l.pos})
		}
	}
	return nil
}

// code expands a define used as inserted code into its instructions (or
// statements), one per line or separated by ";". A label a define
// declares ("done:") is its own: two expansions never share one.
func (ps *planParser) code(name, pos string, args map[string]string, env *scope) ([]string, error) {
	used := map[string]bool{}
	d, sc, err := ps.enter(name, pos, args, used, env)
	if err != nil {
		return nil, err
	}
	defer func() { ps.active = ps.active[:len(ps.active)-1] }()
	ps.nlabels++
	tag := "\x00" + strconv.Itoa(ps.nlabels) // not in any plan text
	var segs []string
	for _, b := range d.body {
		text, err := subst(stripComment(b.text), b.pos, sc)
		if err != nil {
			return nil, err
		}
		for _, s := range splitInsns(text) {
			if s != "" { // blank lines and a trailing ";"
				segs = append(segs, s)
			}
		}
	}
	labels := map[string]bool{}
	for _, s := range segs {
		if labelRE.MatchString(s) {
			labels[strings.TrimSuffix(s, ":")] = true
		}
	}
	var out []string
	for _, s := range segs {
		f := strings.Fields(s)
		switch {
		case f[0] == "use":
			names, args, err := useArgs(pos, f[1:])
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				c, err := ps.code(n, d.pos+" (from "+pos+")", args, sc)
				if err != nil {
					return nil, err
				}
				out = append(out, c...)
			}
		case labelRE.MatchString(s):
			out = append(out, strings.TrimSuffix(s, ":")+tag+":")
		case len(f) == 2 && strings.HasPrefix(f[0], "J") && labels[f[1]]:
			out = append(out, f[0]+" "+f[1]+tag)
		default:
			out = append(out, s)
		}
	}
	if err := unused(pos, []string{name}, args, used); err != nil {
		return nil, err
	}
	return out, nil
}

// resolveJumps turns the labels of an assembly insert into N(PC) counts,
// which count instructions (the ";"-separated parts, labels not
// included), and checks every jump: one to N(PC) or a label must land
// on an instruction of the insert or just past its end; one to sym(SB)
// leaves it.
func resolveJumps(code string) (string, error) {
	var insns []string
	labels := map[string]int{}
	for _, s := range splitInsns(code) {
		switch {
		case s == "":
			return "", fmt.Errorf("empty instruction (two \";\" in a row, or one at an end)")
		case labelRE.MatchString(s) || strings.Contains(s, "\x00") && strings.HasSuffix(s, ":"):
			l := strings.TrimSuffix(s, ":")
			if _, dup := labels[l]; dup {
				return "", fmt.Errorf("label %q is defined twice", labelName(l))
			}
			labels[l] = len(insns)
		default:
			insns = append(insns, s)
		}
	}
	for i, in := range insns {
		op, arg, _ := strings.Cut(in, " ")
		if !strings.HasPrefix(op, "J") {
			continue
		}
		arg = strings.TrimSpace(arg)
		to := -1
		if m := pcRE.FindStringSubmatch(arg); m != nil {
			n, _ := strconv.Atoi(m[1])
			to = i + n
		} else if t, ok := labels[arg]; ok {
			to = t
			insns[i] = fmt.Sprintf("%s %d(PC)", op, t-i)
		} else if strings.HasSuffix(arg, "(SB)") {
			continue
		} else {
			return "", fmt.Errorf("%q: no label %q in the insert", labelName(in), labelName(arg))
		}
		if to == i || to < 0 || to > len(insns) {
			return "", fmt.Errorf("%q, instruction %d of %d, jumps to %d: outside the insert", labelName(insns[i]), i+1, len(insns), to+1)
		}
	}
	if len(labels) == 0 {
		return code, nil
	}
	return strings.Join(insns, "; "), nil
}

// splitInsns splits code at each ";" and after each label that starts
// an instruction ("done: RET"), trimming spaces. An empty part is kept,
// for resolveJumps to reject.
func splitInsns(code string) []string {
	var out []string
	for _, s := range strings.Split(code, ";") {
		s = strings.TrimSpace(s)
		if m := labelInsnRE.FindStringSubmatch(s); m != nil {
			out = append(out, m[1], m[2])
			continue
		}
		out = append(out, s)
	}
	return out
}

// labelName drops the tag that keeps a define's labels its own.
func labelName(s string) string {
	return regexp.MustCompile("\x00[0-9]+").ReplaceAllString(s, "")
}

func parseEdits(path string, lines []srcLine) (*FileEdits, error) {
	fe := &FileEdits{Path: path}
	asm := strings.HasSuffix(path, ".s")
	var cur *Edit
	finish := func() error {
		if cur == nil {
			return nil
		}
		where := fmt.Sprintf("%s: %s: edit %q", cur.Pos, path, cur.Name)
		switch {
		case cur.Func == "" && cur.Type == "":
			return fmt.Errorf("%s: needs \"func NAME\" or \"type NAME\"", where)
		case cur.Mode == "":
			return fmt.Errorf("%s: needs a position (before, after, inside, before-each, replace-each, top, field, flags)", where)
		case cur.Code == "":
			return fmt.Errorf("%s: needs \"insert\"", where)
		case cur.Mode == "field" && cur.Type == "":
			return fmt.Errorf("%s: \"field\" needs \"type NAME\"", where)
		}
		if asm && cur.Mode != "flags" {
			code, err := resolveJumps(cur.Code)
			if err != nil {
				return fmt.Errorf("%s: insert: %v", where, err)
			}
			cur.Code = code
		}
		if strings.Contains(cur.Code, "\x00") {
			return fmt.Errorf("%s: labels work in inserted assembly only", where)
		}
		fe.Edits = append(fe.Edits, cur)
		cur = nil
		return nil
	}
	for _, l := range lines {
		text := stripComment(l.text)
		if strings.TrimSpace(text) == "" {
			continue
		}
		key, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
		rest = strings.TrimSpace(rest)
		bad := func(msg string) error { return fmt.Errorf("%s: %s: %s", l.pos, path, msg) }
		if key == "edit" {
			if err := finish(); err != nil {
				return nil, err
			}
			if rest == "" {
				return nil, bad("edit needs a name")
			}
			cur = &Edit{Name: rest, Pos: l.pos}
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
				return nil, bad("insert needs a quoted string or a define's name")
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
