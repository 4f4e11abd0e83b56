package overlay

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/build/constraint"
	"go/version"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/syscope/syscope"
	"github.com/syscope/syscope/internal/sysnames"
	"github.com/syscope/syscope/overlay/plan"
)

// GoEnvGOROOT runs `go env GOROOT` for the go on PATH, honouring
// GOTOOLCHAIN. Releases before go1.21 reject GOFLAGS from a go env file
// written by a newer go, so a failure is retried with GOENV=off.
func GoEnvGOROOT() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		cmd := exec.Command("go", "env", "GOROOT")
		cmd.Env = append(os.Environ(), "GOENV=off")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err = cmd.Output()
		if err != nil {
			return "", fmt.Errorf("go env GOROOT: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
	}
	return strings.TrimSpace(string(out)), nil
}

// Files computes the overlay's contents for goroot under plan p: the
// GOROOT-relative path of each replaced or added file, and its text.
func Files(goroot, release string, p *plan.Plan) (map[string][]byte, error) {
	key, err := Key(goroot, release, p)
	if err != nil {
		return nil, err
	}
	return makeFiles(goroot, release, p, key)
}

// Resolve finds the GOROOT file a plan section names: the first of its
// alternatives ("a | b") that exists. ok is false when none does, which
// is an error unless the section is optional ("?a").
func Resolve(goroot string, fe *plan.FileEdits) (rel string, src []byte, optional, ok bool) {
	optional = strings.HasPrefix(fe.Path, "?")
	for _, rel = range strings.Split(strings.TrimPrefix(fe.Path, "?"), " | ") {
		if src, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(rel))); err == nil {
			return rel, src, optional, true
		}
	}
	return "", nil, optional, false
}

func makeFiles(goroot, release string, p *plan.Plan, key string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var sites []plan.Site
	var errs []error
	for _, fe := range p.Files {
		// A section may name alternatives ("a | b", the file moved within
		// the range) or be optional ("?a", the file is missing on some).
		rel, src, optional, ok := Resolve(goroot, fe)
		if !ok {
			if !optional {
				errs = append(errs, fmt.Errorf("%s: %s: not in GOROOT %s", p.Name, fe.Path, goroot))
			}
			continue
		}
		one := *fe
		one.Path = rel
		out, err := plan.Apply(p.Name, &one, src, &sites)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files[rel] = out
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, dir := range []string{"runtime", "runtime/metrics", "runtime/pprof", "net/http/pprof", "syscall"} {
		ents, _ := fs.ReadDir(syscope.Files, dir)
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			data, _ := fs.ReadFile(syscope.Files, dir+"/"+e.Name())
			data, err := addedFile(data)
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %v", dir, e.Name(), err)
			}
			files["src/"+dir+"/"+e.Name()] = data
		}
	}
	files["src/runtime/syscope_plan.go"] = planFile(release, p, sites)
	files["src/runtime/syscope_version.go"] = versionFile(SyscopeVersion() + ", overlay " + key)
	// The guard rejects every minor release but the one the patched files
	// were copied from, not just the plan's range: two minors under one
	// plan still differ in the files the overlay leaves alone.
	minor := version.Lang(release)
	files["src/runtime/syscope_guard.go"] = []byte(fmt.Sprintf(
		"//go:build !%s || %s\n// +build !%[1]s %[2]s\n\n// This overlay was made for %s; rebuild it for the go in use (syscope overlay).\npackage syscope_overlay_for_%s_used_with_another_go\n",
		minor, plan.NextMinor(minor), release, strings.ReplaceAll(minor, ".", "_")))
	return files, nil
}

// addedFile returns a file syscope adds as the overlay holds it. In this
// module its first line is "//go:build ignore", which keeps it out of
// syscope's own build, or "//go:build ignore && EXPR" for a file that
// only some releases compile (the glue); the overlay's copy has
// "//go:build EXPR" and the "// +build" lines go1.16 reads, or no
// constraint.
func addedFile(data []byte) ([]byte, error) {
	line, rest, _ := bytes.Cut(data, []byte("\n"))
	expr, ok := strings.CutPrefix(string(line), "//go:build ignore")
	if !ok {
		return nil, errors.New("must start with //go:build ignore")
	}
	if expr == "" {
		return rest, nil
	}
	expr, ok = strings.CutPrefix(expr, " && ")
	x, err := constraint.Parse("//go:build " + expr)
	if !ok || err != nil {
		return nil, fmt.Errorf("first line must be //go:build ignore or //go:build ignore && EXPR, not %q", line)
	}
	plus, err := constraint.PlusBuildLines(x)
	if err != nil {
		return nil, err
	}
	return []byte("//go:build " + x.String() + "\n" + strings.Join(plus, "\n") + "\n" + string(rest)), nil
}

// planFile is the generated runtime file that names the plan, its
// unsupported events, the system calls and the runtime's syscall sites.
func planFile(release string, p *plan.Plan, sites []plan.Site) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by syscope overlay for %s; DO NOT EDIT.\n\npackage runtime\n\n", release)
	fmt.Fprintf(&b, "const syscopePlanName = %q\n\n", strings.TrimSuffix(path.Base(p.Name), ".plan"))
	var q []string
	for _, u := range p.Unsupported {
		q = append(q, fmt.Sprintf("%q", u))
	}
	fmt.Fprintf(&b, "const syscopeUnsupported = %q\n\n", strings.Join(q, ","))
	fmt.Fprintf(&b, "var syscopeNames = [...]string{\n")
	for t := 0; t <= sysnames.Max(); t++ {
		if n := sysnames.Name(t); n != "" {
			fmt.Fprintf(&b, "\t%d: %q,\n", t, n)
		}
	}
	fmt.Fprintf(&b, "}\n\n")
	// At least one site, so the arrays exist on every release.
	fmt.Fprintf(&b, "const syscopeRtSites = %d\n\n", max(len(sites), 1))
	fmt.Fprintf(&b, "var syscopeRtSite = [syscopeRtSites]struct {\n\tfn   string\n\ttrap int\n\tvdso bool\n}{\n")
	for i, s := range sites {
		fn := strings.ReplaceAll(s.Func, "·", ".")
		if strings.HasPrefix(fn, ".") {
			fn = "runtime" + fn
		}
		fmt.Fprintf(&b, "\t%d: {%q, %d, %t},\n", i, fn, s.Trap, s.VDSO)
	}
	fmt.Fprintf(&b, "}\n\n")
	// The sites counted per M, by their index in the M's table.
	var msites []int
	for i, s := range sites {
		if s.M >= 0 {
			msites = append(msites, i)
		}
	}
	fmt.Fprintf(&b, "const syscopeRtMSites = %d\n\n", max(len(msites), 1))
	fmt.Fprintf(&b, "var syscopeRtMSite = [syscopeRtMSites]int{")
	for j, i := range msites {
		if j > 0 {
			fmt.Fprintf(&b, ", ")
		}
		fmt.Fprintf(&b, "%d", i)
	}
	fmt.Fprintf(&b, "}\n")
	return b.Bytes()
}

// OverlayJSON is cmd/go's -overlay file format.
type OverlayJSON struct {
	Replace map[string]string
}

// Write writes files into dir and dir/overlay.json, keyed by the paths
// under goroot. It builds everything in a fresh sibling directory and
// renames it into place, so dir is either complete or absent.
func Write(dir, goroot string, files map[string][]byte) (string, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, ".syscope-tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ov := OverlayJSON{Replace: map[string]string{}}
	for rel, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return "", err
		}
		ov.Replace[filepath.Join(goroot, filepath.FromSlash(rel))] = filepath.Join(dir, filepath.FromSlash(rel))
	}
	js, _ := json.MarshalIndent(ov, "", "\t")
	if err := os.WriteFile(filepath.Join(tmp, "overlay.json"), append(js, '\n'), 0o644); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return filepath.Join(dir, "overlay.json"), nil
}

// Key hashes everything an overlay depends on: the generator's own
// source (syscope.Generator: how it turns its inputs into files, so any
// change to it makes new overlays), the release, the GOROOT path, the
// embedded plans, their includes and the added sources, and the GOROOT
// files patched.
func Key(goroot, release string, p *plan.Plan) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", release, goroot, p.Name)
	for _, fsys := range []fs.FS{syscope.Generator, syscope.Files} {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(name, "_test.go") {
				return err
			}
			data, err := fs.ReadFile(fsys, name)
			fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
			h.Write(data)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("hashing the generator's inputs: %w", err)
		}
	}
	for _, fe := range p.Files {
		for _, rel := range strings.Split(strings.TrimPrefix(fe.Path, "?"), " | ") {
			data, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(rel)))
			fmt.Fprintf(h, "%s\x00%t\x00", rel, err == nil)
			h.Write(data)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

const modulePath = "github.com/syscope/syscope"

// SyscopeVersion names this build of syscope: its module version (a tag
// such as v0.3.1, or "(devel)" when built from a checkout), then, when
// the build recorded them, the VCS revision and "+dirty" for uncommitted
// changes.
func SyscopeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
		var rev string
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if v == "" {
			v = "(devel)"
		}
		if rev != "" {
			v += " " + rev[:min(len(rev), 12)]
			if dirty {
				v += "+dirty"
			}
		}
		return v
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			if d.Replace != nil {
				return d.Version + " => " + d.Replace.Path + " " + d.Replace.Version
			}
			return d.Version
		}
	}
	return "(devel)"
}

// VersionMark starts the string that names, in an instrumented binary,
// the syscope that made its overlay and the overlay's key; a NUL ends it.
const VersionMark = "\x00syscope-overlay-version "

// versionFile is the generated runtime file that names the syscope that
// made the overlay, for the dump's "syscope_version" and for syscope
// check, which finds the string in a binary, stripped or not.
func versionFile(stamp string) []byte {
	return []byte(fmt.Sprintf("// Code generated by syscope overlay; DO NOT EDIT.\n\npackage runtime\n\n"+
		"// syscopeVersionMark names the syscope that made this overlay and the\n// overlay's key, between the mark and a NUL.\n"+
		"var syscopeVersionMark = %q\n\nconst syscopeVersionMarkLen = %d\n", VersionMark+stamp+"\x00", len(VersionMark)))
}
