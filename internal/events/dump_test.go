package events_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
)

// TestInstrumentedDump builds a small program with the overlay for the go
// on PATH, runs it, and compares the events its dump holds with the dump
// package's names: what the runtime compiled in against what the reader
// knows. It builds the runtime, so -short leaves it out.
func TestInstrumentedDump(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an instrumented program; run without -short")
	}
	r, err := overlay.Generate(overlay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module tiny\n\ngo 1.16\n")
	write("main.go", `package main

import (
	"os"
	"syscall"
)

func main() {
	if _, err := os.ReadFile("/proc/self/stat"); err != nil {
		panic(err)
	}
	syscall.Getppid()
}
`)
	bin := filepath.Join(dir, "tiny")
	build := exec.Command(r.GoCommand(), "build", "-overlay="+r.JSON, "-o", bin, ".")
	build.Dir = dir
	build.Env = append(append(os.Environ(), r.Env()...), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building with the %s overlay: %v\n%s", r.Release, err, out)
	}
	out := filepath.Join(dir, "dump.json")
	run := exec.Command(bin)
	run.Env = append(os.Environ(), "SYSCOPE_OUT="+out, "SYSCOPE=")
	if msg, err := run.CombinedOutput(); err != nil {
		t.Fatalf("running: %v\n%s", err, msg)
	}
	d, err := dump.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for name := range d.Events {
		got = append(got, name)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(dump.EventNames))
	if !slices.Equal(got, want) {
		t.Errorf("%s: the runtime wrote events %v,\nthe dump package knows %v", r.Release, got, want)
	}
	if err := d.Check(); err != nil {
		t.Errorf("%s: %v", r.Release, err)
	}
	if d.Event("enter") == 0 {
		t.Errorf("%s: no syscall entry counted: %v", r.Release, d.Events)
	}
}
