package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/syscope/syscope/overlay"
)

func TestBuildOutput(t *testing.T) {
	exe, err := os.Executable() // an ELF executable, like go build's output
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "lib.a")
	if err := os.WriteFile(archive, []byte("!<arch>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		verb string
		args []string
		want string
	}{
		{"build", []string{"-trimpath", "-o", exe, "."}, exe},
		{"build", []string{"-o=" + exe, "."}, exe},
		{"build", []string{"--o", exe, "."}, exe},
		{"build", []string{"-trimpath", "."}, ""},
		{"build", []string{"-o", dir + "/", "./..."}, ""},
		{"build", []string{"-o", dir, "./..."}, ""},
		{"build", []string{"-o", archive, "./lib"}, ""},
		{"build", []string{"-o", os.DevNull, "."}, ""},
		{"test", []string{"-c", "-o", exe}, ""},
	} {
		if got := buildOutput(c.verb, c.args); got != c.want {
			t.Errorf("buildOutput(%q, %q) = %q, want %q", c.verb, c.args, got, c.want)
		}
	}
}

func TestCheckPlainBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, err = checkBinary(exe, "", "", "")
	if err == nil || !strings.Contains(err.Error(), "not instrumented: built by "+runtime.Version()) {
		t.Errorf("checkBinary(test binary) = %v, want not instrumented, built by %s", err, runtime.Version())
	}
	_, err = checkBinary(exe, "go1.25.14", "/elsewhere", "ov.json")
	if err == nil || !strings.Contains(err.Error(), "ov.json was made for go1.25.14 at GOROOT /elsewhere") {
		t.Errorf("checkBinary with an overlay = %v, want it to name the overlay's release and GOROOT", err)
	}
	if _, err := checkBinary(filepath.Join(t.TempDir(), "missing"), "", "", ""); err == nil {
		t.Errorf("checkBinary(missing file) succeeded")
	}
}

func TestVersionStamp(t *testing.T) {
	data := []byte("go:string.junk" + overlay.VersionMark + "(devel) 0123456789ab, overlay 0123456789abcdef\x00more")
	if got := versionStamp(data); got != "(devel) 0123456789ab, overlay 0123456789abcdef" {
		t.Errorf("versionStamp = %q", got)
	}
	if got := versionStamp([]byte("no mark here\x00")); got != "" {
		t.Errorf("versionStamp without the mark = %q", got)
	}
	if got := versionStamp([]byte(overlay.VersionMark + "unterminated")); got != "" {
		t.Errorf("versionStamp of an unterminated stamp = %q", got)
	}
}
