package bisect

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	gits "github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
	sst "github.com/syscope/syscope/testscript"
)

// Script runs a testscript against released toolchains.
//
// In the script, `go` is a command, as in cmd/go's script tests: `go run
// .` and `go build` run the toolchain under test ($GOROOT/bin/go, also
// first on PATH, so `exec go` works too), with its own GOROOT, no go env
// file (GOENV=off) and GOTOOLCHAIN=local, so releases before go1.21 run
// as they would alone; `! go build` expects a failure. syscope's commands
// (dump, exitcode, ...) and conditions ([plan:go1.26], [release:go1.25])
// are there too, and with Instrument `syscope` runs the syscope binary
// Syscope, so that `exec syscope build` builds with the overlay for that
// toolchain.
type Script struct {
	File       string
	Instrument bool
	Syscope    string        // the syscope binary, needed with Instrument
	Timeout    time.Duration // per run; 0 means 10 minutes
	// Env holds more variables for the script, set after syscope's;
	// $WORK in a value is the script's work directory.
	Env []string
	// Collect, if not nil, is called with the script's work directory
	// after a run that passed, before the directory is removed; an error
	// from it is Run's.
	Collect func(work string) error
}

// Cmds are the commands of a script: syscope's (package testscript's
// Cmds) and go.
var Cmds = func() map[string]func(ts *gits.TestScript, neg bool, args []string) {
	m := maps.Clone(sst.Cmds)
	m["go"] = cmdGo
	return m
}()

// cmdGo runs the toolchain under test, as cmd/go's script tests do.
func cmdGo(ts *gits.TestScript, neg bool, args []string) {
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

// hostEnv holds what the script needs from the go that runs syscope:
// the build and module caches, which testscript's HOME=/no-home would
// otherwise move.
var hostEnv struct {
	once sync.Once
	vars []string
	err  error
}

func goEnvVars() ([]string, error) {
	hostEnv.once.Do(func() {
		cmd := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH")
		cmd.Env = append(os.Environ(), "GOENV=off", "GOFLAGS=")
		out, err := cmd.Output()
		if err != nil {
			hostEnv.err = fmt.Errorf("go env: %v", err)
			return
		}
		f := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(f) != 3 {
			hostEnv.err = fmt.Errorf("go env: unexpected output %q", out)
			return
		}
		cache, err := overlay.CacheDir()
		if err != nil {
			hostEnv.err = err
			return
		}
		hostEnv.vars = []string{"GOCACHE=" + f[0], "GOMODCACHE=" + f[1], "GOPATH=" + f[2], "SYSCOPE_CACHE=" + cache}
	})
	return hostEnv.vars, hostEnv.err
}

// Runner returns the Runner that fetches a release and runs the script
// on it.
func (s *Script) Runner() Runner {
	return func(rel string) *Step {
		st := &Step{Release: rel}
		tc, err := releases.Fetch(rel)
		if err != nil {
			st.Outcome, st.Reason = Skipped, err.Error()
			return st
		}
		st.Cached, st.Fetch = tc.Cached, tc.Elapsed
		start := time.Now()
		pass, out, err := s.Run(tc.GOROOT)
		st.Run, st.Output = time.Since(start), out
		switch {
		case err != nil:
			st.Outcome, st.Reason = Skipped, err.Error()
		case pass:
			st.Outcome = Pass
		default:
			st.Outcome, st.Failure = Fail, ParseFailure(out)
		}
		return st
	}
}

// errScriptSkipped is returned when the script skips itself on a release.
var errScriptSkipped = fmt.Errorf("the script skipped itself")

// Run runs the script once with the toolchain at goroot. It returns
// whether the script passed and its log. An error means no verdict: the
// overlay could not be made, or the script skipped.
func (s *Script) Run(goroot string) (pass bool, log string, err error) {
	vars, err := goEnvVars()
	if err != nil {
		return false, "", err
	}
	if !s.Instrument {
		// Run the toolchain from outside the module cache, as the
		// overlay does, where go1.19 can build at all.
		rel, err := releases.Version(goroot)
		if err != nil {
			return false, "", err
		}
		if goroot, err = overlay.LinkGOROOT(goroot, rel); err != nil {
			return false, "", err
		}
	}
	env := []string{"GOROOT=" + goroot, "GOTOOLCHAIN=local", "GOENV=off"}
	bin := filepath.Join(goroot, "bin")
	if s.Instrument {
		r, err := overlay.Generate(overlay.Options{GOROOT: goroot})
		if err != nil {
			return false, "", fmt.Errorf("overlay: %v", err)
		}
		// The overlay is made for r.GOROOT, a link outside the module
		// cache for a fetched toolchain; the script's go runs from there.
		env = append(r.Env(), "GOENV=off")
		bin = filepath.Join(r.GOROOT, "bin")
		goroot = r.GOROOT
	}
	dir, err := os.MkdirTemp("", "syscope-bisect-")
	if err != nil {
		return false, "", err
	}
	defer os.RemoveAll(dir)
	path := bin
	if s.Instrument {
		if s.Syscope == "" {
			return false, "", fmt.Errorf("no syscope binary to run in the script")
		}
		sbin := filepath.Join(dir, "bin")
		if err := os.MkdirAll(sbin, 0o755); err != nil {
			return false, "", err
		}
		if err := os.Symlink(s.Syscope, filepath.Join(sbin, "syscope")); err != nil {
			return false, "", err
		}
		path += string(os.PathListSeparator) + sbin
	}
	path += string(os.PathListSeparator) + os.Getenv("PATH")
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	if _, err := os.Stat(s.File); err != nil {
		return false, "", err
	}
	var work string
	params := s.params(dir, goroot, append(append(vars, env...), "GOFLAGS=", "PATH="+path), timeout, &work)
	t := &scriptT{}
	t.Run("script", func(gits.T) {
		gits.RunT(t, params)
	})
	log = stripEnv(t.log.String())
	if t.skipped {
		return false, log, errScriptSkipped
	}
	if !t.failed && s.Collect != nil {
		if err := s.Collect(work); err != nil {
			return false, log, err
		}
	}
	return !t.failed, log, nil
}

// stripEnv drops what testscript prints ahead of the first command of a
// verbose log: the environment (WORK=... up to an empty line) and the
// script's leading comment, which is the script's text, not its output.
func stripEnv(log string) string {
	if strings.HasPrefix(log, "WORK=") {
		if _, rest, ok := strings.Cut(log, "\n\n"); ok {
			log = rest
		}
	}
	for strings.HasPrefix(log, "#") {
		_, log, _ = strings.Cut(log, "\n")
	}
	return log
}

// params are the script's: setenv, then s.Env; *work gets the script's
// work directory.
func (s *Script) params(dir, goroot string, setenv []string, timeout time.Duration, work *string) gits.Params {
	return gits.Params{
		Files:               []string{s.File},
		WorkdirRoot:         dir,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds:                Cmds,
		Condition:           sst.Condition(goroot),
		Deadline:            time.Now().Add(timeout),
		Setup: func(e *gits.Env) error {
			*work = e.WorkDir
			for _, kv := range setenv {
				k, v, _ := strings.Cut(kv, "=")
				e.Setenv(k, v)
			}
			for _, kv := range s.Env {
				k, v, _ := strings.Cut(kv, "=")
				e.Setenv(k, os.Expand(v, e.Getenv))
			}
			return nil
		},
	}
}

// failRE matches the line testscript logs when a command fails.
var failRE = regexp.MustCompile(`(?m)^FAIL: .*:(\d+): (.*)$`)

// scriptErrRE matches the failures that are in the script's text, which
// no release can change: testscript's own (an unknown command or
// condition, a line it cannot parse, a builtin's usage) and syscope's
// commands' (a usage, an operator or a metric name that does not exist).
var scriptErrRE = regexp.MustCompile(`^(unknown command |unknown condition |bad condition |unterminated quoted argument|missing command after condition|! on line by itself|usage: |unsupported: ! |use 'exec .*' rather than |error parsing regexp|dump: (unknown operator|unknown metric|empty metric name|metric ".*": (want|no system call name|unknown path|unknown field|the .* path records no times|unknown system call)))`)

// Failure is where and why a script failed, read from its log.
type Failure struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
	// InScript is true when the failure is in the script's text (see
	// scriptErrRE), not an assertion or a command that failed: on every
	// release it would fail at that line the same way.
	InScript bool `json:"in_script"`
}

// ParseFailure returns the last failure in a script's log, or nil.
func ParseFailure(log string) *Failure {
	m := failRE.FindAllStringSubmatch(log, -1)
	if m == nil {
		return nil
	}
	last := m[len(m)-1]
	line, _ := strconv.Atoi(last[1])
	return &Failure{Line: line, Message: last[2], InScript: scriptErrRE.MatchString(last[2])}
}

// scriptT is the testscript.T that runs a script outside go test: Run
// runs the script on its own goroutine, and FailNow and Skip end that
// goroutine as they would end a test.
type scriptT struct {
	mu      sync.Mutex
	log     strings.Builder
	failed  bool
	skipped bool
}

func (t *scriptT) Log(args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := fmt.Sprintln(args...)
	t.log.WriteString(s)
}

func (t *scriptT) Fatal(args ...any) {
	t.Log(args...)
	t.FailNow()
}

func (t *scriptT) FailNow() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *scriptT) Skip(args ...any) {
	t.Log(args...)
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *scriptT) Parallel()     {}
func (t *scriptT) Verbose() bool { return true }

func (t *scriptT) Run(name string, f func(gits.T)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(t)
	}()
	<-done
}
