package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/report"
)

func newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: syscope %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

func runOverlay(args []string) error {
	fs := newFlags("overlay", "overlay [-goroot dir] [-o dir] [-force] [-v]")
	var o overlay.Options
	fs.StringVar(&o.GOROOT, "goroot", "", "instrument the toolchain in `dir` (default: go env GOROOT)")
	fs.StringVar(&o.Dir, "o", "", "write the overlay into `dir` (default: the cache)")
	fs.BoolVar(&o.Force, "force", false, "try the newest plan on a release newer than every plan")
	verbose := fs.Bool("v", false, "print the release, plan, GOROOT and time taken")
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
		fmt.Printf("release %s, plan %s, GOROOT %s, %s in %.1f ms\n", r.Release, r.Plan.Name, r.GOROOT, how, float64(r.Elapsed.Microseconds())/1000)
	}
	fmt.Println(r.JSON)
	return nil
}

// goCommand runs `go verb -overlay=... args` with the toolchain the overlay was made for.
func goCommand(verb string) func([]string) error {
	return func(args []string) error {
		for _, a := range args {
			if strings.HasPrefix(strings.TrimLeft(a, "-"), "overlay") && strings.HasPrefix(a, "-") {
				return fmt.Errorf("cannot use -overlay with syscope %s", verb)
			}
		}
		r, err := overlay.Generate(overlay.Options{})
		if err != nil {
			return err
		}
		cmd := exec.Command(r.GoCommand(), append([]string{verb, "-overlay=" + r.JSON}, args...)...)
		cmd.Env = append(os.Environ(), r.Env()...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		err = cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return exitError(ee.ExitCode())
		}
		return err
	}
}

func runReport(args []string) error {
	fs := newFlags("report", "report [-format text|json] dump.json")
	format := fs.String("format", "text", "output `format`: text or json")
	if fs.Parse(args) != nil || fs.NArg() != 1 {
		return errUsage
	}
	d, err := dump.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	switch *format {
	case "text":
		return report.Text(os.Stdout, d)
	case "json":
		return report.JSON(os.Stdout, d)
	}
	return fmt.Errorf("unknown -format %q (want text or json)", *format)
}

func runVersions(args []string) error {
	if len(args) != 0 {
		return errUsage
	}
	plans, err := overlay.Plans()
	if err != nil {
		return err
	}
	for _, p := range plans {
		fmt.Printf("%s: %s through %s.x\n", p.Name, p.First, p.Last)
		un := map[string]bool{}
		for _, u := range p.Unsupported {
			un[u] = true
		}
		var rec []string
		for _, e := range dump.EventNames {
			if !un[e] {
				rec = append(rec, e)
			}
		}
		fmt.Printf("\trecords: %s\n", strings.Join(rec, " "))
		if len(p.Unsupported) > 0 {
			fmt.Printf("\tcannot occur (n/a): %s\n", strings.Join(p.Unsupported, " "))
		}
	}
	return nil
}
