package main

import (
	_ "embed"
	"fmt"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/syscope/syscope/overlay"
)

// The manual is main.go's doc comment, carried in the binary so that
// syscope help needs no checkout.
//
//go:embed main.go
var mainSource string

const helpUsage = "help [command]"

// help and version join the table here: help reads the table, which a
// static entry would make an initialization cycle.
func init() {
	commands = append(commands, command{"help", helpUsage, runHelp}, command{"version", versionUsage, runVersion})
}

const versionUsage = "version"

// manual returns the doc comment of package main, parsed.
func manual() (*comment.Doc, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", mainSource, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		return nil, fmt.Errorf("the manual is missing from this binary: %v", err)
	}
	var p comment.Parser
	return p.Parse(f.Doc.Text()), nil
}

// commandsOf returns the commands a paragraph of "# Commands" is about:
// the names it begins with ("build, test and run are ...").
var paraSubject = regexp.MustCompile(`^([a-z]+)((?:, [a-z]+)*(?: and [a-z]+)?) `)

func commandsOf(b comment.Block) []string {
	p, ok := b.(*comment.Paragraph)
	if !ok || len(p.Text) == 0 {
		return nil
	}
	t, ok := p.Text[0].(comment.Plain)
	if !ok {
		return nil
	}
	m := paraSubject.FindStringSubmatch(string(t))
	if m == nil {
		return nil
	}
	names := []string{m[1]}
	for _, f := range strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' }) {
		if f != "and" {
			names = append(names, f)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(commands, func(c command) bool { return c.name == n }) {
			return nil
		}
	}
	return names
}

// writeHelp writes the manual, or the part of its "# Commands" section
// about name, after name's usage line.
func writeHelp(w io.Writer, name string) error {
	d, err := manual()
	if err != nil {
		return err
	}
	pr := &comment.Printer{TextWidth: 76}
	if name == "" {
		_, err := w.Write(pr.Text(d))
		return err
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return usagef("unknown command %q: syscope help lists them", name)
	}
	part := &comment.Doc{Links: d.Links}
	in, mine := false, false
	for _, b := range d.Content {
		if h, ok := b.(*comment.Heading); ok {
			in = len(h.Text) == 1 && h.Text[0] == comment.Plain("Commands")
			continue
		}
		if !in {
			continue
		}
		if names := commandsOf(b); names != nil {
			mine = slices.Contains(names, name)
		}
		if mine {
			part.Content = append(part.Content, b)
		}
	}
	fmt.Fprintf(w, "usage: syscope %s\n\n", commands[i].usage)
	_, err = w.Write(pr.Text(part))
	return err
}

func runHelp(args []string) error {
	fs := newFlags("help", helpUsage)
	if fs.Parse(args) != nil {
		return errUsage
	}
	switch fs.NArg() {
	case 0:
		return writeHelp(os.Stdout, "")
	case 1:
		return writeHelp(os.Stdout, fs.Arg(0))
	}
	return errUsage
}

func runVersion(args []string) error {
	fs := newFlags("version", versionUsage)
	if fs.Parse(args) != nil || fs.NArg() != 0 {
		return errUsage
	}
	fmt.Printf("syscope %s %s/%s, built with %s; instruments linux/amd64, go1.16 and later (syscope versions lists the plans)\n",
		overlay.SyscopeVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	return nil
}
