package main

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"log"
	"os"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/report"
)

const reportUsage = "report [-format text|json] dump.json|dir..."

func runReport(args []string) error {
	fs := newFlags("report", reportUsage)
	format := fs.String("format", "text", "output `format`: text or json")
	if fs.Parse(args) != nil || fs.NArg() == 0 {
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return usagef("unknown -format %q (want text or json)", *format)
	}
	d, err := readReport(fs.Args())
	if errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("%v\nno dump there. A program writes its dump however it ends (but SIGKILL, which leaves its last snapshot with SYSCOPE_INTERVAL), with SYSCOPE_OUT set and SYSCOPE not off, if it was built with the overlay for the go that built it; syscope check PROGRAM tells whether it was", err)
	}
	if err != nil {
		return err
	}
	if *format == "json" {
		return report.JSON(os.Stdout, d)
	}
	return report.Text(os.Stdout, d)
}

// readReport reads the dump that report prints: the one file, or the sum
// of several files and directories of them. A sum that conserves does not
// show that each dump did, so a dump that does not is a warning.
func readReport(paths []string) (*dump.Dump, error) {
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err != nil || !fi.IsDir() {
			return dump.Read(paths[0])
		}
	}
	srcs, err := dump.ReadSources(paths...)
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		var absent *dump.AbsentError
		if err := s.Dump.Check(); err != nil && !errors.As(err, &absent) {
			log.Printf("warning: %s: %v", s.Path, err)
		}
	}
	return dump.Sum(srcs)
}
