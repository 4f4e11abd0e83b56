package testscript

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/syscope/syscope/overlay"
	"github.com/syscope/syscope/releases"
)

// Params returns the testscript.Params that every syscope script runs
// with, the suites' and Script's alike, for the toolchain under test at
// goroot: Cmds (with go), Condition(goroot), RequireExplicitExec and
// RequireUniqueNames, and a Setup that gives the script that toolchain.
// GOROOT is goroot, GOTOOLCHAIN=local, GOENV=off (no go env file) and
// GOFLAGS is empty, so that `go` and `exec go` run $GOROOT/bin/go as
// that release would run alone; PATH is $GOROOT/bin, then path, then
// the PATH of the test; GOCACHE, GOMODCACHE and GOPATH are the host go's
// and SYSCOPE_CACHE is syscope's cache, which testscript's HOME=/no-home
// would otherwise move. vars (KEY=VALUE) are set last; a value may name
// the script's variables, as in $WORK/out.txt. The caller sets the
// scripts to run (Dir or Files) and the Deadline.
func Params(goroot string, path []string, vars ...string) (testscript.Params, error) {
	host, err := goEnvVars()
	if err != nil {
		return testscript.Params{}, err
	}
	sep := string(os.PathListSeparator)
	env := append(host,
		"GOROOT="+goroot,
		"GOTOOLCHAIN=local",
		"GOENV=off",
		"GOFLAGS=",
		"PATH="+strings.Join(append([]string{filepath.Join(goroot, "bin")}, path...), sep)+sep+os.Getenv("PATH"))
	return testscript.Params{
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds:                Cmds,
		Condition:           Condition(goroot),
		Setup: func(e *testscript.Env) error {
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				e.Setenv(k, v)
			}
			for _, kv := range vars {
				k, v, _ := strings.Cut(kv, "=")
				e.Setenv(k, os.Expand(v, e.Getenv))
			}
			return nil
		},
	}, nil
}

// hostEnv holds what a script needs from the go that runs syscope: the
// build and module caches, and syscope's.
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
	return hostEnv.vars[:len(hostEnv.vars):len(hostEnv.vars)], hostEnv.err
}

// Script runs one script outside go test, on a toolchain that bisect or
// matrix fetched: with Params(goroot, ...), so it sees the commands and
// conditions of the suites, `go` among them, and with Instrument
// `syscope` on PATH runs the syscope binary Syscope, so that `exec
// syscope build` builds with the overlay for that toolchain.
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

// errScriptSkipped is returned when the script skips itself on a release.
var errScriptSkipped = fmt.Errorf("the script skipped itself")

// Run runs the script once with the toolchain at goroot. It returns
// whether the script passed and its log. An error means no verdict: the
// overlay could not be made, or the script skipped.
func (s *Script) Run(goroot string) (pass bool, log string, err error) {
	if s.Instrument {
		// The overlay is made for r.GOROOT, a link outside the module
		// cache for a fetched toolchain; the script's go runs from there.
		r, err := overlay.Generate(overlay.Options{GOROOT: goroot})
		if err != nil {
			return false, "", fmt.Errorf("overlay: %v", err)
		}
		goroot = r.GOROOT
	} else {
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
	dir, err := os.MkdirTemp("", "syscope-script-")
	if err != nil {
		return false, "", err
	}
	defer os.RemoveAll(dir)
	var path []string
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
		path = append(path, sbin)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	if _, err := os.Stat(s.File); err != nil {
		return false, "", err
	}
	p, err := Params(goroot, path, s.Env...)
	if err != nil {
		return false, "", err
	}
	var work string
	setup := p.Setup
	p.Files, p.WorkdirRoot, p.Deadline = []string{s.File}, dir, time.Now().Add(timeout)
	p.Setup = func(e *testscript.Env) error {
		work = e.WorkDir
		return setup(e)
	}
	t := &runT{}
	t.Run("script", func(testscript.T) {
		testscript.RunT(t, p)
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

// runT is the testscript.T that runs a script outside go test: Run runs
// the script on its own goroutine, and FailNow and Skip end that
// goroutine as they would end a test.
type runT struct {
	mu      sync.Mutex
	log     strings.Builder
	failed  bool
	skipped bool
}

func (t *runT) Log(args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := fmt.Sprintln(args...)
	t.log.WriteString(s)
}

func (t *runT) Fatal(args ...any) {
	t.Log(args...)
	t.FailNow()
}

func (t *runT) FailNow() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *runT) Skip(args ...any) {
	t.Log(args...)
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *runT) Parallel()     {}
func (t *runT) Verbose() bool { return true }

func (t *runT) Run(name string, f func(testscript.T)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(t)
	}()
	<-done
}
