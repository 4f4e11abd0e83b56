// Package testscript runs txtar scripts against a toolchain built with
// and without syscope's overlay, and asserts on the dumps. It exports its
// commands and conditions so users can write their own regression suites.
// The suites, syscope bisect and syscope matrix run scripts the same
// way: Params sets up every run, and Script runs one outside go test.
//
// Commands (in addition to testscript's own):
//
//	[!] go subcommand [args...]     runs the toolchain under test,
//	                                $GOROOT/bin/go, as cmd/go's script tests
//	                                do (`go run .`, `! go vet`); `exec go`,
//	                                first on PATH, is the same go
//	dump file check                 conservation holds, the dump is consistent
//	                                and its stacks add up to its events; file
//	                                may be a glob, every match checked
//	dump file KEY OP N              KEY is a metric of package dump/metric: an
//	                                event (enter, sysmon_retake, ...), a derived
//	                                count (calls, the sum over the syscall path,
//	                                exit_slow, ...), NAME.FIELD for the
//	                                syscall-path row of a system call (FIELD:
//	                                calls errors eintr long total_ns max_ns
//	                                mean_ns), or NAME.PATH.FIELD for another path
//	                                (raw, runtime, vdso, or all:
//	                                syscall+raw+runtime); a misspelt KEY fails;
//	                                OP is == != >= <= > <; N is a number, @file
//	                                holding one, another KEY, or a sum of
//	                                these joined by + (calls+enter_cgo)
//	strace log dump NAME...         for each NAME, the calls `strace -f -o log`
//	                                saw finish before the dump's secure-mode
//	                                check (getuid), on a thread that began
//	                                another call before it (so the wrapper
//	                                had recorded them), <= the dump's calls over all
//	                                paths <= the calls it saw begin before the
//	                                dump opened its file, and so for errors
//	                                where the runtime (which counts no errors)
//	                                made none; no slack. NAME "*" means every
//	                                name in either; the execve that started the
//	                                process is strace's alone; "uncounted": no
//	                                lower bound for the calls C code makes in a
//	                                cgo binary (report.Uncounted), whose dump
//	                                must say so; c:NAME=N: the program's C code
//	                                makes N calls of NAME before the dump
//	exitcode N prog [args...]       runs prog like exec and requires exit status N
//	                                (exec's ! accepts any failure)
//	need program...                 fails, naming what is missing, unless every
//	                                program is on PATH
//	othergo ROOT REL                sets $ROOT to the GOROOT and $REL to the
//	                                release of a toolchain other than the one
//	                                under test (the newest patch of the last
//	                                minor with _Psyscall, or of the newest
//	                                supported minor when that minor is under
//	                                test), fetched through the module proxy
//	normalize file                  rewrites addresses, offsets, fp/sp/pc values
//	                                and goroutine ids in file to fixed text, for cmp
//	profile A B FUNC                the pprof profiles A and B have the same
//	                                sample types in the same order, and the
//	                                samples of A with a frame of FUNC are B's:
//	                                the same stacks, labels and values
//	sigend SIG END prog [args...]   runs prog, waits for its first line on stdout,
//	                                sends it SIG (PIPE: closes its stdout instead)
//	                                and requires END: signal:NAME (it died by that
//	                                signal, WIFSIGNALED) or exit:N; the child gets
//	                                the script's SYSCOPE*, GOTRACEBACK and GODEBUG
//	dropparas REGEXP file           removes each blank-line-separated paragraph of
//	                                file whose first line matches REGEXP
//	sortparas file                  sorts the paragraphs of file
//	stacks file absent | stacks file FUNC[@SYSCALL] FIELD OP N
//	                                the dump has no stacks, or FIELD summed over
//	                                the stacks with a frame of FUNC compares with
//	                                N; see cmdStacks in stacks.go
//	setid uid|gid file              gives file to user nobody (uid) or group
//	                                nogroup (gid) and sets its setuid or setgid
//	                                bit; it needs root and fails, never skips,
//	                                without it
//
// Conditions:
//
//	[plan:go1.26]                   the toolchain under test uses that plan
//	                                (a plan that does not exist is an error)
//	[release:go1.25]                the toolchain under test is go1.25 or newer
//	[root]                          the tests run as root
//
// These describe the toolchain under test ($GOROOT in the script),
// not the go that runs the tests, which is what testscript's [go1.x] means.
//
// NOTE: If you change the list above, update Cmds and Condition.
package testscript

import (
	"errors"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/dump/metric"
	"github.com/syscope/syscope/overlay/plan"
	"github.com/syscope/syscope/releases"
)

// Cmds are the script commands syscope adds. Keep sorted by name.
var Cmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"dropparas": cmdDropparas,
	"dump":      cmdDump,
	"exitcode":  cmdExitcode,
	"go":        cmdGo,
	"need":      cmdNeed,
	"normalize": cmdNormalize,
	"othergo":   cmdOthergo,
	"profile":   cmdProfile,
	"setid":     cmdSetid,
	"sigend":    cmdSigend,
	"sortparas": cmdSortparas,
	"stacks":    cmdStacks,
	"strace":    cmdStrace,
}

func cmdDump(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! dump")
	}
	if len(args) != 2 && len(args) != 4 {
		ts.Fatalf("usage: dump file check | dump file KEY OP N")
	}
	if len(args) == 2 {
		if args[1] != "check" {
			ts.Fatalf("usage: dump file check")
		}
		files := []string{ts.MkAbs(args[0])}
		if strings.ContainsAny(args[0], "*?[") {
			var err error
			files, err = filepath.Glob(ts.MkAbs(args[0]))
			ts.Check(err)
			if len(files) == 0 {
				ts.Fatalf("dump: no file matches %s", args[0])
			}
		}
		for _, f := range files {
			d, err := dump.Read(f)
			ts.Check(err)
			if err := d.Check(); err != nil {
				ts.Fatalf("dump: %s: %v", f, err)
			}
			if !d.Consistent {
				ts.Fatalf("dump: %s is not consistent", f)
			}
			var absent *dump.AbsentError
			if d.Count() > 1 {
				continue // a sum keeps no stacks of its own
			}
			if err := d.CheckStacks(); err != nil && !errors.Is(err, dump.ErrNoStacks) && !errors.As(err, &absent) {
				ts.Fatalf("dump: %s: %v", f, err)
			}
		}
		ts.Logf("dump: %d dumps balance", len(files))
		return
	}
	d, err := dump.Read(ts.MkAbs(args[0]))
	ts.Check(err)
	got, err := metric.Value(d, args[1])
	if err != nil {
		ts.Fatalf("dump: %v", err)
	}
	want, err := operand(ts, d, args[3])
	if err != nil {
		ts.Fatalf("dump: %v", err)
	}
	ok := map[string]bool{"==": got == want, "!=": got != want, ">=": got >= want, "<=": got <= want, ">": got > want, "<": got < want}
	r, known := ok[args[2]]
	if !known {
		ts.Fatalf("dump: unknown operator %q", args[2])
	}
	if !r {
		ts.Fatalf("dump: %s = %s, want %s %s", args[1], num(got), args[2], num(want))
	}
	ts.Logf("dump: %s = %s", args[1], num(got))
}

// num prints a metric: counts as integers, a ratio or a mean as it is.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// value reads a count from the dump, for strace.
func value(d *dump.Dump, key string) (int64, error) {
	v, err := metric.Value(d, key)
	if err != nil {
		return 0, fmt.Errorf("dump: %w", err)
	}
	return int64(v), nil
}

// operand is a number, @file holding one, or another key of the dump,
// or a sum of these joined by +.
func operand(ts *testscript.TestScript, d *dump.Dump, s string) (float64, error) {
	if a, b, ok := strings.Cut(s, "+"); ok {
		x, err := operand(ts, d, a)
		if err != nil {
			return 0, err
		}
		y, err := operand(ts, d, b)
		return x + y, err
	}
	if f, ok := strings.CutPrefix(s, "@"); ok {
		s = strings.TrimSpace(ts.ReadFile(f))
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n), nil
	}
	return metric.Value(d, s)
}

var normRE = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`\+0x[0-9a-f]+`), "+0xX"},
	{regexp.MustCompile(`0x[0-9a-f]+`), "0xX"},
	{regexp.MustCompile(`\b(fp|sp|pc)=\S+`), "$1=X"},
	{regexp.MustCompile(`goroutine \d+ gp=\S+ m=\d+ mp=\S+`), "goroutine N gp=X m=N mp=X"},
	// Goroutine ids come from per-P caches, so they vary from run to run
	// of the same vanilla binary.
	{regexp.MustCompile(`goroutine \d+`), "goroutine N"},
	{regexp.MustCompile(`\[(\d+ minutes|running|syscall|chan receive|select|IO wait|sleep|semacquire|runnable)[^\]]*\]`), "[$1]"},
	// The forced-GC goroutine, listed in a throw's traceback before go1.21,
	// is runnable or idle as sysmon last readied it: for a GC in vanilla
	// (every 2 minutes), for a snapshot with SYSCOPE_INTERVAL, and a
	// throw's traceback races sysmon, which goes on running.
	{regexp.MustCompile(`\[force gc \(idle\)\]`), "[runnable]"},
}

func cmdNormalize(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! normalize")
	}
	if len(args) != 1 {
		ts.Fatalf("usage: normalize file")
	}
	s := ts.ReadFile(args[0])
	for _, n := range normRE {
		s = n.re.ReplaceAllString(s, n.repl)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(s), 0o644))
}

// Condition answers [plan:NAME], [release:goX.Y] and [root] for the
// toolchain whose GOROOT is goroot. A plan that does not exist or a
// release that is not one is an error, not a false condition, so that a
// misspelt condition cannot quietly leave lines out of a scenario.
func Condition(goroot string) func(cond string) (bool, error) {
	return func(cond string) (bool, error) {
		if cond == "root" {
			return os.Geteuid() == 0, nil
		}
		rel, err := releases.Version(goroot)
		if err != nil {
			return false, err
		}
		if name, ok := strings.CutPrefix(cond, "plan:"); ok {
			plans, err := plan.All()
			if err != nil {
				return false, err
			}
			planName := func(p *plan.Plan) string {
				return strings.TrimSuffix(strings.TrimPrefix(p.Name, "patches/"), ".plan")
			}
			var names []string
			for _, p := range plans {
				names = append(names, planName(p))
			}
			if !slices.Contains(names, name) {
				return false, fmt.Errorf("[%s]: no plan %q (the plans are %s)", cond, name, strings.Join(names, ", "))
			}
			p, err := plan.Select(plans, rel, false)
			if err != nil {
				return false, fmt.Errorf("[%s]: %v", cond, err)
			}
			return planName(p) == name, nil
		}
		if v, ok := strings.CutPrefix(cond, "release:"); ok {
			if !version.IsValid(v) || !strings.HasPrefix(v, "go1.") {
				return false, fmt.Errorf("[%s]: %q is not a Go release (want go1.N or go1.N.P)", cond, v)
			}
			return version.Compare(rel, v) >= 0, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
}

// cmdNeed fails, naming what is missing, unless every program it names
// is on PATH: a scenario that needs a tool fails without it, never skips.
func cmdNeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! need")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: need program...")
	}
	var missing []string
	for _, prog := range args {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, prog)
		}
	}
	if len(missing) > 0 {
		ts.Fatalf("need: this scenario needs %s, not found on PATH; install it (CI does)", strings.Join(missing, " and "))
	}
}

// cmdGo runs the toolchain under test, as cmd/go's script tests do.
func cmdGo(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: go subcommand [args...]")
	}
	err := ts.Exec(filepath.Join(ts.Getenv("GOROOT"), "bin", "go"), args...)
	switch {
	case err != nil && !neg:
		ts.Fatalf("go %s: %v", args[0], err)
	case err != nil:
		ts.Logf("[%v]", err)
	case neg:
		ts.Fatalf("go %s: unexpected success", args[0])
	}
}

func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exitcode: %s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdSetid makes file run as another user or group, as a setuid or
// setgid program does. Only root can give a file away, so without root
// the command fails: a scenario about setuid must not pass by skipping.
func cmdSetid(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! setid")
	}
	if len(args) != 2 || (args[0] != "uid" && args[0] != "gid") {
		ts.Fatalf("usage: setid uid|gid file")
	}
	if euid := os.Geteuid(); euid != 0 {
		ts.Fatalf("setid: giving a file to another user needs root, and this test runs as uid %d; run it as root (CI does)", euid)
	}
	file := ts.MkAbs(args[1])
	uid, gid, bit := -1, -1, os.ModeSetuid
	if args[0] == "uid" {
		uid = lookupID("nobody", func(n string) (string, error) {
			u, err := user.Lookup(n)
			if err != nil {
				return "", err
			}
			return u.Uid, nil
		})
	} else {
		gid = lookupID("nogroup", func(n string) (string, error) {
			g, err := user.LookupGroup(n)
			if err != nil {
				if g, err = user.LookupGroup("nobody"); err != nil {
					return "", err
				}
			}
			return g.Gid, nil
		})
		bit = os.ModeSetgid
	}
	ts.Check(os.Chown(file, uid, gid))
	fi, err := os.Stat(file)
	ts.Check(err)
	ts.Check(os.Chmod(file, fi.Mode().Perm()|bit))
}

// lookupID returns the id of name, or 65534 (nobody on Linux) when the
// system does not list it.
func lookupID(name string, lookup func(string) (string, error)) int {
	if s, err := lookup(name); err == nil {
		if id, err := strconv.Atoi(s); err == nil {
			return id
		}
	}
	return 65534
}

// cmdOthergo finds a toolchain whose release differs from the one under
// test, so a script can build with one toolchain and an overlay made for
// another: the newest patch of the last minor with _Psyscall, or of the
// newest supported minor when that minor is under test.
func cmdOthergo(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! othergo")
	}
	if len(args) != 2 {
		ts.Fatalf("usage: othergo ROOT REL")
	}
	rel, err := releases.Version(ts.Getenv("GOROOT"))
	ts.Check(err)
	other, err := releases.Lookup(releases.LastPsyscall)
	ts.Check(err)
	if version.Lang(rel) == version.Lang(other) {
		other, err = releases.Lookup(releases.NewestSupported)
		ts.Check(err)
	}
	// The go running the tests, not the one under test (go1.16 knows no
	// GOTOOLCHAIN), fetches it into the module cache the scripts share.
	tc, err := releases.Fetch(other)
	if err != nil {
		ts.Fatalf("othergo: %v", err)
	}
	ts.Setenv(args[0], tc.GOROOT)
	ts.Setenv(args[1], other)
}
