package main

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/syscope/syscope/overlay"
)

// goCommand runs `go verb -overlay=... args` with the toolchain the
// overlay was made for. It takes its own flags, -n and -x, from among
// the go flags (see goFlags).
func goCommand(verb string) func([]string) error {
	return func(args []string) error {
		fs := newFlags(verb, goUsage[verb])
		dryRun := fs.Bool("n", false, "print the go command, with the environment it needs, on standard output; run nothing")
		trace := fs.Bool("x", false, "print the go command on standard error, then run it with go's -x")
		own, goArgs, err := goFlags(verb, args)
		if err != nil {
			return err
		}
		if fs.Parse(own) != nil {
			return errUsage
		}
		chdir, goArgs := cutChdir(goArgs)
		if err := checkPlatform(chdir); err != nil {
			return err
		}
		r, err := overlay.Generate(overlay.Options{})
		if err != nil {
			return err
		}
		run := []string{verb}
		if chdir != "" {
			run = append(run, "-C", chdir) // go requires -C first
		}
		run = append(run, "-overlay="+r.JSON)
		if *trace && !*dryRun {
			run = append(run, "-x")
		}
		var out *testOut
		if verb == "test" {
			if out, err = newTestOut(goArgs, *dryRun); err != nil {
				return err
			}
			if out != nil {
				run = append(run, out.args...)
			}
			run = append(run, vetArgs(r.Release, goArgs)...)
		}
		run = append(run, goArgs...)
		env := r.Env()
		if out != nil && out.env != "" {
			env = append(env, "SYSCOPE_OUT="+out.env)
		}
		line := shellLine(env, r.GoCommand(), run)
		if *dryRun {
			fmt.Println(line)
			return nil
		}
		if *trace {
			fmt.Fprintln(os.Stderr, line)
		}
		if m := libraryBuildmode(goArgs); m != "" {
			fmt.Fprintf(os.Stderr, "syscope: warning: -buildmode=%s: the library records its calls but writes its dump only if its Go code calls os.Exit or dies of a panic, a fatal error or a fatal signal; a host that exits by itself (returns from main, calls exit) writes none: the Go runtime has no hook at the host's exit; with SYSCOPE_INTERVAL its last snapshot stays\n", m)
		}
		cmd := exec.Command(r.GoCommand(), run...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		watch, err := dumpBefore(verb)
		if err != nil {
			return err
		}
		err = cmd.Run()
		if watch != nil {
			watch.warnNoDump()
		}
		var outErr error
		if out != nil {
			outErr = out.finish()
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return exitError(ee.ExitCode())
		}
		if err == nil {
			err = outErr
		}
		if err != nil {
			return err
		}
		// A binary built without the overlay taking effect would run
		// without a word and write no dump: make sure it carries it.
		if out := buildOutput(verb, goArgs); out != "" {
			if chdir != "" && !filepath.IsAbs(out) {
				out = filepath.Join(chdir, out) // go reads -o in the -C directory
			}
			_, err = checkBinary(out, r.Release, r.GOROOT, r.JSON)
		}
		return err
	}
}

// cutChdir takes the go command's -C dir out of args, wherever the user
// put it among the go flags: the go command requires it first, before
// the -overlay flag syscope adds.
func cutChdir(args []string) (dir string, rest []string) {
	for i := 0; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		switch a := args[i]; {
		case (a == "-C" || a == "--C") && i+1 < len(args):
			return args[i+1], append(slices.Clone(args[:i]), args[i+2:]...)
		case strings.HasPrefix(a, "-C=") || strings.HasPrefix(a, "--C="):
			_, v, _ := strings.Cut(a, "=")
			return v, append(slices.Clone(args[:i]), args[i+1:]...)
		case goValueFlags[strings.TrimLeft(a, "-")] && !strings.Contains(a, "="):
			i++ // the flag's value
		}
	}
	return "", args
}

// checkPlatform refuses a build for another platform before the go
// command runs: syscope instruments linux/amd64's system-call paths only,
// and another GOOS or GOARCH would fail deep inside package runtime.
func checkPlatform(dir string) error {
	cmd := exec.Command("go", "env", "GOOS", "GOARCH")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go env GOOS GOARCH: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return fmt.Errorf("go env GOOS GOARCH printed %q", out)
	}
	if f[0] != "linux" || f[1] != "amd64" {
		return fmt.Errorf("cannot build for %s/%s: syscope instruments the system-call paths of linux/amd64 only", f[0], f[1])
	}
	return nil
}

// libraryBuildmode returns c-shared or c-archive if the go flags in
// args (up to the first argument that is not a flag or a flag's value)
// ask for that build mode, the last -buildmode winning as in go.
func libraryBuildmode(args []string) string {
	mode := ""
	for i := 0; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		name, v, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if goValueFlags[name] && !hasValue && i+1 < len(args) {
			i++
			v = args[i]
		}
		if name == "buildmode" {
			mode = v
		}
	}
	if mode == "c-shared" || mode == "c-archive" {
		return mode
	}
	return ""
}

// goUsage holds the usage lines of build, test and run.
var goUsage = map[string]string{
	"build": "build [-n] [-x] [go flags] [packages]",
	"test":  "test [-n] [-x] [go flags] [packages] [test flags]",
	"run":   "run [-n] [-x] [go flags] package [arguments]",
}

// goValueFlags are the go command's build flags (go help build), and
// run's -exec, that take a value as the next argument when written
// without "=". goFlags skips that argument; a flag missing here only
// makes goFlags stop early, so a later -n or -x goes to go as it is.
var goValueFlags = map[string]bool{
	"C": true, "asmflags": true, "buildmode": true, "compiler": true, "coverpkg": true,
	"covermode": true, "exec": true, "gccgoflags": true, "gcflags": true, "installsuffix": true,
	"ldflags": true, "mod": true, "modfile": true, "o": true, "overlay": true, "p": true,
	"pgo": true, "pkgdir": true, "tags": true, "toolexec": true,
	"debug-actiongraph": true, "debug-runtime-trace": true, "debug-trace": true,
}

// goFlags splits the arguments of syscope build, test or run into
// syscope's own flags (-n, -x, -h) and those for the go command, read
// the way the go command reads its flags: for build and run, up to the
// first argument that is not a flag or a flag's value (for run, the
// program's arguments follow it); for test, anywhere before -args, as
// go test also takes flags after the packages. -overlay is refused.
func goFlags(verb string, args []string) (own, goArgs []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-args" || a == "--args" || !strings.HasPrefix(a, "-") || a == "-" {
			if verb != "test" || a == "-args" || a == "--args" {
				return own, append(goArgs, args[i:]...), nil
			}
			goArgs = append(goArgs, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name == "n" || name == "x" || name == "h" || name == "help":
			own = append(own, a)
		case name == "overlay":
			return nil, nil, usagef("cannot use -overlay with syscope %s: it supplies its own", verb)
		default:
			goArgs = append(goArgs, a)
			if goValueFlags[name] && !hasValue && i+1 < len(args) {
				i++
				goArgs = append(goArgs, args[i])
			}
		}
	}
	return own, goArgs, nil
}

// shellLine is the command as a line for sh: the environment it needs,
// then the program and its arguments, each quoted when it must be.
func shellLine(env []string, prog string, args []string) string {
	var words []string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		words = append(words, k+"="+shellQuote(v))
	}
	words = append(words, shellQuote(prog))
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes s for sh when it holds anything but letters, digits
// and the punctuation that sh takes literally.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
