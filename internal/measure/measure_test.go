package measure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDoc(t *testing.T) {
	d := &Doc{Title: "Overhead", Command: "make bench", Toolchains: []string{"local = go1.26.8"}}
	d.Body.WriteString("| a | b |\n")
	got := string(d.Bytes(time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC), Machine{CPUs: 2, CPU: "Some CPU", Kernel: "6.1.0"}))
	for _, want := range []string{"# Overhead\n", "`make bench`", "- Date: 2026-03-04 05:06 UTC\n", "- Machine: 2 CPUs (nproc), Some CPU, Linux 6.1.0\n", "- Toolchains: local = go1.26.8\n", "| a | b |\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("document lacks %q:\n%s", want, got)
		}
	}
	m := ThisMachine()
	if m.CPUs < 1 || m.Kernel == "unknown" || m.CPU == "unknown" {
		t.Errorf("ThisMachine() = %+v", m)
	}
}

// TestWriteReplaces: Write replaces the file whole and leaves no
// temporary file; writing into a path it cannot create fails and keeps
// the old file.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "docs", "x.md")
	d := &Doc{Title: "X", Command: "make x"}
	d.Body.WriteString("first\n")
	if err := d.Write(path); err != nil {
		t.Fatal(err)
	}
	d.Body.Reset()
	d.Body.WriteString("second\n")
	if err := d.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "second\n") || strings.Contains(string(data), "first") {
		t.Errorf("not replaced:\n%s", data)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("%d files in docs/, want 1", len(ents))
	}
	if err := d.Write(filepath.Join(path, "under-a-file.md")); err == nil {
		t.Errorf("writing beneath a file: no error")
	}
}

func TestAddToolchain(t *testing.T) {
	var d Doc
	d.AddToolchain("local", "go1.26.8")
	d.AddToolchain("go1.21.13", "go1.21.13")
	if got, want := strings.Join(d.Toolchains, ", "), "local = go1.26.8, go1.21.13"; got != want {
		t.Errorf("Toolchains = %q, want %q", got, want)
	}
}

// TestRun: a command runs in dir with env added and its output comes
// back; a failing one's error names it and holds its output.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	out, err := Run(dir, []string{"MEASURE_X=42"}, "sh", "-c", "pwd; echo $MEASURE_X")
	if want := dir + "\n42\n"; err != nil || string(out) != want {
		t.Errorf("Run: %q, %v; want %q", out, err, want)
	}
	_, err = Run("", nil, "sh", "-c", "echo oops; exit 3")
	if err == nil || !strings.Contains(err.Error(), "sh -c echo oops; exit 3: exit status 3") || !strings.Contains(err.Error(), "oops") {
		t.Errorf("Run of a failing command: %v", err)
	}
}
