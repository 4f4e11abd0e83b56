// Syscope builds Go programs against an instrumented runtime and reads
// what it records: how each goroutine entered and left its system calls,
// when sysmon took a P from one, and which threads that created.
//
// Usage:
//
//	syscope overlay [-goroot dir] [-o dir] [-force] [-v]
//	syscope build|test|run [-n] [-x] [go flags] [packages] [arguments]
//	syscope report [-format text|json] dump.json|dir...
//	syscope diff [-format text|json] old.json new.json | DIR
//	syscope pprof [-o file] dump.json
//	syscope check [-overlay file] binary...
//	syscope versions
//	syscope clean [-n] [-x]
//	syscope demo
//	syscope bisect [-from release] [-to release] [-patches] [-instrument] [-json] [-timeout d] script.txtar
//	syscope patch [-goroot dir] [-o file]
//	syscope help [command]
//	syscope version
//	syscope matrix [-versions list] [-metric name]... [-n runs] [-o prefix] [-title text] [-p n] [-runp n] [-timeout d] dir|archive.txtar [args...] | script.txtar
//
// Every command prints its results on standard output, and its progress,
// warnings and other information on standard error. `syscope CMD -h`
// prints the usage line of CMD and its flags.
//
// # Commands
//
// overlay makes the overlay for a toolchain: patched copies of the
// runtime's scheduler files (proc.go, runtime2.go, cgocall.go,
// signal_unix.go, runtime.go), of the assembly that makes system calls
// (runtime/sys_linux_amd64.s, syscall/asm_linux_amd64.s and, from go1.19,
// internal/runtime/syscall's wrapper), plus syscope's own runtime files;
// patches/README.md lists them per plan. The toolchain is the one
// `go env GOROOT` names (GOTOOLCHAIN is honoured) unless -goroot is set.
// Without -o the overlay goes to a cache directory keyed by the release
// and a hash of the files it patched ($SYSCOPE_CACHE, default
// $XDG_CACHE_HOME/syscope). -force makes a release newer than every plan
// try the newest plan instead of failing. overlay prints the path of
// overlay.json on standard output, and nothing else, so
// `ov=$(syscope overlay)` works; -v also prints the release, the plan,
// the GOROOT to build with and the time taken on standard error.
//
// build, test and run are the go command with -overlay applied, run from
// the toolchain's own GOROOT. build then checks, as check -overlay does,
// the binary that -o names, and fails if it is not instrumented. run
// warns when SYSCOPE_OUT is set and the program left no new dump there.
// test with SYSCOPE_OUT set has each test binary write its own dump,
// PROG.PID.json (a.test.4711.json), in a directory: SYSCOPE_OUT's, which
// must exist, or, when SYSCOPE_OUT names a file, a new one beside it,
// from which test moves a single dump to the file; when several test
// binaries wrote dumps it leaves them there, says where, and fails, since
// one file cannot hold them. SYSCOPE_OUT is made absolute, as go test
// runs each binary in its package's directory. go test's cache knows
// nothing of SYSCOPE_OUT, and a cached result writes no dump, so without
// a -count of the user's (on the command line or in GOFLAGS) test adds
// -count=1 and says so on standard error. On a release before go1.24,
// whose vet reads package files from disk and not through the overlay,
// test adds -vet=off unless -vet is given, and says so too.
// -n prints the go command that would run, as one line for sh with the
// environment it needs (GOROOT=... GOTOOLCHAIN=local), on standard output
// and runs nothing; it still makes the overlay, or finds it in the cache,
// since the line names it. -x prints that line on standard error, then
// runs it with go's own -x, so that go prints the commands it runs too.
// syscope takes -n, -x and -h from among the go flags, wherever the go
// command would read its own flags: for build and run, before the first
// package (after it come packages, or the program's arguments); for test,
// anywhere before -args. `syscope build -o prog -n .` and
// `syscope build -n -o prog .` are the same. Every other flag goes to the
// go command; -overlay is refused, since syscope supplies its own.
//
// report prints a dump as a table like `strace -c`, followed by the
// scheduler events and their ratios. Its header says, for a dump that
// records it, which dump of its process it is: a snapshot (seq N, not
// final) or the final dump and how the process ended (main returned,
// os.Exit and its status, a panic, a fatal error or a signal). When the dump has stacks, the table
// is followed by the call sites: for the three system calls that take
// the most time, and for the threads created and the Ps retaken, the
// three heaviest stacks, each shown by its first frame outside runtime,
// syscall, os, internal/poll and golang.org/x/sys/unix, and a warning
// when some counts are on the truncated stack (the runtime's stack table
// was full, or a goroutine could not be read). -format json prints instead
// the dump itself, re-encoded, with each timed row's p50_ns and p99_ns,
// the table and the call sites added; its "stacks" are the whole
// stacks. When the dump file does not exist report says what keeps a
// program from writing one. Given several dumps, or a directory (every
// *.json file in it, each of which must be a dump), report sums them, as
// `go doc github.com/syscope/syscope/dump.Sum` describes, and its header
// says how many; the JSON form then carries "dumps", the count, and
// "sources", the files. A dump whose own books do not balance is a
// warning, since the sum's may still. A sum keeps no stacks. Two dumps
// of one process (its snapshots) are not summed, since the later holds
// the earlier's counts: diff them instead.
//
// diff prints what happened in one process between two of its dumps,
// OLD and NEW, such as two snapshots that SYSCOPE_INTERVAL wrote, or the
// last snapshot and the final dump. Given a directory instead, it takes
// the last two dumps there of the process that started last: with
// SYSCOPE_KEEP=N the runtime keeps the last N snapshots beside the dump
// (NAME.seqS.json beside NAME.json), and every *.json file in the
// directory must be a dump. It prints a header naming the interval (seq A
// -> seq B, the seconds between them, whether NEW is the final dump and
// how the process ended), then report's table and events for NEW minus
// OLD, with calls per second and events per second. The longest call
// is not differenced, since a dump keeps only the longest since the
// start: the table prints no max, and the JSON's max_ns are NEW's.
// inflight, a level, is NEW's, and OLD's is in the conservation line.
// The difference keeps no call-site stacks. -format json prints the difference as report -format json
// prints a dump, with its "interval" (old_seq, new_seq, elapsed_ns,
// old_gauges), calls_per_s in the table and "events_per_s". diff fails,
// naming both files, on dumps of two processes (their pid or
// start_unix_ns differ), OLD taken after NEW (name the older first),
// the same dump twice, a dump without the snapshot fields (written by an
// older syscope), a corrupt, truncated or foreign file, a count that went
// down from OLD to NEW, and dumps of two releases or plans.
//
// pprof writes the dump's call-site stacks as a gzipped pprof profile,
// for `go tool pprof`: one sample per stack, with the sample types
// calls/count, time/nanoseconds (the default), lost_p/count,
// retakes/count and threads/count, and the labels syscall and path.
// `go tool pprof -top -sample_index=threads profile.pb.gz` names the
// code whose blocking calls made the runtime create threads, which
// runtime/pprof's threadcreate profile cannot (golang/go#6104). The
// profile goes beside the dump, its name ending in .pb.gz instead of
// .json (syscope.json: syscope.pb.gz), or to the file -o names, written
// whole or not at all; pprof prints the file's name on standard output.
// -o - writes the profile to standard output instead, unless that is a
// terminal. A truncated stack table is marked: its overflow is the
// sample syscope.truncated, labelled truncated=true, and a comment of the
// profile says so. A dump without stacks, written by an older syscope or
// with SYSCOPE_PROFILE_RATE=0, is an error.
//
// The running program writes the same profile itself: an instrumented
// build has runtime/pprof's profile "syscope", which net/http/pprof
// serves at /debug/pprof/syscope (?seconds=N: the difference over N
// seconds; ?debug=1: text), so `go tool pprof http://HOST/debug/pprof/syscope`
// needs no dump. A vanilla build has no such profile.
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
// read(2) with GOMAXPROCS=2, the article's thread explosion, then the
// article's raw futex wait with GOMAXPROCS=1, which holds the only P until
// sysmon's preemption signal interrupts it after about 10ms.
//
// bisect runs a testscript against released toolchains, fetched through
// the module proxy (GOTOOLCHAIN=goX.Y.Z, GOENV=off), and finds the first
// release whose outcome (pass or fail) differs from the outcome on -from,
// up to -to (default: the newest release the module proxy lists).
// The candidates are the newest patch of each minor; -patches then
// searches every patch release between the two minors found. It runs
// the script at most 1+⌈log2 n⌉ times over n candidates; a release that
// cannot be fetched, or on which the script skips itself, is reported
// and never counted as a verdict; -timeout bounds one run. The script
// has the commands and conditions of syscope's own scenarios (package
// testscript): `go` is a command, as in cmd/go's script tests (`go run
// .`, `go build`, `! go vet`), the toolchain under test, with its own
// GOROOT, GOTOOLCHAIN=local and GOENV=off; with -instrument, `exec
// syscope build` builds with the overlay for it and the script can
// assert on the dumps with the dump command. A script that
// fails in its own text (an unknown command or condition, a line that
// does not parse, a usage error, a misspelt metric) is broken, not a
// verdict: when it fails so on -from, bisect runs -to at once, and if it
// fails there too prints `script.txtar:LINE: message` and exits 2, as it
// does when the release on either side of the change found fails so.
// Progress goes to standard error, the answer (the last release with the
// old outcome and the first with the new one, with the script's output
// on each) to standard output, as JSON with -json (package bisect's
// Report). It exits 1 if nothing changed. examples/futex.txtar is the
// article's RawSyscall futex wait:
//
//	syscope bisect -from go1.13 examples/futex.txtar
//
// matrix builds a scenario (a main package, or a txtar archive of one)
// with the overlay on each release of -versions (a minor means its newest
// patch; the default is every supported minor), runs it -n times per
// release, one run at a time with the releases interleaved (-runp runs
// more at once, -p builds more at once), and tabulates each -metric: an
// event of the dump, a derived count such as exit_slow_pct, NAME.FIELD
// or NAME.PATH.FIELD for a system call's row (package dump/metric; a
// misspelt name fails), or wall_ms. It prints the median and range per
// release and writes prefix.txt, prefix.json and prefix.svg, a chart
// with one panel per metric (-o sets prefix, default matrix; -title
// names the chart). Arguments after the
// scenario go to the program:
//
//	syscope matrix -versions go1.16,go1.25,go1.26 -metric thread_create,sysmon_retake examples/threadgrowth.txtar
//
// A txtar archive whose comment holds a command is a testscript, and
// matrix runs it as bisect -instrument does, -n times per release: each
// run must pass and leave exactly one dump in $WORK (a *.json file at
// any depth that is a syscope dump). matrix sets
// SYSCOPE_OUT=$WORK/syscope.json, so a program the script runs without
// setting SYSCOPE_OUT leaves its dump there; wall_ms is then the whole
// script's run. A testscript takes no arguments, and -timeout is 10m by
// default for it (2m for a program). matrix exits 1 when no run gave a
// value.
//
// patch writes the overlay as one unified diff against the toolchain's
// GOROOT (the one `go env GOROOT` names, or -goroot's), with a/ and b/
// paths relative to it, on standard output or into -o's file, for builds
// that cannot pass -overlay: Bazel's rules_go (go_sdk.download's
// patches), or a toolchain baked into a build image. In a copy of that
// GOROOT, `patch -p1 < syscope.patch` or `git apply syscope.patch` makes
// a toolchain whose own go builds instrumented binaries, with no flag;
// check confirms them. The patch is for that release only: the guard file
// it adds refuses every other minor release at build time.
//
// help prints this manual, from the binary (no checkout needed); help
// CMD prints CMD's usage line and its part of this section.
//
// version prints syscope's version (its module version, or its VCS
// revision), the platform and Go it was built with, and what it
// instruments: linux/amd64, from go1.16. build, test and run refuse
// another GOOS or GOARCH before the go command runs, in one line.
//
// # The instrumented program
//
// A program built with the overlay reads these environment variables
// when it starts:
//
//   - SYSCOPE_OUT=file makes it write its dump to file however it ends:
//     return from main, os.Exit, an unrecovered panic, a fatal error or
//     a fatal signal (not SIGKILL), each ending as it would without
//     syscope (docs/endings.md). The
//     dump is written beside file and renamed into place, so a reader
//     never sees half of one. SYSCOPE_OUT is ignored when the program
//     runs setuid or setgid. A dump that cannot be written costs one
//     line on standard error and never changes the exit status.
//   - SYSCOPE_OUT=dir, a directory that exists, or any path ending in
//     "/", makes each process write its own dump there, as GOCOVERDIR
//     does: PROG.PID.json, PROG the base name of os.Args[0]; when a
//     reused pid finds the name taken, PROG.PID.N.json (N = 1, 2, ...),
//     so no dump replaces another. End the path in "/" to be sure it is
//     read as a directory: without it, a missing directory is a file to
//     write. A directory that does not exist, or that cannot be written,
//     costs one line on standard error ("syscope: SYSCOPE_OUT directory
//     dir/: errno 2 (no such directory)") and no dump; the program's
//     output and exit status are as without SYSCOPE_OUT.
//   - SYSCOPE_INTERVAL=d rewrites SYSCOPE_OUT every d while the program
//     runs, with a snapshot: a complete dump, taken with the world
//     stopped and renamed into place, that says "final": false, its
//     "seq" (1 for the first dump of the process, then 2, 3, ...), the
//     time it was taken and "stw_ns", how long it stopped the world. The
//     final dump replaces the last snapshot, says "final": true and how
//     the program ended, so a process killed by SIGKILL leaves its last
//     snapshot. d is an integer with unit ns, us, µs, ms or s, 10ms at
//     least: a shorter one is raised to 10ms, and one it cannot read
//     means no snapshots; each costs one line on standard error. In a
//     SYSCOPE_OUT directory the snapshots and the final dump share one
//     file. docs/snapshots.md measures what a snapshot stops the world
//     for. syscope diff compares two of them.
//   - SYSCOPE_KEEP=n, with SYSCOPE_INTERVAL, also keeps the last n
//     snapshots (1 to 1000000) beside the dump, each a hard link under
//     its seq: NAME.seqS.json beside NAME.json (NAME.seqS for a name
//     without .json; PROG.PID.seqS.json in a SYSCOPE_OUT directory), the
//     one n snapshots older removed as each is kept. syscope diff DIR
//     compares the last two. A value it cannot read keeps none, with one
//     line on standard error.
//   - SYSCOPE=off turns recording off: every hook costs one branch.
//   - SYSCOPE_RAW_LONG=d is the time above which a raw system call
//     (RawSyscall and what stands on it, which the scheduler is never
//     told about) made while the thread held a P counts as long: an
//     integer with unit ns, us, µs, ms or s, 1ms by default. A value it
//     cannot read costs one line on standard error and keeps 1ms.
//   - SYSCOPE_PROFILE_RATE=d sets how the dump's call-site stacks sample
//     syscall- and raw-path calls, by the block profile's rule: every
//     call of at least d, a shorter one with probability duration/d,
//     scaled so that the expected totals are the true ones. 100us by
//     default; 1ns records every call; 0 or off records no stacks. A
//     value it cannot read costs one line on standard error and keeps
//     100us. The lost Ps, retakes and threads on the stacks are exact at
//     any rate but 0 (docs/stacks.md).
//
// # The dump
//
// The dump is one JSON object of schema syscope/v1: the release and
// plan that built the program, whether the snapshot was consistent, the
// scheduler events (the counters `syscope versions` lists), the events
// the release cannot record, and one row per system call and path
// (syscall, raw, runtime or vdso) with its calls, errors, EINTRs, total
// and longest time and a latency histogram, and, when the runtime
// recorded them, the call-site stacks with the calls, time, lost Ps,
// retakes and threads charged to each. `go doc
// github.com/syscope/syscope/dump` describes every field.
//
// # Exit status
//
// syscope exits 0 when a command succeeds. A usage error (an unknown
// flag, a bad flag value, a missing or extra argument) prints the
// command's usage line and flags on standard error and exits 2. Any
// other failure prints "syscope: " and its cause on standard error and
// exits 1: check when a binary is not instrumented, bisect when the
// outcome never changes, matrix when no release could be built. build,
// test and run exit with the go command's status when it fails.
//
// # Toolchains in the module cache
//
// Toolchains that GOTOOLCHAIN fetches live under GOMODCACHE, where
// go1.25 and later refuse overlays and go1.19 breaks them. syscope
// overlay then links the GOROOT from its cache and writes the overlay for
// the link; build with that link's go and GOROOT, the line that
// `syscope build -n` prints:
//
//	ov=$(syscope overlay)
//	GOROOT=$link GOTOOLCHAIN=local $link/bin/go build -overlay=$ov .
//
// where $link is the GOROOT that `syscope overlay -v` prints. Then
// `syscope check -overlay $ov ./prog` confirms that the overlay took.
package main

import (
	"errors"
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
	{"overlay", overlayUsage, runOverlay},
	{"build", goUsage["build"], goCommand("build")},
	{"test", goUsage["test"], goCommand("test")},
	{"run", goUsage["run"], goCommand("run")},
	{"report", reportUsage, runReport},
	{"diff", diffUsage, runDiff},
	{"pprof", pprofUsage, runPprof},
	{"check", checkUsage, runCheck},
	{"versions", versionsUsage, runVersions},
	{"patch", patchUsage, runPatch},
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
	fmt.Fprintf(os.Stderr, "run 'syscope help' for the manual, 'syscope help command' for a command's part of it\n")
	os.Exit(2)
}

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
			os.Exit(run(c, flag.Args()[1:]))
		}
	}
	log.Printf("unknown command %q", flag.Arg(0))
	usage()
}

// run runs the command c and returns the exit status: 2 after a usage
// error, which prints the usage line on standard error; 1 after a
// failure, which prints "syscope: " and the error; for build, test and
// run, the go command's own status when it fails.
func run(c command, args []string) int {
	err := c.run(args)
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case err == errUsage:
		printUsage(os.Stderr, c)
		return 2
	case errors.As(err, &ue):
		log.Print(ue.msg)
		printUsage(os.Stderr, c)
		return 2
	}
	if ee, ok := err.(exitError); ok {
		return int(ee)
	}
	log.Print(err)
	return 1
}

// exitError carries the exit status of a go command we ran.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
