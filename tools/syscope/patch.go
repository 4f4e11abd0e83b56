package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/syscope/syscope/overlay"
)

const patchUsage = "patch [-goroot dir] [-o file]"

// runPatch writes the overlay of a toolchain as one unified diff against
// its GOROOT, with a/ and b/ paths relative to it, for builds that cannot
// pass -overlay: `patch -p1` or `git apply` in a copy of that GOROOT makes
// a toolchain whose own go builds instrumented binaries.
func runPatch(args []string) error {
	fs := newFlags("patch", patchUsage)
	var o overlay.Options
	fs.StringVar(&o.GOROOT, "goroot", "", "make the patch for the toolchain in `dir` (default: go env GOROOT)")
	out := fs.String("o", "", "write the patch to `file` (default: standard output)")
	if fs.Parse(args) != nil || fs.NArg() != 0 {
		return errUsage
	}
	r, err := overlay.Generate(o)
	if err != nil {
		return err
	}
	p, err := goRootPatch(r)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(p)
		return err
	}
	// Written whole or not at all.
	tmp := *out + ".syscope-tmp"
	if err := os.WriteFile(tmp, p, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// goRootPatch is the diff of every file the overlay replaces or adds,
// sorted by path, in git's form: "diff --git" headers (new files with
// their mode), then each file's unified diff.
func goRootPatch(r *overlay.Result) ([]byte, error) {
	data, err := os.ReadFile(r.JSON)
	if err != nil {
		return nil, err
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &ov); err != nil {
		return nil, fmt.Errorf("%s: %v", r.JSON, err)
	}
	var b bytes.Buffer
	paths := slices.Sorted(func(yield func(string) bool) {
		for k := range ov.Replace {
			if !yield(k) {
				return
			}
		}
	})
	for _, path := range paths {
		rel, err := filepath.Rel(r.GOROOT, path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("%s: overlay path %s is not under GOROOT %s", r.JSON, path, r.GOROOT)
		}
		rel = filepath.ToSlash(rel)
		new, err := os.ReadFile(ov.Replace[path])
		if err != nil {
			return nil, err
		}
		old, err := os.ReadFile(path)
		created := os.IsNotExist(err)
		if err != nil && !created {
			return nil, err
		}
		d := diff.Diff("a/"+rel, old, "b/"+rel, new)
		if d == nil {
			continue
		}
		// diff.Diff begins with "diff a/x b/x" and "--- a/x", "+++ b/x".
		_, body, _ := bytes.Cut(d, []byte("\n"))
		fmt.Fprintf(&b, "diff --git a/%s b/%s\n", rel, rel)
		if created {
			b.WriteString("new file mode 100644\n")
			body = bytes.Replace(body, []byte("--- a/"+rel+"\n"), []byte("--- /dev/null\n"), 1)
		}
		b.Write(body)
	}
	return b.Bytes(), nil
}
