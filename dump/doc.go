// Package dump reads the JSON file that a syscope-instrumented program
// writes at exit, and with SYSCOPE_INTERVAL while it runs: every system
// call it made, by path, with latency
// histograms, and counters of the Go scheduler's events on the syscall
// entry and exit paths.
//
// # Writing a dump
//
// A program built with syscope's overlay writes its dump when the
// environment variable SYSCOPE_OUT names a file, as the process exits by
// return from main.main, by os.Exit or by syscall.Exit, and also when it
// dies of an unrecovered panic, a fatal error or a fatal signal, which
// then end it exactly as they would without syscope (docs/endings.md).
// A program killed by SIGKILL, or that calls unix.Exit (exit_group in
// x/sys/unix's assembly), writes none.
//
//   - The world is stopped for the snapshot. Goroutines already leaving a
//     system call are let finish until the counters balance (see
//     [Dump.Check]); if they never do, the dump says "consistent": false.
//   - The text goes to FILE.syscope-tmp.PID, which is then renamed to
//     FILE, so a reader never sees half a dump. If FILE is a symbolic
//     link, the rename replaces the link and writes nothing through it.
//   - SYSCOPE_OUT may name a directory instead, as GOCOVERDIR does: it
//     ends in "/" or names a directory that exists. Each process then
//     writes PROG.PID.json there (PROG the base name of os.Args[0]), or
//     PROG.PID.N.json when that name is taken, so no dump replaces
//     another. A missing directory costs one line on standard error.
//     `syscope report DIR` sums every dump in it.
//   - A dump that cannot be written costs one line on standard error
//     (syscope: cannot write dump to FILE: errno N). The program's output
//     and exit status do not change.
//   - SYSCOPE_OUT is ignored when the process runs setuid or setgid (uid
//     differs from euid, or gid from egid).
//   - SYSCOPE=off turns recording off: each hook is then one compare and
//     branch, and no dump is written.
//   - SYSCOPE_RAW_LONG sets the threshold of a long raw call, as an
//     integer with unit ns, us, ms or s (default 1ms).
//
// # The syscope/v1 schema
//
// One JSON object. Here, from a small program that reads a file and then
// makes a 5ms nanosleep through syscall.RawSyscall, shortened to one row
// per path (and the unknown row, from unix.Sync in another program), the
// lists cut short with "...":
//
//	{"schema":"syscope/v1","go_version":"go1.26.8","plan":"go1.26",
//	 "syscope_version":"(devel), overlay 4b3abe2503c769e0","uncounted":[],"consistent":true,"raw_long_ns":1000000,
//	 "hist_bounds_ns":[0,1,3,7,15,30,60,121,243,487,...,18446744073709551615],
//	 "events":{"enter":10,"enter_cgo":0,...,"exit_fast_kept_p":10,...,"handoff_startm":2,"thread_create":4,
//	  "preempt_sent":0,"preempt_in_syscall":0,"inflight":0},
//	 "unsupported":[],
//	 "syscalls":[
//	  {"trap":0,"name":"read","path":"syscall","calls":2,"errors":0,"eintr":0,"total_ns":5484,"max_ns":5095,
//	   "hist":[0,0,0,0,0,0,0,0,0,1,0,0,0,1,0,...]},
//	  {"trap":35,"name":"nanosleep","path":"raw","calls":1,"errors":0,"eintr":0,"total_ns":5074048,"max_ns":5074048,
//	   "long":1,"long_max_ns":5074048,"long_site":{"func":"main.main","file":"/tmp/readme-ex/main.go","line":14},
//	   "hist":[0,...,0,1,0,...]},
//	  {"trap":186,"name":"gettid","path":"runtime","func":"runtime.clone","calls":4,"eintr":0},
//	  {"trap":228,"name":"clock_gettime","path":"vdso","func":"runtime.nanotime1","calls":880,"eintr":0},
//	  {"trap":-1,"name":"unknown","path":"syscall","calls":4,"timed":false}]}
//
// The top-level fields:
//
//   - schema: always "syscope/v1".
//   - go_version: the release that built the program (runtime.Version).
//   - plan: the hook plan that instrumented it (patches/NAME.plan).
//   - syscope_version: the syscope that made the overlay, and the
//     overlay's key, as `syscope check` prints them. Dumps of a syscope
//     that did not record it lack it.
//   - executable: the program's path (/proc/self/exe) as the dump was
//     written; syscope pprof names it as the profile's main binary.
//     Absent when it cannot be read, and from older dumps.
//   - pid, start_unix_ns, seq, time_unix_ns, elapsed_ns, interval_ns,
//     stw_ns, final, ending: which dump of which process this is (see
//     Snapshots below). Dumps of a syscope that did not record them lack
//     them; they read as absent (nil), never as zero.
//   - uncounted: the parts of the process whose own system calls are not
//     counted: ["libc","ld.so"] in a cgo binary (report.Uncounted lists
//     their calls), [] otherwise. Older dumps lack it.
//   - consistent: whether the snapshot balanced; see above.
//   - raw_long_ns: the threshold of a long raw call.
//   - hist_bounds_ns: hist_bounds_ns[i] is the exclusive upper bound, in
//     ns, of bucket i of every histogram; the last bucket is unbounded.
//     There is one bucket per power of two of CPU ticks (RDTSC), so the
//     bounds depend on the machine's tick rate. They strictly increase.
//   - events: every scheduler event by name (see [Events]) and inflight,
//     the goroutines in a system call when the dump was taken, read from
//     their states. Zeros are written too. A dump from an older runtime
//     may lack an event; it reads as absent ([Dump.Has], [Dump.Absent]),
//     never as zero.
//   - unsupported: the events that cannot occur on this release. Their
//     zero means "not measured", and reports print n/a.
//   - syscalls: the rows, described below.
//
// # Snapshots and the ending
//
// With SYSCOPE_INTERVAL=D the runtime also writes a periodic snapshot
// every D, a complete dump taken with the world stopped and renamed over
// SYSCOPE_OUT like the final dump, which replaces the last snapshot.
// Each dump, snapshot or final, carries, right after syscope_version:
//
//   - pid: getpid() of the process; with start_unix_ns, the wall clock
//     in unix ns when recording started, it identifies the process.
//   - seq: 1 for the first dump the process writes, one more for each
//     later one.
//   - time_unix_ns: the wall clock when the dump was taken; elapsed_ns:
//     the monotonic ns from the start of recording to it, the clock for
//     rates.
//   - interval_ns: SYSCOPE_INTERVAL as applied, after clamping; 0 when
//     the process takes no snapshots.
//   - stw_ns: how long the dump stopped the world; 0 when it did not
//     stop it (a crash dump).
//   - final: false for a snapshot, true for the dump written as the
//     process ends.
//   - ending, in the final dump only: how the process ended, "how" one
//     of "return" (main.main returned, code 0), "exit" (os.Exit or
//     syscall.Exit, with its code, absent where the release does not tell
//     it: os.Exit on go1.16 to go1.19), "panic" and "fatal" (code 2), and
//     "signal", with "signal" and "name" ("signal":15,"name":"SIGTERM").
//
// [Diff] subtracts two dumps of one process, [Dump.SnapshotAbsent] names
// the fields a dump lacks, and [Sum] refuses two dumps of one process,
// since the later holds the earlier's counts.
//
// # Rows
//
// A row aggregates one trap on one path; on the runtime and vdso paths,
// one trap in one runtime function. The paths ([PathSyscall],
// [PathRaw], [PathRuntime], [PathVDSO]):
//
//   - syscall: syscall.Syscall and Syscall6 and what stands on them (//sys
//     stubs, golang.org/x/sys/unix.Syscall), inside entersyscall and
//     exitsyscall: the scheduler knows about the call.
//   - raw: RawSyscall and RawSyscall6 and what stands on them (//sysnb
//     stubs, the vfork child of forkExec, and the runtime's calls through
//     its internal Syscall6, such as netpoll's from go1.20): the
//     scheduler is never told.
//   - runtime: the runtime's own SYSCALL instructions, in its assembly
//     (futex, nanosleep, mmap, clone, tgkill, rt_sigaction, ...).
//   - vdso: the vDSO time calls of nanotime1 and time.now (walltime1
//     where a release has it), which make no SYSCALL at all.
//
// Each SYSCALL instruction in Go's own packages (syscall, the runtime and
// its internal syscall package) is counted on exactly one of the first
// three paths, so for a pure Go program the sum of calls per name over
// them is what strace -f -c counts. Calls made elsewhere are not seen: C
// code's, under cgo, and those of golang.org/x/sys/unix.RawSyscallNoError
// (unix.Getpid, Getppid, Getuid, Gettid, ...), whose SYSCALL is in
// x/sys/unix's own assembly. unix.SyscallNoError enters entersyscall, so
// its calls count in the unknown row.
//
// The row fields:
//
//   - trap: the Linux amd64 system call number. -1 is the unknown row:
//     entries into entersyscall that no syscall-path wrapper claimed and
//     that have returned, such as those of unix.SyscallNoError (unix.Sync)
//     and other assembly outside GOROOT that calls entersyscall. It is
//     derived from the counters: entries, less cgo entries, less
//     syscall-path calls, less entries still open at the dump.
//   - name: from golang.org/x/sys/unix's SYS_ constants; "syscall_N" for
//     a number they do not name; "other" for trap 1023 and above, which
//     share one row.
//   - path: as above.
//   - func: the runtime function, on the runtime and vdso paths.
//   - calls: how many calls.
//   - errors: calls for which the kernel returned -errno (syscall and raw
//     paths).
//   - eintr: calls that returned EINTR, on every path but vdso.
//   - timed: false on a row with counts only. Absent, a row is timed when
//     its path is syscall or raw ([Syscall.IsTimed]).
//   - total_ns, max_ns, hist: on timed rows, the summed and the longest
//     time in the call, and the calls per bucket of hist_bounds_ns.
//     [Syscall.Quantile] estimates quantiles from hist.
//   - long, long_max_ns, long_site: on raw rows, the calls longer than
//     raw_long_ns made while the thread held a P, the longest of them,
//     and the call site of the longest: the first frame outside the
//     syscall packages (func, file, line).
//
// # Reading
//
// [Read] and [Parse] fail, with an error that names the cause, on what a
// report depends on: an empty or truncated file, one that is not a dump
// ([ErrEmpty], [ErrTruncated], [ErrNotDump]), a schema other than
// syscope/v1 ([SchemaError]), a missing events object, and histograms or
// bounds of the wrong shape. They accept fields and event keys they do
// not know (a newer runtime) and dumps that lack events (an older one),
// so that every dump of schema syscope/v1 stays readable. They also fail
// on snapshot fields that cannot be: a pid or seq of 0, an ending in a
// dump that is not final, an ending without "how". [Dump.Check]
// tests conservation, enter + enter_block = every exit_* event +
// inflight; a figure that needs an event the dump lacks returns an
// [AbsentError] instead of reading it as zero.
package dump
