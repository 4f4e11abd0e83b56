package main

import (
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"log"
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
		dumpPath, before := dumpBefore(verb)
		err = cmd.Run()
		if dumpPath != "" {
			warnNoDump(dumpPath, before)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return exitError(ee.ExitCode())
		}
		if err != nil {
			return err
		}
		// A binary built without the overlay taking effect would run
		// without a word and write no dump: make sure it carries it.
		if out := buildOutput(verb, args); out != "" {
			_, err = checkBinary(out, r.Release, r.GOROOT, r.JSON)
		}
		return err
	}
}

// buildOutput is the file that `go build args` writes, when -o names
// one; "" otherwise.
func buildOutput(verb string, args []string) string {
	if verb != "build" {
		return ""
	}
	out := ""
	for i, a := range args {
		switch {
		case (a == "-o" || a == "--o") && i+1 < len(args):
			out = args[i+1]
		case strings.HasPrefix(a, "-o=") || strings.HasPrefix(a, "--o="):
			out = a[strings.Index(a, "=")+1:]
		}
	}
	if out == "" || out == os.DevNull || strings.HasSuffix(out, "/") {
		return ""
	}
	// -o on a non-main package writes an archive, which has no runtime.
	f, err := elf.Open(out)
	if err != nil {
		return ""
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return ""
	}
	return out
}

// dumpBefore returns, for syscope run, the dump file SYSCOPE_OUT names
// and what is there before the program runs.
func dumpBefore(verb string) (string, os.FileInfo) {
	path := os.Getenv("SYSCOPE_OUT")
	if verb != "run" || path == "" || os.Getenv("SYSCOPE") == "off" {
		return "", nil
	}
	fi, _ := os.Stat(path)
	return path, fi
}

// warnNoDump warns when the program run left no new dump at path. The
// runtime renames a new file into place, so a dump it wrote is never the
// file that was there before.
func warnNoDump(path string, before os.FileInfo) {
	after, err := os.Stat(path)
	if err == nil && (before == nil || !os.SameFile(before, after)) {
		return
	}
	log.Printf("warning: the program wrote no dump to %s (SYSCOPE_OUT). It writes one when main returns or it calls os.Exit, not when a signal kills it or it runs setuid", path)
}

func runReport(args []string) error {
	fs := newFlags("report", "report [-format text|json] dump.json")
	format := fs.String("format", "text", "output `format`: text or json")
	if fs.Parse(args) != nil || fs.NArg() != 1 {
		return errUsage
	}
	d, err := dump.Read(fs.Arg(0))
	if errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("%v\nno dump there. A program writes its dump when it exits normally, with SYSCOPE_OUT set and SYSCOPE not off, if it was built with the overlay for the go that built it; syscope check PROGRAM tells whether it was", err)
	}
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
