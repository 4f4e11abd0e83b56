package main

import (
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"go/version"
	"io"
	iofs "io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/report"
)

// The flag set and usage line of the command being run, recorded by
// newFlags: main prints them on a usage error.
var (
	cmdFlags *flag.FlagSet
	cmdUsage string
)

// newFlags makes the flag set of a command; usage is its usage line, as
// in commands. The flag package prints a parse error, and main the usage
// line and the flags when the command returns errUsage, so that -h, a
// bad flag and a wrong number of arguments all print the same.
func newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {}
	cmdFlags, cmdUsage = fs, usage
	return fs
}

// printUsage prints the usage line of the command c and its flags.
func printUsage(w io.Writer, c command) {
	usage := c.usage
	if cmdUsage != "" {
		usage = cmdUsage
	}
	fmt.Fprintf(w, "usage: syscope %s\n", usage)
	if cmdFlags != nil {
		cmdFlags.SetOutput(w)
		cmdFlags.PrintDefaults()
	}
	if goUsage[c.name] != "" {
		fmt.Fprintf(w, "The other flags are the go command's: go help %s\n", c.name)
	}
}

// errUsage makes main print the command's usage line and exit 2.
var errUsage = errors.New("usage")

// usageError is a usage error with a message: main prints the message,
// then the usage line, and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error whose message is the formatted string.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

const (
	overlayUsage  = "overlay [-goroot dir] [-o dir] [-force] [-v]"
	reportUsage   = "report [-format text|json] dump.json|dir..."
	versionsUsage = "versions"
)

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

// dumpBefore returns, for syscope run, the dump file SYSCOPE_OUT names
// and what is there before the program runs.
func dumpBefore(verb string) (*dumpWatch, error) {
	path := os.Getenv("SYSCOPE_OUT")
	if verb != "run" || path == "" || os.Getenv("SYSCOPE") == "off" {
		return nil, nil
	}
	w := &dumpWatch{path: path}
	w.before, _ = os.Stat(path)
	if isOutDir(path, w.before) {
		names, err := dumpNames(path)
		if err != nil {
			return nil, err
		}
		w.dir, w.names = true, names
	}
	return w, nil
}

// dumpWatch is what SYSCOPE_OUT held before a program ran: the file, or
// the dumps in the directory.
type dumpWatch struct {
	path   string
	before os.FileInfo
	dir    bool
	names  map[string]bool
}

// isOutDir reports whether SYSCOPE_OUT=path names a directory, as the
// runtime reads it: path ends in "/" or is a directory (fi, from Stat).
func isOutDir(path string, fi os.FileInfo) bool {
	return strings.HasSuffix(path, "/") || fi != nil && fi.IsDir()
}

// warnNoDump warns when the program run left no new dump where
// SYSCOPE_OUT says. The runtime renames a new file into place, so a dump
// it wrote is never the file that was there before; in a directory, it
// is a file that was not there.
func (w *dumpWatch) warnNoDump() {
	if w.dir {
		if names, err := dumpNames(w.path); err == nil && len(newNames(names, w.names)) == 0 {
			log.Printf("warning: the program wrote no dump in the directory %s (SYSCOPE_OUT). It writes one when main returns or it calls os.Exit, not when a signal kills it or it runs setuid", w.path)
		}
		return
	}
	after, err := os.Stat(w.path)
	if err == nil && (w.before == nil || !os.SameFile(w.before, after)) {
		return
	}
	log.Printf("warning: the program wrote no dump to %s (SYSCOPE_OUT). It writes one when main returns or it calls os.Exit, not when a signal kills it or it runs setuid", w.path)
}

// dumpNames returns the names of the *.json files in dir.
func dumpNames(dir string) (map[string]bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") && !e.IsDir() {
			names[e.Name()] = true
		}
	}
	return names, nil
}

// newNames returns the names in now that are not in before, sorted.
func newNames(now, before map[string]bool) []string {
	var n []string
	for name := range now {
		if !before[name] {
			n = append(n, name)
		}
	}
	sort.Strings(n)
	return n
}

// testOut is what syscope test does about SYSCOPE_OUT. go test runs each
// test binary in its package's directory, so SYSCOPE_OUT is made
// absolute, and one binary's dump would replace another's in one file,
// so every binary writes its own dump in a directory: SYSCOPE_OUT's own,
// or, when SYSCOPE_OUT names a file, a new one beside it, from which a
// single dump is moved to the file. And go test's cache does not know
// that a test binary reads SYSCOPE_OUT (the runtime reads it, not
// os.Getenv) nor that it writes a dump, so a cached result would pass
// with no dump: without a -count of the user's, -count=1 is added.
type testOut struct {
	args []string // go test flags to add
	env  string   // SYSCOPE_OUT for the test binaries, or ""
	file string   // the file SYSCOPE_OUT names, or ""
	dir  string   // the directory the binaries write in
	// before holds the dumps in dir before the tests ran.
	before map[string]bool
}

// newTestOut returns what syscope test adds to args for SYSCOPE_OUT, or
// nil when it is not set. With dryRun it makes no directory.
func newTestOut(args []string, dryRun bool) (*testOut, error) {
	path := os.Getenv("SYSCOPE_OUT")
	if path == "" || os.Getenv("SYSCOPE") == "off" || testFlag(args, "c") {
		return nil, nil // -c builds the test binary and runs nothing
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	switch {
	case isOutDir(path, fi) && errors.Is(err, iofs.ErrNotExist):
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s does not exist: make it first (as for GOCOVERDIR, syscope does not)", path)
	case isOutDir(path, fi) && err != nil:
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s: %w", path, err)
	case isOutDir(path, fi) && !fi.IsDir():
		return nil, fmt.Errorf("SYSCOPE_OUT directory %s is a file", path)
	}
	t := &testOut{}
	if !testFlag(args, "count") && !strings.Contains(" "+os.Getenv("GOFLAGS"), " -count") {
		t.args = append(t.args, "-count=1")
		log.Printf("SYSCOPE_OUT is set: running the tests with -count=1, since a result from go test's cache writes no dump")
	}
	switch {
	case isOutDir(path, fi):
		t.dir, t.env = abs, abs+"/"
	case dryRun:
		t.env = abs
		return t, nil
	default:
		t.file = abs
		t.dir, err = os.MkdirTemp(filepath.Dir(abs), filepath.Base(abs)+".syscope-")
		if err != nil {
			return nil, fmt.Errorf("making a directory for the test binaries' dumps beside SYSCOPE_OUT: %w", err)
		}
		t.env = t.dir + "/"
	}
	if t.before, err = dumpNames(t.dir); err != nil {
		return nil, err
	}
	return t, nil
}

// vetArgs returns -vet=off for go test on a release before go1.24, unless
// args set -vet: its vet reads the files of each package from disk, not
// through the overlay, and fails on those the overlay adds to package
// runtime ("vet: open .../src/runtime/syscope_dump.go: no such file or
// directory"), which fails the test run.
func vetArgs(release string, args []string) []string {
	if version.Compare(release, "go1.24") >= 0 || testFlag(args, "vet") {
		return nil
	}
	log.Printf("running the tests with -vet=off: the vet of %s does not read the overlay", release)
	return []string{"-vet=off"}
}

// testFlag reports whether args, go test's arguments, set the flag name
// before -args.
func testFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-args" || a == "--args" {
			break
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (n == name || n == "test."+name) {
			return true
		}
	}
	return false
}

// finish says where the test binaries' dumps are, after the tests ran.
// For a file SYSCOPE_OUT, a single dump is moved there; several are left
// in their directory, and finish fails saying so, since no one file can
// hold them.
func (t *testOut) finish() error {
	if t.dir == "" {
		return nil
	}
	now, err := dumpNames(t.dir)
	if err != nil {
		return err
	}
	dumps := newNames(now, t.before)
	switch {
	case len(dumps) == 0:
		if t.file != "" {
			os.Remove(t.dir)
		}
		log.Printf("warning: no test binary wrote a dump (SYSCOPE_OUT=%s). One writes its dump when its tests end, if the package has tests and the binary is not killed", os.Getenv("SYSCOPE_OUT"))
	case t.file == "":
		log.Printf("%s in %s, one per test binary; syscope report %s sums them", plural(len(dumps), "new dump"), t.dir, t.dir)
	case len(dumps) == 1:
		if err := os.Rename(filepath.Join(t.dir, dumps[0]), t.file); err != nil {
			return err
		}
		return os.Remove(t.dir)
	default:
		return fmt.Errorf("%d test binaries wrote a dump each, and SYSCOPE_OUT=%s names one file, which would keep only one: they are in %s. "+
			"Set SYSCOPE_OUT to a directory to have one dump per test binary there; syscope report DIR sums them", len(dumps), os.Getenv("SYSCOPE_OUT"), t.dir)
	}
	return nil
}

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
