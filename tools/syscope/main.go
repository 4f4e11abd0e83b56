// Syscope builds Go programs against an instrumented runtime and reads
// what it records: how each goroutine entered and left its system calls,
// when sysmon took a P from one, and which threads that created.
//
// Usage:
//
//	syscope overlay [-goroot dir] [-o dir] [-force] [-v]
//	syscope build|test|run [go flags] [packages]
//	syscope report [-format text|json] dump.json
//	syscope check [-overlay file] binary...
//	syscope versions
//	syscope clean [-n] [-x]
//	syscope demo
//	syscope bisect [-from go1.13] [-to go1.27] [-patches] [-instrument] [-json] script.txtar
//	syscope matrix [-versions list] [-metric name]... [-n runs] [-o prefix] dir|archive.txtar [args...]
//
// # Commands
//
// overlay makes the overlay for a toolchain: patched copies of
// runtime/proc.go, runtime2.go, cgocall.go and syscall/syscall_linux.go,
// plus syscope's own runtime and syscall files. The toolchain is the one
// `go env GOROOT` names (GOTOOLCHAIN is honoured) unless -goroot is set.
// Without -o the overlay goes to a cache directory keyed by the release
// and a hash of the files it patched ($SYSCOPE_CACHE, default
// $XDG_CACHE_HOME/syscope). The last line of output is the path of
// overlay.json. -v prints the release, the plan and the time taken.
//
// build, test and run are the go command with -overlay applied, run from
// the toolchain's own GOROOT. build then checks, as check -overlay does,
// the binary that -o names, and fails if it is not instrumented. run
// warns when SYSCOPE_OUT is set and the program left no new dump there.
//
// report prints a dump as a table like `strace -c`, followed by the
// scheduler events and their ratios. When the dump file does not exist
// it says what keeps a program from writing one.
//
// check tells whether each binary carries syscope's runtime, which go
// built it and, on an indented line, which syscope version made its
// overlay and the overlay's key, like `go version -m`; it exits 1 if one
// does not. An
// overlay takes effect only for the toolchain it was made for: cmd/go
// applies overlay entries to files under its own GOROOT and ignores the
// others without a word, so an overlay made for go1.25.14 and passed to
// go1.26.8 (or to a toolchain's module-cache path instead of syscope's
// link to it) builds a plain binary, and SYSCOPE_OUT then does nothing.
// With -overlay, check names the release and GOROOT that overlay was
// made for, and also fails when an instrumented binary was built by
// another release from the same GOROOT path (a go upgraded in place),
// whose runtime mixes the overlay's patched files with the new ones.
// A different minor release fails at build time instead: the overlay
// adds a file to package runtime whose build tags reject it.
//
// versions lists the plans: the releases each covers and the events it
// cannot record.
//
// clean removes the overlay cache: every overlay and the GOROOT links,
// the directories overlay and goroot under the cache directory, and
// nothing else there. -n prints the remove commands (rm -rf dir) on
// standard error and runs none, -x prints them as it runs them. The
// cache needs no cleaning to stay small: it keeps the three overlays of
// each release used most recently and removes older ones as it makes a
// new one.
//
// demo builds a small embedded program with the overlay, runs it and
// prints its report: 10,000 reads of a pipe, then 32 goroutines blocked in
// read(2) with GOMAXPROCS=2, the article's thread explosion.
//
// bisect runs a testscript against released toolchains, fetched through
// the module proxy (GOTOOLCHAIN=goX.Y.Z, GOENV=off), and finds the first
// release whose outcome (pass or fail) differs from the outcome on -from.
// The candidates are the newest patch of each minor; -patches then
// searches every patch release between the two minors found. It runs
// the script at most 1+⌈log2 n⌉ times over n candidates; a release that
// cannot be fetched, or on which the script skips itself, is reported
// and never counted as a verdict. In the script `go` is the toolchain
// under test; with -instrument, `exec syscope build` builds with the
// overlay for it and the script can assert on dumps. Progress goes to
// standard error, the answer (the last release with the old outcome and
// the first with the new one, with the script's output on each) to
// standard output, as JSON with -json. It exits 1 if nothing changed.
// examples/futex.txtar is the article's RawSyscall futex wait:
//
//	syscope bisect -from go1.13 examples/futex.txtar
//
// matrix builds a scenario (a main package, or a txtar archive of one)
// with the overlay on each release of -versions (a minor means its newest
// patch; the default is every supported minor), runs it -n times per
// release, one run at a time with the releases interleaved, and
// tabulates each -metric: an event of the dump, a derived count such as
// exit_slow_pct, NAME.FIELD or NAME.PATH.FIELD for a system call's row,
// or wall_ms. It prints the median and range per release and writes
// prefix.txt, prefix.json and prefix.svg, a chart with one panel per
// metric. Arguments after the scenario go to the program:
//
//	syscope matrix -versions go1.16,go1.25,go1.26 -metric thread_create,sysmon_retake examples/threadgrowth.txtar
//
// # The instrumented program
//
// SYSCOPE_OUT=file makes the program write its dump (JSON, schema
// syscope/v1) to file when it exits, by return from main or by os.Exit.
// SYSCOPE=off turns recording off. SYSCOPE_OUT is ignored when the
// program runs setuid or setgid. A dump that cannot be written costs one
// line on standard error and never changes the exit status.
//
// # Toolchains in the module cache
//
// Toolchains that GOTOOLCHAIN fetches live under GOMODCACHE, where
// go1.25 and later refuse overlays and go1.19 breaks them. syscope
// overlay then links the GOROOT from its cache and writes the overlay for
// the link; build with that link's go and GOROOT:
//
//	ov=$(syscope overlay | tail -1)
//	GOROOT=$link GOTOOLCHAIN=local $link/bin/go build -overlay=$ov .
//
// where $link is the GOROOT that `syscope overlay -v` prints. Then
// `syscope check -overlay $ov ./prog` confirms that the overlay took.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

type command struct {
	name, usage string
	run         func(args []string) error
}

var commands = []command{
	{"overlay", "overlay [-goroot dir] [-o dir] [-force] [-v]", runOverlay},
	{"build", "build [go flags] [packages]", goCommand("build")},
	{"test", "test [go flags] [packages]", goCommand("test")},
	{"run", "run [go flags] package [arguments]", goCommand("run")},
	{"report", "report [-format text|json] dump.json", runReport},
	{"check", checkUsage, runCheck},
	{"versions", "versions", runVersions},
	{"clean", cleanUsage, runClean},
	{"demo", "demo", runDemo},
	{"bisect", bisectUsage, runBisect},
	{"matrix", matrixUsage, runMatrix},
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage:\n")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "\tsyscope %s\n", c.usage)
	}
	fmt.Fprintf(os.Stderr, "run 'go doc github.com/syscope/syscope/tools/syscope' for the manual\n")
	os.Exit(2)
}

// errUsage makes main exit 2 without more text.
var errUsage = fmt.Errorf("usage")

func main() {
	log.SetFlags(0)
	log.SetPrefix("syscope: ")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() == 0 {
		usage()
	}
	for _, c := range commands {
		if c.name == flag.Arg(0) {
			err := c.run(flag.Args()[1:])
			if err == errUsage {
				os.Exit(2)
			}
			if ee, ok := err.(exitError); ok {
				os.Exit(int(ee))
			}
			if err != nil {
				log.Fatal(err)
			}
			return
		}
	}
	log.Printf("unknown command %q", flag.Arg(0))
	usage()
}

// exitError carries the exit status of a go command we ran.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
