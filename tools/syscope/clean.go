package main

import (
	"fmt"
	"os"

	"github.com/syscope/syscope/overlay"
)

const cleanUsage = "clean [-n] [-x]"

// runClean empties syscope's cache: its overlays and GOROOT links.
func runClean(args []string) error {
	fs := newFlags("clean", cleanUsage)
	dryRun := fs.Bool("n", false, "print the remove commands it would run, and run none")
	trace := fs.Bool("x", false, "print the remove commands as it runs them")
	if fs.Parse(args) != nil || fs.NArg() != 0 {
		return errUsage
	}
	return overlay.Clean(*dryRun, func(dir string) {
		if *dryRun || *trace {
			fmt.Fprintf(os.Stderr, "rm -rf %s\n", dir)
		}
	})
}
