package main

import (
	"encoding/json"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// beforeGo117 is the module version of a package outside the standard
// library for a release older than the go line of every tagged version:
// for golang.org/x/sys, whose first tag (v0.1.0) uses unsafe.Slice
// unconditionally, a commit of July 2022 that go1.16 builds.
var beforeGo117 = map[string]string{
	"golang.org/x/sys": "v0.0.0-20220722155257-8c9f86f7a55f",
}

// moduleDir makes a module that requires the module holding pkg, in the
// newest tagged version whose go line release accepts (so that a test
// with an old toolchain runs the code that toolchain was supported by),
// and returns its directory and the version chosen. The go command that
// runs this program lists the versions and reads their go.mod files,
// through the module proxy or the module cache.
func moduleDir(pkg, release string) (dir, ver string, err error) {
	mod := strings.Join(strings.SplitN(pkg, "/", 4)[:3], "/")
	ver, err = moduleFor(mod, release)
	if err != nil {
		return "", "", err
	}
	dir, err = os.MkdirTemp("", "verifystd-")
	if err != nil {
		return "", "", err
	}
	gomod := fmt.Sprintf("module verifystd\n\ngo 1.16\n\nrequire %s %s\n", mod, ver)
	return dir, ver, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666)
}

func moduleFor(mod, release string) (string, error) {
	var list struct{ Versions []string }
	if err := goJSON(&list, "list", "-m", "-versions", "-json", mod); err != nil {
		return "", err
	}
	minor := version.Lang(release)
	for i := len(list.Versions) - 1; i >= 0; i-- {
		v := list.Versions[i]
		if semver.Prerelease(v) != "" {
			continue
		}
		var dl struct{ GoMod, Error string }
		if err := goJSON(&dl, "mod", "download", "-json", module.Version{Path: mod, Version: v}.String()); err != nil {
			return "", err
		}
		data, err := os.ReadFile(dl.GoMod)
		if err != nil {
			return "", err
		}
		f, err := modfile.ParseLax(dl.GoMod, data, nil)
		if err != nil {
			return "", err
		}
		if f.Go == nil || version.Compare("go"+f.Go.Version, minor) <= 0 {
			return v, nil
		}
	}
	if v, ok := beforeGo117[mod]; ok && version.Compare(minor, "go1.17") < 0 {
		return v, nil
	}
	return "", fmt.Errorf("no version of %s has a go line that %s accepts", mod, release)
}

// goJSON runs the go command outside any module and decodes its output.
func goJSON(v any, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=on")
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go %s: %v", strings.Join(args, " "), cmdErr(err))
	}
	return json.Unmarshal(out, v)
}
