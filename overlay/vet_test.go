package overlay_test

import (
	"go/version"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/syscope/syscope/overlay"
)

// TestVet runs go vet over the packages the overlay adds files to or
// patches, with the local toolchain and its overlay: the added Go files
// (kept out of this module's build by "//go:build ignore") and the
// patched ones are vetted as the toolchain compiles them. Of the glue
// files, exactly one is compiled, the one for the local release.
func TestVet(t *testing.T) {
	r, err := overlay.Generate(overlay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if version.Compare(r.Release, "go1.24") < 0 {
		// Before go1.24 vet reads a package's files from disk, not
		// through the overlay, and would vet the upstream runtime.
		t.Fatalf("local go is %s; this test needs go1.24 or later, whose vet reads the overlay", r.Release)
	}
	env := append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	pkgs := []string{"runtime", "runtime/metrics", "runtime/pprof", "net/http/pprof", "syscall"}
	list := exec.Command(r.GoCommand(), "list", "-overlay="+r.JSON, "-f", "{{range .GoFiles}}{{.}} {{end}}", "runtime")
	list.Env, list.Dir = env, t.TempDir()
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list runtime: %v", err)
	}
	var glue []string
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "syscope_glue") {
			glue = append(glue, f)
		}
	}
	if len(glue) != 1 {
		t.Errorf("%s compiles glue files %q, want exactly one", r.Release, glue)
	}
	vet := exec.Command(r.GoCommand(), append([]string{"vet", "-overlay=" + r.JSON}, pkgs...)...)
	vet.Env, vet.Dir = env, t.TempDir()
	if out, err := vet.CombinedOutput(); err != nil {
		t.Errorf("go vet -overlay %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
}
