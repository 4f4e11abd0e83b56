package events

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// root is the module root, from this package's directory.
const root = "../.."

func TestTableIsValid(t *testing.T) {
	if err := Check(All); err != nil {
		t.Fatal(err)
	}
}

// TestCheckRejects feeds Check tables with one fault each.
func TestCheckRejects(t *testing.T) {
	base := func() []Event { return slices.Clone(All) }
	at := func(name string, all []Event) *Event {
		for i := range all {
			if all[i].Name == name {
				return &all[i]
			}
		}
		t.Fatalf("no event %q in the table", name)
		return nil
	}
	tests := []struct {
		name  string
		spoil func(all []Event) []Event
		want  string
	}{
		{"duplicate name", func(all []Event) []Event {
			at("enter_cgo", all).Name = "enter"
			return all
		}, `("enter"): duplicate name`},
		{"bad name", func(all []Event) []Event {
			at("enter_cgo", all).Name = "Enter-Cgo"
			return all
		}, "lower_snake_case"},
		{"duplicate constant", func(all []Event) []Event {
			at("enter_cgo", all).Const = "syscopeEvEnter"
			return all
		}, "duplicate constant syscopeEvEnter"},
		{"counter without constant", func(all []Event) []Event {
			at("thread_create", all).Const = ""
			return all
		}, `("thread_create"): counter needs a runtime constant`},
		{"gauge with constant", func(all []Event) []Event {
			at("inflight", all).Const = "syscopeEvInflight"
			return all
		}, "a gauge has no runtime counter"},
		{"counter after gauge", func(all []Event) []Event {
			return append(all, Event{Name: "late", Const: "syscopeEvLate", Doc: "x"})
		}, `("late"): counter after a gauge`},
		{"per-M counter after a shared one", func(all []Event) []Event {
			at("handoff_startm", all).Shared = false
			return all
		}, `("handoff_startm"): per-M counter after a shared one`},
		{"shared conservation term", func(all []Event) []Event {
			at("exit_slow_locked", all).Shared = true
			return all
		}, "cannot be Shared"},
		{"shared gauge", func(all []Event) []Event {
			at("inflight", all).Shared = true
			return all
		}, "a gauge has no counter to share"},
		{"two-line doc", func(all []Event) []Event {
			at("enter", all).Doc = "one\ntwo"
			return all
		}, "doc must be one line"},
		{"slow exit that kept its P", func(all []Event) []Event {
			at("exit_slow_queued", all).LostP = false
			return all
		}, "a slow exit always lost its P"},
		{"entry that lost a P", func(all []Event) []Event {
			at("enter", all).LostP = true
			return all
		}, "only an exit can lose its P"},
		{"gauge entry", func(all []Event) []Event {
			e := at("inflight", all)
			e.Flow = Entry
			return all
		}, "entry must be a counter"},
		{"no exits", func(all []Event) []Event {
			for i := range all {
				if all[i].Flow == FastExit || all[i].Flow == SlowExit {
					all[i].Flow, all[i].LostP = NoFlow, false
				}
			}
			return all
		}, "no fast exit event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.spoil(base()))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error containing %q", err, tt.want)
			}
			if _, gerr := Generate(tt.spoil(base())); gerr == nil {
				t.Errorf("Generate accepted the broken table")
			}
		})
	}
}

// TestGenerated regenerates every file into memory and fails when the one
// on disk differs.
func TestGenerated(t *testing.T) {
	files, err := Generate(All)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		disk, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%v (run go generate ./internal/events)", err)
			continue
		}
		if !bytes.Equal(disk, f.Data) {
			t.Errorf("%s is stale: run go generate ./internal/events", f.Path)
		}
	}
}

// TestRuntimeFile reads the constants and names the runtime compiles from
// runtime/zsyscope_events.go, as Go source, and compares them with the
// table's counters: the dump writes syscopeEventNames[i] for counter i.
func TestRuntimeFile(t *testing.T) {
	path := filepath.Join(root, filepath.FromSlash(RuntimeFile))
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The overlay strips exactly this first line from every file it adds.
	if !bytes.HasPrefix(src, []byte("//go:build ignore\n")) {
		t.Errorf("%s does not start with //go:build ignore", RuntimeFile)
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "runtime" || len(f.Imports) != 0 {
		t.Errorf("%s: package %s with %d imports, want package runtime importing nothing", RuntimeFile, f.Name.Name, len(f.Imports))
	}
	var consts []string          // in iota order
	var mEvents string           // syscopeNumMEvents's value
	names := map[string]string{} // constant -> name
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			switch s := s.(type) {
			case *ast.ValueSpec:
				if g.Tok == token.CONST && s.Names[0].Name == "syscopeNumMEvents" {
					mEvents = fmt.Sprint(s.Values[0])
				} else if g.Tok == token.CONST {
					for _, n := range s.Names {
						consts = append(consts, n.Name)
					}
				}
				if g.Tok == token.VAR && s.Names[0].Name == "syscopeEventNames" {
					for _, el := range s.Values[0].(*ast.CompositeLit).Elts {
						kv := el.(*ast.KeyValueExpr)
						name, err := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
						if err != nil {
							t.Fatal(err)
						}
						names[kv.Key.(*ast.Ident).Name] = name
					}
				}
			}
		}
	}
	counters := Counters()
	if len(consts) != len(counters)+1 || consts[len(consts)-1] != "syscopeNumEvents" {
		t.Fatalf("runtime constants %v, want the %d counters and syscopeNumEvents", consts, len(counters))
	}
	// The per-M counters end where the shared ones begin.
	wantM := "syscopeNumEvents"
	for _, e := range counters {
		if e.Shared {
			wantM = e.Const
			break
		}
	}
	if mEvents != wantM {
		t.Errorf("syscopeNumMEvents = %s, want %s", mEvents, wantM)
	}
	for i, e := range counters {
		if consts[i] != e.Const || names[e.Const] != e.Name {
			t.Errorf("runtime counter %d is %s = %q, table has %s = %q", i, consts[i], names[consts[i]], e.Const, e.Name)
		}
	}
	if len(names) != len(counters) {
		t.Errorf("syscopeEventNames has %d names, want %d", len(names), len(counters))
	}
}

// TestUsesAreDefined checks every syscopeEv constant that the plans and
// the runtime's sources name is in the table, and that the dump writer
// writes each gauge, which it computes itself.
func TestUsesAreDefined(t *testing.T) {
	known := map[string]bool{}
	for _, e := range Counters() {
		known[e.Const] = true
	}
	use := regexp.MustCompile(`\bsyscopeEv[A-Z]\w*`)
	var files []string
	for _, pat := range []string{"runtime/*.go", "runtime/*.s", "patches/*.plan"} {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	var dumpSrc []byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(name) == "syscope_dump.go" {
			dumpSrc = data
		}
		for _, c := range use.FindAllString(string(data), -1) {
			if !known[c] {
				t.Errorf("%s names %s, which is not an event constant of internal/events", name, c)
			}
		}
	}
	if dumpSrc == nil {
		t.Fatal("runtime/syscope_dump.go not found")
	}
	for _, e := range All {
		if e.Kind == Gauge && !bytes.Contains(dumpSrc, []byte(`"`+e.Name+`":`)) {
			t.Errorf("runtime/syscope_dump.go does not write gauge %q", e.Name)
		}
	}
}
