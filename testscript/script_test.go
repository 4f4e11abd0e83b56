package testscript

import (
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// SYSCOPE_TEST_GO lists the toolchains under test, each a release or a
// role that releases.Lookup resolves (e.g. "local,oldest,newest" or
// "go1.27.4"); "local" is the go on PATH. Default: local.
func toolchains() []string {
	if s := os.Getenv("SYSCOPE_TEST_GO"); s != "" {
		return strings.Split(s, ",")
	}
	return []string{"local"}
}

func TestScripts(t *testing.T) {
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "syscope"), "github.com/syscope/syscope/tools/syscope").CombinedOutput()
	if err != nil {
		t.Fatalf("building syscope: %v\n%s", err, out)
	}
	for _, name := range toolchains() {
		tc, err := releases.Get(name)
		if err != nil {
			t.Fatalf("toolchain %s: %v", name, err)
		}
		sub := tc.Release
		if name != tc.Release {
			sub = name + "=" + tc.Release
		}
		t.Run(sub, func(t *testing.T) {
			goroot := tc.GOROOT
			// Run the toolchain from the GOROOT the overlay is made for: for a
			// toolchain in the module cache that is syscope's link to it,
			// where go1.19 can build at all and go1.25+ accepts overlays.
			ov, err := overlay.Generate(overlay.Options{GOROOT: goroot})
			if err != nil {
				t.Fatal(err)
			}
			var vars []string
			// make torture's length of each torture run (torture.txtar).
			if d := os.Getenv("TORTURE_DURATION"); d != "" {
				vars = append(vars, "TORTURE_DURATION="+d)
			}
			p, err := Params(ov.GOROOT, []string{bin}, vars...)
			if err != nil {
				t.Fatal(err)
			}
			p.Dir = "testdata"
			if deadline, ok := t.Deadline(); ok {
				p.Deadline = deadline
			}
			testscript.RunT(scriptT{t}, p)
		})
	}
}

// scriptT runs the scenarios as testscript.Run does, except that outside
// -short a skipped scenario fails: the full run must not pass by
// skipping. A scenario may skip under [short] only, for what the short
// run lacks (the module proxy, root).
type scriptT struct{ *testing.T }

func (t scriptT) Skip(args ...any) {
	t.Helper()
	if !testing.Short() {
		t.Fatal(append([]any{"skipped outside -short, which fails the full run:"}, args...)...)
	}
	t.T.Skip(args...)
}

func (t scriptT) Run(name string, f func(testscript.T)) {
	t.T.Run(name, func(t *testing.T) { f(scriptT{t}) })
}

func (t scriptT) Verbose() bool { return testing.Verbose() }

// TestCondition: a plan or release that does not exist is an error, not
// a false condition that would quietly leave lines out of a scenario.
func TestCondition(t *testing.T) {
	goroot, err := releases.GOROOT(releases.Local)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := releases.Version(goroot)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := plan.All()
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Select(plans, rel, false)
	if err != nil {
		t.Fatal(err)
	}
	name := func(p *plan.Plan) string {
		return strings.TrimSuffix(strings.TrimPrefix(p.Name, "patches/"), ".plan")
	}
	own, first, last := name(p), name(plans[0]), name(plans[len(plans)-1])
	cond := Condition(goroot)
	for c, want := range map[string]bool{
		"plan:" + own:                  true,
		"release:" + version.Lang(rel): true,
		"release:go1.99":               false,
		"root":                         os.Geteuid() == 0,
		"plan:" + first:                own == first,
		"plan:" + last:                 own == last,
	} {
		if got, err := cond(c); err != nil || got != want {
			t.Errorf("[%s] = %v, %v; want %v", c, got, err, want)
		}
	}
	for c, msg := range map[string]string{
		"plan:typo":      `no plan "typo" (the plans are go1.`,
		"plan:go1.26.1":  `no plan "go1.26.1"`,
		"release:1.25":   `"1.25" is not a Go release`,
		"release:go1.x":  `"go1.x" is not a Go release`,
		"relaese:go1.25": `unknown condition "relaese:go1.25"`,
	} {
		if _, err := cond(c); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("[%s]: error %v, want one containing %q", c, err, msg)
		}
	}
}
