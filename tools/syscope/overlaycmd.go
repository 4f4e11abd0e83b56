package main

import (
	"fmt"
	"log"

	"github.com/syscope/syscope/overlay"
)

const overlayUsage = "overlay [-goroot dir] [-o dir] [-force] [-v]"

func runOverlay(args []string) error {
	fs := newFlags("overlay", overlayUsage)
	var o overlay.Options
	fs.StringVar(&o.GOROOT, "goroot", "", "instrument the toolchain in `dir` (default: go env GOROOT)")
	fs.StringVar(&o.Dir, "o", "", "write the overlay into `dir` (default: the cache)")
	fs.BoolVar(&o.Force, "force", false, "try the newest plan on a release newer than every plan")
	verbose := fs.Bool("v", false, "print the release, plan, GOROOT and time taken on standard error")
	if fs.Parse(args) != nil || fs.NArg() != 0 {
		return errUsage
	}
	r, err := overlay.Generate(o)
	if err != nil {
		return err
	}
	if *verbose {
		how := "generated"
		if r.Cached {
			how = "cached"
		}
		log.Printf("release %s, plan %s, GOROOT %s, %s in %.1f ms", r.Release, r.Plan.Name, r.GOROOT, how, float64(r.Elapsed.Microseconds())/1000)
	}
	fmt.Println(r.JSON)
	return nil
}
