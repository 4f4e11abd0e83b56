package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/syscope/syscope/internal/sysnames"
)

// A Site is one runtime SYSCALL (or vDSO call) that an assembly edit
// numbered with {site8}.
type Site struct {
	Func string // TEXT symbol, e.g. "runtime·futex"
	Trap int    // -1 when no "MOV $SYS_x, AX" precedes it
	VDSO bool
	M    int // the site's index in the per-M table ({msite8}), or -1
}

// site8 is the placeholder for the byte offset of a new runtime site in
// the global count tables; {site8:NAME} names its system call. msite8,
// in the same code, is its byte offset in the per-M table, which holds
// only the sites whose code has it.
var (
	site8  = regexp.MustCompile(`\{site8(?::([a-z_0-9]+))?\}`)
	msite8 = "{msite8}"
)

// Apply applies fe's edits to src and returns the patched text. It
// never changes the number of lines, and it fails, naming the edit, the
// function and the anchor, when an anchor is missing or ambiguous.
// Assembly edits that number sites append them to *sites.
func Apply(plan string, fe *FileEdits, src []byte, sites *[]Site) ([]byte, error) {
	if bytes.Contains(src, []byte("syscope")) {
		return nil, fmt.Errorf("%s: %s: already mentions syscope (a patched GOROOT?)", plan, fe.Path)
	}
	if strings.HasSuffix(fe.Path, ".s") {
		return applyAsm(plan, fe, src, sites)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, fe.Path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", plan, fe.Path, err)
	}
	tf := fset.File(f.Pos())
	type ins struct {
		off   int
		text  string
		order int
	}
	var all []ins
	var errs []string
	for i, e := range fe.Edits {
		where := fmt.Sprintf("%s: %s: edit %q", plan, fe.Path, e.Name)
		offs, err := locate(f, tf, src, e)
		if err != nil {
			errs = append(errs, where+": "+err.Error())
			continue
		}
		for _, off := range offs {
			text := e.Code
			switch e.Mode {
			case "before":
				text = e.Code + "; "
			case "before-each":
				text = e.Code + "; "
			case "after", "field":
				text = "; " + e.Code
			case "inside", "top":
				text = " " + e.Code + ";"
			}
			all = append(all, ins{off, text, i})
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].off != all[j].off {
			return all[i].off > all[j].off
		}
		return all[i].order > all[j].order
	})
	out := append([]byte(nil), src...)
	for _, in := range all {
		if strings.Contains(in.text, "\n") {
			return nil, fmt.Errorf("%s: %s: inserted code must not contain a newline", plan, fe.Path)
		}
		out = append(out[:in.off], append([]byte(in.text), out[in.off:]...)...)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), fe.Path, out, parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("%s: %s: patched file does not parse: %w", plan, fe.Path, err)
	}
	return out, nil
}

// locate returns the byte offsets where e's code goes.
func locate(f *ast.File, tf *token.File, src []byte, e *Edit) ([]int, error) {
	off := func(p token.Pos) int { return tf.Offset(p) }
	if e.Type != "" {
		st := findType(f, e.Type)
		if st == nil {
			return nil, fmt.Errorf("struct type %s not found", e.Type)
		}
		fl := st.Fields.List
		if len(fl) == 0 {
			return nil, fmt.Errorf("type %s has no fields", e.Type)
		}
		last := fl[len(fl)-1]
		return []int{off(last.End())}, nil
	}
	fn := findFunc(f, e.Func)
	if fn == nil || fn.Body == nil {
		return nil, fmt.Errorf("func %s not found", e.Func)
	}
	if e.Mode == "top" {
		return []int{off(fn.Body.Lbrace) + 1}, nil
	}
	var hits []int
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		s, ok := n.(ast.Stmt)
		if !ok || n == fn.Body {
			return true
		}
		h, line := head(tf, src, s)
		if !slices.Contains(e.Alts, h) && !slices.Contains(e.Alts, line) {
			return true
		}
		switch e.Mode {
		case "before", "before-each":
			hits = append(hits, off(s.Pos()))
		case "after":
			hits = append(hits, off(s.End()))
		case "inside":
			if lb := bodyOpen(s); lb.IsValid() {
				hits = append(hits, off(lb)+1)
			} else {
				hits = append(hits, -1)
			}
		}
		return true
	})
	switch {
	case len(hits) == 0:
		return nil, fmt.Errorf("anchor %q not found in func %s", e.Anchor, e.Func)
	case e.Nth > 0 && len(hits) < e.Nth:
		return nil, fmt.Errorf("anchor %q matched %d times in func %s, want at least %d", e.Anchor, len(hits), e.Func, e.Nth)
	case e.Nth > 0:
		hits = hits[e.Nth-1 : e.Nth]
	case e.Mode != "before-each" && len(hits) > 1:
		return nil, fmt.Errorf("anchor %q matched %d times in func %s, want 1", e.Anchor, len(hits), e.Func)
	}
	for _, h := range hits {
		if h < 0 {
			return nil, fmt.Errorf("anchor %q in func %s has no block to insert into", e.Anchor, e.Func)
		}
	}
	return hits, nil
}

// head is a statement's text up to the end of its first line; line is
// the same with whatever follows on that line, such as a comment.
func head(tf *token.File, src []byte, s ast.Stmt) (head, line string) {
	start, end := tf.Offset(s.Pos()), tf.Offset(s.End())
	eol := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		eol = start + i
	}
	return strings.TrimSpace(string(src[start:min(end, eol)])), strings.TrimSpace(string(src[start:eol]))
}

func bodyOpen(s ast.Stmt) token.Pos {
	switch s := s.(type) {
	case *ast.IfStmt:
		return s.Body.Lbrace
	case *ast.ForStmt:
		return s.Body.Lbrace
	case *ast.RangeStmt:
		return s.Body.Lbrace
	case *ast.BlockStmt:
		return s.Lbrace
	case *ast.CaseClause:
		return s.Colon
	}
	return token.NoPos
}

func findFunc(f *ast.File, name string) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return fd
		}
	}
	return nil
}

func findType(f *ast.File, name string) *ast.StructType {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			if st, ok := ts.Type.(*ast.StructType); ok && ts.Name.Name == name {
				return st
			}
		}
	}
	return nil
}

// applyAsm applies edits to an assembly file. "func" names TEXT symbols.
func applyAsm(plan string, fe *FileEdits, src []byte, sites *[]Site) ([]byte, error) {
	lines := strings.SplitAfter(string(src), "\n")
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	defs := asmDefines(lines)
	var errs []string
	for _, e := range fe.Edits {
		where := fmt.Sprintf("%s: %s: edit %q", plan, fe.Path, e.Name)
		switch e.Mode {
		case "before", "before-each", "after", "replace-each", "top", "flags":
		default:
			errs = append(errs, where+": assembly edits take before, before-each, after, replace-each, top or flags")
			continue
		}
		// A name ending in "?" may be missing on some releases of the range.
		names := strings.Fields(e.Func)
		want := func(text string) bool {
			if slices.Contains(e.Except, text) || slices.Contains(e.Except, text+"?") {
				return false
			}
			return names[0] == "*" || slices.Contains(names, text) || slices.Contains(names, text+"?")
		}
		type hit struct {
			line int
			fn   string
			trap int
			text int // the function's TEXT line
		}
		var hits []hit
		seen := map[string]bool{}
		fn, trap, text := "", -1, -1
		for i, l := range lines {
			if strings.HasPrefix(l, "TEXT") {
				fn, trap, text = "", -1, i
				if name, ok := asmTextName(l); ok && want(name) {
					fn = name
					seen[name] = true
					if e.Mode == "top" || e.Mode == "flags" {
						hits = append(hits, hit{i, fn, -1, i})
					}
				}
				continue
			}
			if fn == "" {
				continue
			}
			if f := strings.Fields(strings.ReplaceAll(l, ",", " , ")); len(f) == 4 && (f[0] == "MOVL" || f[0] == "MOVQ") && f[3] == "AX" && strings.HasPrefix(f[1], "$SYS_") {
				if n, ok := defs[f[1][1:]]; ok {
					trap = n
				}
			}
			if e.Mode == "top" || e.Mode == "flags" {
				continue
			}
			for _, a := range e.Alts {
				if norm(l) == norm(a) {
					hits = append(hits, hit{i, fn, trap, text})
				}
			}
		}
		if e.Body != "" {
			for _, h := range hits {
				if got := asmBodyHash(lines, h.text); got != e.Body {
					errs = append(errs, fmt.Sprintf("%s: TEXT %s is not the body this edit stands in for (sha256 %s, want %s)", where, h.fn, got, e.Body))
				}
			}
		}
		if names[0] != "*" {
			for _, n := range names {
				if !seen[n] && !strings.HasSuffix(n, "?") {
					errs = append(errs, fmt.Sprintf("%s: TEXT %s not found", where, n))
				}
			}
		}
		switch {
		case len(hits) == 0:
			errs = append(errs, fmt.Sprintf("%s: anchor %q not found in TEXT %s", where, e.Anchor, e.Func))
			continue
		case (e.Mode == "before" || e.Mode == "after") && len(hits) > 1:
			errs = append(errs, fmt.Sprintf("%s: anchor %q matched %d times in TEXT %s, want 1", where, e.Anchor, len(hits), e.Func))
			continue
		}
		for _, h := range hits {
			code := e.Code
			if m := site8.FindStringSubmatch(code); m != nil {
				if sites == nil {
					errs = append(errs, where+": {site8} needs a site table")
					break
				}
				code = strings.ReplaceAll(code, m[0], fmt.Sprint(8*len(*sites)))
				site := Site{Func: h.fn, Trap: h.trap, M: -1}
				if strings.Contains(code, msite8) {
					site.M = 0
					for _, s := range *sites {
						if s.M >= 0 {
							site.M++
						}
					}
					code = strings.ReplaceAll(code, msite8, fmt.Sprint(8*site.M))
				}
				switch {
				case m[1] != "":
					// {site8:NAME}: a count made away from its SYSCALL.
					if site.Trap = sysnames.Trap(m[1]); site.Trap < 0 {
						errs = append(errs, fmt.Sprintf("%s: %s: no system call %q", where, m[0], m[1]))
						continue
					}
				case e.Mode == "top":
					// The vDSO time calls on linux/amd64 all stand in for clock_gettime.
					site.Trap, site.VDSO = sysnames.Trap("clock_gettime"), true
				}
				*sites = append(*sites, site)
			}
			body := strings.TrimRight(lines[h.line], "\n")
			rest := strings.TrimLeft(body, " \t")
			switch e.Mode {
			case "flags": // TEXT sym(SB),FLAGS,$frame
				f := strings.SplitN(body, ",", 3)
				if len(f) != 3 {
					errs = append(errs, fmt.Sprintf("%s: TEXT %s has no flags to replace", where, h.fn))
					continue
				}
				lines[h.line] = f[0] + "," + code + "," + f[2] + "\n"
			case "after", "top": // "top" goes on the TEXT line itself
				lines[h.line] = body + "; " + code + "\n"
			case "replace-each":
				if !slices.ContainsFunc(strings.Split(code, ";"), func(in string) bool { return norm(in) == norm(rest) }) {
					errs = append(errs, fmt.Sprintf("%s: replace-each code does not repeat the anchor's instruction %q", where, norm(rest)))
					continue
				}
				lines[h.line] = body[:len(body)-len(rest)] + code + "\n"
			default:
				lines[h.line] = body[:len(body)-len(rest)] + code + "; " + rest + "\n"
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return []byte(strings.Join(lines, "")), nil
}

// asmDefines reads "#define SYS_x N" lines.
// AsmBodyHash is the hex sha256 of the instructions of TEXT sym in an
// assembly file: the lines after its TEXT line up to the next TEXT, with
// comments, blank lines and spacing dropped. It is "" when sym is absent.
func AsmBodyHash(src []byte, sym string) string {
	lines := strings.SplitAfter(string(src), "\n")
	for i, l := range lines {
		if name, ok := asmTextName(l); ok && name == sym {
			return asmBodyHash(lines, i)
		}
	}
	return ""
}

// asmTextName is the symbol a TEXT line defines, without its ABI selector.
func asmTextName(l string) (string, bool) {
	if !strings.HasPrefix(l, "TEXT") {
		return "", false
	}
	name, _, ok := strings.Cut(strings.TrimPrefix(l, "TEXT "), "(")
	name, _, _ = strings.Cut(name, "<")
	return name, ok
}

func asmBodyHash(lines []string, text int) string {
	h := sha256.New()
	for _, l := range lines[text+1:] {
		if strings.HasPrefix(l, "TEXT") {
			break
		}
		l, _, _ = strings.Cut(l, "//")
		if f := strings.Fields(l); len(f) > 0 {
			fmt.Fprintln(h, strings.Join(f, " "))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func asmDefines(lines []string) map[string]int {
	defs := map[string]int{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == "#define" && strings.HasPrefix(f[1], "SYS_") {
			if n, err := strconv.Atoi(f[2]); err == nil {
				defs[f[1]] = n
			}
		}
	}
	return defs
}
