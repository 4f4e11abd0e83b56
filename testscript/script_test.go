package testscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/overlay"
)

// SYSCOPE_TEST_GO lists the toolchains under test (e.g.
// "local,go1.27.4"); "local" is the go on PATH. Default: local.
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
	gocache, _ := exec.Command("go", "env", "GOCACHE").Output()
	modcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	cache, err := overlay.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range toolchains() {
		t.Run(tc, func(t *testing.T) {
			cmd := exec.Command("go", "env", "GOROOT")
			cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+tc, "GOENV=off")
			gr, err := cmd.Output()
			if err != nil {
				t.Fatalf("go env GOROOT with GOTOOLCHAIN=%s: %v", tc, err)
			}
			goroot := strings.TrimSpace(string(gr))
			// Run the toolchain from the GOROOT the overlay is made for: for a
			// toolchain in the module cache that is syscope's link to it,
			// where go1.19 can build at all and go1.25+ accepts overlays.
			ov, err := overlay.Generate(overlay.Options{GOROOT: goroot})
			if err != nil {
				t.Fatal(err)
			}
			testscript.Run(t, testscript.Params{
				Dir:                 "testdata",
				RequireExplicitExec: true,
				RequireUniqueNames:  true,
				Cmds:                Cmds,
				Condition:           Condition(goroot),
				Setup: func(e *testscript.Env) error {
					sep := string(os.PathListSeparator)
					e.Setenv("PATH", bin+sep+filepath.Join(ov.GOROOT, "bin")+sep+os.Getenv("PATH"))
					e.Setenv("GOROOT", ov.GOROOT)
					e.Setenv("GOTOOLCHAIN", "local")
					e.Setenv("GOENV", "off")
					e.Setenv("GOFLAGS", "")
					e.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
					e.Setenv("GOMODCACHE", strings.TrimSpace(string(modcache)))
					e.Setenv("SYSCOPE_CACHE", cache)
					return nil
				},
			})
		})
	}
}
