package main

import (
	"fmt"
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
	data, err := fs.ReadFile(syscope.Files, "demo/demo.txtar")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "syscope-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, f := range txtar.Parse(data).Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	r, err := overlay.Generate(overlay.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "syscope: building the demo with %s (plan %s)\n", r.Release, r.Plan.Name)
	build := exec.Command(r.GoCommand(), "build", "-overlay="+r.JSON, "-o", "demo", ".")
	build.Dir, build.Env, build.Stdout, build.Stderr = dir, append(os.Environ(), r.Env()...), os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the demo: %v", err)
	}
	out := filepath.Join(dir, "dump.json")
	run := exec.Command(filepath.Join(dir, "demo"))
	run.Env, run.Stdout, run.Stderr = append(os.Environ(), "SYSCOPE_OUT="+out), os.Stdout, os.Stderr
	if err := run.Run(); err != nil {
		return fmt.Errorf("running the demo: %v", err)
	}
	d, err := dump.Read(out)
	if err != nil {
		return err
	}
	fmt.Println()
	return report.Text(os.Stdout, d)
}
