package main

import (
	"flag"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestManual checks that the package doc comment is the whole manual:
// its Usage block lists exactly the commands there are, and the
// paragraphs under # Commands that start with a command's name describe
// every flag of that command. It also checks that each command's usage
// line, which a usage error prints, names every flag.
func TestManual(t *testing.T) {
	doc := packageDoc(t)
	listed := usageBlock(t, doc)
	text := commandParagraphs(t, doc)
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
		if !listed[c.name] {
			t.Errorf("the Usage block of the doc comment does not list %q", c.name)
		}
		if text[c.name] == "" {
			t.Errorf("no paragraph under # Commands starts with %q", c.name)
		}
		for _, f := range commandFlags(t, c) {
			if !mentions(text[c.name], f) {
				t.Errorf("the doc comment's paragraphs on %s do not describe -%s", c.name, f)
			}
			if !mentions(c.usage, f) {
				t.Errorf("the usage line %q does not name -%s", "syscope "+c.usage, f)
			}
		}
	}
	for name := range listed {
		if !contains(names, name) {
			t.Errorf("the Usage block lists %q, which is no command", name)
		}
	}
}

// commandFlags returns the names of c's flags, found by running it with
// -h: every command must refuse -h as a usage error before doing
// anything, and make its flags with newFlags.
func commandFlags(t *testing.T, c command) []string {
	cmdFlags, cmdUsage = nil, ""
	defer func() { cmdFlags, cmdUsage = nil, "" }()
	if err := c.run([]string{"-h"}); err != errUsage {
		t.Errorf("syscope %s -h returned %v, want the usage error", c.name, err)
		return nil
	}
	if cmdFlags == nil {
		return nil
	}
	if cmdUsage != c.usage {
		t.Errorf("syscope %s: newFlags got the usage line %q, commands has %q", c.name, cmdUsage, c.usage)
	}
	var flags []string
	cmdFlags.VisitAll(func(f *flag.Flag) { flags = append(flags, f.Name) })
	sort.Strings(flags)
	return flags
}

// packageDoc returns the text of the doc comment of main.go.
func packageDoc(t *testing.T) string {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Doc == nil {
		t.Fatal("main.go has no package doc comment")
	}
	return f.Doc.Text()
}

// usageBlock returns the commands that the indented lines after
// "Usage:" name, as in "syscope build|test|run [flags]".
func usageBlock(t *testing.T, doc string) map[string]bool {
	_, rest, ok := strings.Cut(doc, "\nUsage:\n\n")
	if !ok {
		t.Fatal("the doc comment has no Usage: block")
	}
	names := map[string]bool{}
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "\t") {
			break
		}
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "syscope" {
			t.Fatalf("Usage block line %q does not start with syscope and a command", line)
		}
		for _, name := range strings.Split(f[1], "|") {
			names[name] = true
		}
	}
	return names
}

// commandParagraphs returns, for each command, the text of the
// paragraphs under the # Commands heading from the one that starts with
// its name (alone or in a list such as "build, test and run") to the one
// that starts with another command's name.
func commandParagraphs(t *testing.T, doc string) map[string]string {
	_, sec, ok := strings.Cut(doc, "\n# Commands\n")
	if !ok {
		t.Fatal("the doc comment has no # Commands heading")
	}
	if i := strings.Index(sec, "\n# "); i >= 0 {
		sec = sec[:i]
	}
	isCommand := map[string]bool{}
	for _, c := range commands {
		isCommand[c.name] = true
	}
	text := map[string]string{}
	var current []string
	for _, par := range strings.Split(sec, "\n\n") {
		var lead []string
		for _, w := range strings.Fields(par) {
			w = strings.TrimSuffix(w, ",")
			if w == "and" && len(lead) > 0 {
				continue
			}
			if !isCommand[w] {
				break
			}
			lead = append(lead, w)
		}
		if len(lead) > 0 {
			current = lead
		}
		for _, name := range current {
			text[name] += par + "\n\n"
		}
	}
	return text
}

// mentions reports whether text names the flag -name as a word.
func mentions(text, name string) bool {
	return regexp.MustCompile(`(^|[^\w-])-` + regexp.QuoteMeta(name) + `($|[^\w-])`).MatchString(text)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
