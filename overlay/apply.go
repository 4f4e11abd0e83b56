package overlay

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// ApplyEdits applies fe's edits to src and returns the patched text. It
// never changes the number of lines, and it fails, naming the edit, the
// function and the anchor, when an anchor is missing or ambiguous.
func ApplyEdits(plan string, fe *FileEdits, src []byte) ([]byte, error) {
	if bytes.Contains(src, []byte("syscope")) {
		return nil, fmt.Errorf("%s: %s: already mentions syscope (a patched GOROOT?)", plan, fe.Path)
	}
	if strings.HasSuffix(fe.Path, ".s") {
		return applyAsm(plan, fe, src)
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

// applyAsm applies edits to an assembly file. "func" names a TEXT symbol
// (·Syscall); its block runs to the next TEXT line. Anchors match whole
// lines with runs of blanks collapsed, and code joins the line with ";".
func applyAsm(plan string, fe *FileEdits, src []byte) ([]byte, error) {
	lines := strings.SplitAfter(string(src), "\n")
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var errs []string
	for _, e := range fe.Edits {
		where := fmt.Sprintf("%s: %s: edit %q", plan, fe.Path, e.Name)
		if e.Mode != "before" && e.Mode != "before-each" && e.Mode != "after" {
			errs = append(errs, where+": assembly edits take before, before-each or after")
			continue
		}
		var hits []int
		in := false
		for i, l := range lines {
			if strings.HasPrefix(l, "TEXT") {
				in = strings.HasPrefix(l, "TEXT "+e.Func+"(")
				continue
			}
			if !in {
				continue
			}
			for _, a := range e.Alts {
				if norm(l) == norm(a) {
					hits = append(hits, i)
				}
			}
		}
		switch {
		case len(hits) == 0:
			errs = append(errs, fmt.Sprintf("%s: anchor %q not found in TEXT %s", where, e.Anchor, e.Func))
			continue
		case e.Mode != "before-each" && len(hits) > 1:
			errs = append(errs, fmt.Sprintf("%s: anchor %q matched %d times in TEXT %s, want 1", where, e.Anchor, len(hits), e.Func))
			continue
		}
		for _, i := range hits {
			body := strings.TrimRight(lines[i], "\n")
			indent := body[:len(body)-len(strings.TrimLeft(body, " \t"))]
			if e.Mode == "after" {
				lines[i] = body + "; " + e.Code + "\n"
			} else {
				lines[i] = indent + e.Code + "; " + strings.TrimLeft(body, " \t") + "\n"
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return []byte(strings.Join(lines, "")), nil
}
