package main

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/report"
)

const diffUsage = "diff [-format text|json] old.json new.json"

// runDiff prints what happened in one process between two of its dumps,
// with report's table and events.
func runDiff(args []string) error {
	fs := newFlags("diff", diffUsage)
	format := fs.String("format", "text", "output `format`: text or json")
	if fs.Parse(args) != nil || fs.NArg() != 2 {
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return usagef("unknown -format %q (want text or json)", *format)
	}
	oldPath, newPath := fs.Arg(0), fs.Arg(1)
	var srcs []dump.Source
	for _, p := range []string{oldPath, newPath} {
		d, err := dump.Read(p) // its errors start with the path
		if err != nil {
			return fmt.Errorf("cannot diff %s and %s: %w", oldPath, newPath, err)
		}
		srcs = append(srcs, dump.Source{Path: p, Dump: d})
	}
	d, err := dump.Diff(srcs[0], srcs[1])
	if err != nil {
		return err
	}
	var absent *dump.AbsentError
	if err := d.Check(); err != nil && !errors.As(err, &absent) {
		log.Printf("warning: %v", err)
	}
	if *format == "json" {
		return report.JSON(os.Stdout, d)
	}
	return report.Text(os.Stdout, d)
}
