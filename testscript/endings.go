package testscript

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// sigendEnv are the variables the script's own values of which sigend
// passes to the child; the rest of its environment is the test's.
var sigendEnv = []string{"SYSCOPE", "SYSCOPE_OUT", "SYSCOPE_INTERVAL", "SYSCOPE_KEEP", "GOTRACEBACK", "GODEBUG"}

var sigendSignals = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "TERM": syscall.SIGTERM,
	"USR1": syscall.SIGUSR1, "USR2": syscall.SIGUSR2, "ALRM": syscall.SIGALRM, "PIPE": syscall.SIGPIPE,
	"ABRT": syscall.SIGABRT, "KILL": syscall.SIGKILL,
}

// cmdSigend runs prog, waits for the first line of its standard output,
// and 100ms more, then sends it SIG, or for PIPE closes the read end of its standard
// output so that its next write there fails with EPIPE, and requires it
// to end as ENDING says: "signal:NAME" (the parent sees WIFSIGNALED with
// that signal, so a shell's $? is 128+N) or "exit:N". The child's output
// becomes the command's stdout and stderr.
// inheritDefaults makes the children of sigend start with SIGHUP and
// SIGINT at their default action. A process started with them ignored
// (under nohup, or in the background of a non-interactive shell, as a CI
// job may be) passes the ignoring on to every child, and a Go program
// keeps an inherited SIG_IGN for these two, so the programs under test
// would not die by them. Notify installs the Go handler in this process
// even over an inherited SIG_IGN, and a forked child gets the default for
// every signal the Go handler has. A signal this process receives is
// passed on as it would have been: Stop restores the disposition it
// started with, and the signal is raised again.
var inheritDefaults sync.Once

func defaultSignals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGINT)
	go func() {
		sig := <-c
		signal.Stop(c)
		syscall.Kill(os.Getpid(), sig.(syscall.Signal))
	}()
}

func cmdSigend(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! sigend")
	}
	if len(args) < 3 {
		ts.Fatalf("usage: sigend SIG signal:NAME|exit:N prog [args...]")
	}
	sig, ok := sigendSignals[args[0]]
	if !ok {
		ts.Fatalf("sigend: unknown signal %q", args[0])
	}
	want := args[1]
	if kind, v, _ := strings.Cut(want, ":"); kind == "signal" {
		if _, ok := sigendSignals[v]; !ok {
			ts.Fatalf("sigend: unknown signal in %q", want)
		}
	} else if _, err := strconv.Atoi(v); kind != "exit" || err != nil {
		ts.Fatalf("sigend: ending %q is neither signal:NAME nor exit:N", want)
	}
	prog := args[2]
	if strings.Contains(prog, "/") {
		prog = ts.MkAbs(prog)
	}
	inheritDefaults.Do(defaultSignals)
	cmd := exec.Command(prog, args[3:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(sigendEnv, k) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for _, k := range sigendEnv {
		if v := ts.Getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	r := bufio.NewReader(out)
	first, err := r.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		ts.Fatalf("sigend: %s ended before its first line of output (%q, %v); stderr:\n%s", args[2], first, err, stderr.String())
	}
	// Let the program settle where its first line leaves it (out of the
	// write that printed it, into its wait).
	time.Sleep(100 * time.Millisecond)
	var rest []byte
	if sig == syscall.SIGPIPE {
		out.Close()
	} else {
		ts.Check(cmd.Process.Signal(sig))
		rest, _ = io.ReadAll(r)
	}
	werr := cmd.Wait()
	fmt.Fprint(ts.Stdout(), first)
	ts.Stdout().Write(rest)
	ts.Stderr().Write(stderr.Bytes())
	got := ending(cmd.ProcessState)
	if werr != nil && cmd.ProcessState == nil {
		ts.Fatalf("sigend: %v", werr)
	}
	if got != want {
		ts.Fatalf("sigend: %s ended by %s, want %s", args[2], got, want)
	}
	ts.Logf("sigend: %s ended by %s", args[2], got)
}

func ending(ps *os.ProcessState) string {
	ws := ps.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		for name, s := range sigendSignals {
			if s == ws.Signal() {
				return "signal:" + name
			}
		}
		return "signal:" + strconv.Itoa(int(ws.Signal()))
	}
	return "exit:" + strconv.Itoa(ws.ExitStatus())
}

// cmdDropparas removes from file each paragraph (lines between blank
// lines) whose first line matches REGEXP: the parts of a traceback that
// depend on which thread a signal interrupted.
func cmdDropparas(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! dropparas")
	}
	if len(args) != 2 {
		ts.Fatalf("usage: dropparas REGEXP file")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	var kept []string
	for _, p := range strings.Split(ts.ReadFile(args[1]), "\n\n") {
		if re.MatchString(strings.SplitN(p, "\n", 2)[0]) {
			continue
		}
		kept = append(kept, p)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(strings.Join(kept, "\n\n")), 0o644))
}

// cmdSortparas sorts the paragraphs of file.
func cmdSortparas(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! sortparas")
	}
	if len(args) != 1 {
		ts.Fatalf("usage: sortparas file")
	}
	paras := strings.Split(strings.TrimRight(ts.ReadFile(args[0]), "\n"), "\n\n")
	slices.Sort(paras)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(paras, "\n\n")+"\n"), 0o644))
}
