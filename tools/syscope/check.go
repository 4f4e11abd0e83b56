package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"strings"

	"github.com/syscope/syscope/overlay"
)

const checkUsage = "check [-overlay file] binary..."

func runCheck(args []string) error {
	fs := newFlags("check", checkUsage)
	ovPath := fs.String("overlay", "", "also require that the binary was built by the toolchain the overlay `file` was made for")
	if fs.Parse(args) != nil || fs.NArg() == 0 {
		return errUsage
	}
	var goroot, release string
	if *ovPath != "" {
		var err error
		if goroot, release, err = overlay.MadeFor(*ovPath); err != nil {
			return err
		}
	}
	failed := false
	for _, bin := range fs.Args() {
		info, err := checkBinary(bin, release, goroot, *ovPath)
		if err != nil {
			log.Print(err)
			failed = true
			continue
		}
		fmt.Println(info)
	}
	if failed {
		return exitError(1)
	}
	return nil
}

// checkBinary says whether bin carries the instrumented runtime, and,
// when release is set, whether the go that built it is the one the
// overlay ovPath (keyed under goroot) was made for. It returns the lines
// describing bin (the second, indented as in `go version -m`, names the
// syscope version and overlay key that made its overlay), or an error
// that tells the user what to do.
func checkBinary(bin, release, goroot, ovPath string) (string, error) {
	gover, instrumented, stamp, err := inspect(bin)
	if err != nil {
		return "", err
	}
	switch {
	case !instrumented && release == "":
		return "", fmt.Errorf("%s: not instrumented: built by %s without syscope's overlay, or with an overlay made for another toolchain, which cmd/go ignores; SYSCOPE_OUT has no effect on it. Build it with syscope build, or make the overlay for the go that builds it (syscope overlay)", bin, gover)
	case !instrumented:
		return "", fmt.Errorf("%s: not instrumented: built by %s. %s was made for %s at GOROOT %s, and cmd/go applies overlay entries only to files under its own GOROOT and ignores the rest: another toolchain builds with the plain runtime. Build with syscope build, or make the overlay for the go that builds (syscope overlay, with the same GOTOOLCHAIN and in the module's directory)", bin, gover, ovPath, release, goroot)
	case release != "" && gover != release:
		return "", fmt.Errorf("%s: built by %s with an overlay made for %s: its patched runtime files come from the other release. Make the overlay again (syscope overlay) and rebuild", bin, gover, release)
	}
	if stamp == "" {
		stamp = "not recorded (an overlay made before syscope stamped its version)"
	}
	return fmt.Sprintf("%s: %s, instrumented by syscope\n\tsyscope\t%s", bin, gover, stamp), nil
}

// inspect reports the Go release that built bin, whether its runtime is
// syscope's and, if so, the syscope version and overlay key the overlay
// recorded (see overlay.VersionMark). The function name
// runtime.syscopeInit is in the pclntab's table of function names, which
// every Go binary keeps even when its symbol table is stripped
// (-ldflags=-s); the version is string data, kept as well.
func inspect(bin string) (gover string, instrumented bool, stamp string, err error) {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", false, "", err
		}
		return "", false, "", fmt.Errorf("%s: not a Go binary: %v", bin, err)
	}
	gover, _, _ = strings.Cut(bi.GoVersion, " ") // "go1.26.8 X:nodwarf5" names experiments
	f, err := elf.Open(bin)
	if err != nil {
		return "", false, "", fmt.Errorf("%s: %v", bin, err)
	}
	defer f.Close()
	var data []byte
	if s := f.Section(".gopclntab"); s != nil {
		data, err = s.Data()
	} else {
		// Some PIE and externally linked binaries keep the pclntab
		// inside .data.rel.ro; search the whole file.
		data, err = os.ReadFile(bin)
	}
	if err != nil {
		return "", false, "", fmt.Errorf("%s: %v", bin, err)
	}
	if !bytes.Contains(data, []byte("\x00runtime.syscopeInit\x00")) {
		return gover, false, "", nil
	}
	if s := f.Section(".rodata"); s != nil {
		data, err = s.Data()
	} else {
		data, err = os.ReadFile(bin)
	}
	if err != nil {
		return "", false, "", fmt.Errorf("%s: %v", bin, err)
	}
	stamp = versionStamp(data)
	if stamp == "" && f.Section(".rodata") != nil {
		data, err = os.ReadFile(bin)
		stamp = versionStamp(data)
	}
	return gover, true, stamp, err
}

// versionStamp finds the string overlay.VersionMark starts in data.
func versionStamp(data []byte) string {
	_, rest, ok := bytes.Cut(data, []byte(overlay.VersionMark))
	if !ok {
		return ""
	}
	stamp, _, ok := bytes.Cut(rest, []byte{0})
	if !ok || len(stamp) > 200 {
		return ""
	}
	return string(stamp)
}
