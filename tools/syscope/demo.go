package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/syscope/syscope"
	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/report"
	"golang.org/x/tools/txtar"
)

// runDemo builds the embedded demo with the overlay, runs it and prints
// its report.
func runDemo(args []string) error {
	if len(args) != 0 {
		return errUsage
	}
	dir, err := os.MkdirTemp("", "syscope-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildDemo(dir)
	if err != nil {
		return err
	}
	d, err := execDemo(bin, filepath.Join(dir, "dump.json"), os.Stdout)
	if err != nil {
		return err
	}
	fmt.Println()
	return report.Text(os.Stdout, d)
}

// buildDemo writes the embedded demo (demo/demo.txtar) into dir and builds
// it there with the overlay for the go on PATH. It returns the binary.
func buildDemo(dir string) (string, error) {
	data, err := fs.ReadFile(syscope.Files, "demo/demo.txtar")
	if err != nil {
		return "", err
	}
	for _, f := range txtar.Parse(data).Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return "", err
		}
	}
	r, err := overlay.Generate(overlay.Options{})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "syscope: building the demo with %s (plan %s)\n", r.Release, r.Plan.Name)
	build := exec.Command(r.GoCommand(), "build", "-overlay="+r.JSON, "-o", "demo", ".")
	build.Dir, build.Env, build.Stdout, build.Stderr = dir, append(os.Environ(), r.Env()...), os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building the demo: %v", err)
	}
	return filepath.Join(dir, "demo"), nil
}

// execDemo runs the demo binary with its output to stdout and reads the
// dump it writes to out.
func execDemo(bin, out string, stdout io.Writer) (*dump.Dump, error) {
	run := exec.Command(bin)
	run.Env, run.Stdout, run.Stderr = append(os.Environ(), "SYSCOPE_OUT="+out), stdout, os.Stderr
	if err := run.Run(); err != nil {
		return nil, fmt.Errorf("running the demo: %v", err)
	}
	return dump.Read(out)
}
