// Package patches holds the hook plans (embedded by the module's root
// package) and, in this test, the walk-throughs of its README run as
// scripts, so that they fail when the code they describe moves.
package patches

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
	sst "github.com/syscope/syscope/testscript"
)

// walkthroughs maps the README's walk-through sections to the scripts
// that follow them.
var walkthroughs = map[string]string{
	"Adding a release": "adding_a_release",
	"Adding an event":  "adding_an_event",
}

// TestWalkthroughQuotes: the commands a walk-through gives (in
// backquotes, starting with go, syscope or an environment variable) are
// the commands its script quotes in its "README:" comments, both ways.
func TestWalkthroughQuotes(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	command := regexp.MustCompile("`((?:go|syscope|[A-Z_]+=\\S*) [^`]*)`")
	quote := regexp.MustCompile("README: `([^`]*)`")
	for section, script := range walkthroughs {
		_, text, ok := strings.Cut(string(readme), "\n## "+section+"\n")
		if !ok {
			t.Errorf("README.md has no section %q", section)
			continue
		}
		text, _, _ = strings.Cut(text, "\n## ")
		data, err := os.ReadFile(filepath.Join("testdata", script+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		inReadme, inScript := map[string]bool{}, map[string]bool{}
		for _, m := range command.FindAllStringSubmatch(text, -1) {
			if m[1] != "go test ./patches" { // the command that runs the script
				inReadme[m[1]] = true
			}
		}
		for _, m := range quote.FindAllStringSubmatch(string(data), -1) {
			inScript[m[1]] = true
		}
		if len(inReadme) == 0 {
			t.Errorf("%s: no command found in the README's section", section)
		}
		for c := range inReadme {
			if !inScript[c] {
				t.Errorf("%s: the README gives `%s`, which %s.txtar does not follow (no \"README: `%[2]s`\" comment)", section, c, script)
			}
		}
		for c := range inScript {
			if !inReadme[c] {
				t.Errorf("%s: %s.txtar quotes `%s`, which the README's section does not give", section, script, c)
			}
		}
	}
}

// TestWalkthroughs runs the scripts in a copy of this module: the
// pretend release is the newest patch of the newest plan's last minor,
// with that plan narrowed to its first minor.
func TestWalkthroughs(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the module, builds syscope and runs go test in the copy: minutes, and toolchains from the module proxy")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	plans, err := plan.All()
	if err != nil {
		t.Fatal(err)
	}
	newest := plans[len(plans)-1]
	if releases.Minor(newest.First) == newest.Last {
		t.Fatalf("%s covers one minor (%s); the pretend release needs a plan of two or more", newest.Name, newest.Last)
	}
	tc, err := releases.Get(newest.Last)
	if err != nil {
		t.Fatal(err)
	}
	local, err := releases.GOROOT(releases.Local)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sst.Params(local, nil,
		"PATH=$WORK/bin"+string(os.PathListSeparator)+"$PATH",
		"REPO="+repo,
		"PLAN="+newest.Name,
		"FIRST="+releases.Minor(newest.First),
		"LAST="+newest.Last,
		"NEWGO="+tc.Release,
		"NEWGOROOT="+tc.GOROOT)
	if err != nil {
		t.Fatal(err)
	}
	p.Dir = "testdata"
	testscript.Run(t, p)
}
