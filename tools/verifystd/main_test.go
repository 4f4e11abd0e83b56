package main

import (
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDefaultSIGHUP: started with SIGHUP ignored, as under nohup,
// verifystd's children get its default action, as Go's tests expect.
func TestDefaultSIGHUP(t *testing.T) {
	if os.Getenv("VERIFYSTD_SIGHUP_CHILD") != "" {
		defaultSIGHUP()
		out, err := exec.Command("sh", "-c", "grep SigIgn /proc/self/status").Output()
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout.Write(out)
		return
	}
	signal.Ignore(syscall.SIGHUP) // inherited by the child, across exec
	defer signal.Reset(syscall.SIGHUP)
	for _, fix := range []bool{false, true} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDefaultSIGHUP$")
		if fix {
			cmd.Env = append(os.Environ(), "VERIFYSTD_SIGHUP_CHILD=1")
		} else {
			cmd = exec.Command("sh", "-c", "grep SigIgn /proc/self/status")
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(string(out), "SigIgn:")
		if i < 0 {
			t.Fatalf("no SigIgn in %q", out)
		}
		mask, err := strconv.ParseUint(strings.Fields(string(out[i+len("SigIgn:"):]))[0], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if ignored := mask&1 != 0; ignored == fix {
			t.Errorf("with defaultSIGHUP %v: a grandchild's SIGHUP ignored %v", fix, ignored)
		}
	}
}

// TestRerun: a rerun of one test, top-level or a subtest, runs it and
// only it, reruns times, and counts its passes.
func TestRerun(t *testing.T) {
	env := append(os.Environ(), "GOFLAGS=")
	for _, name := range []string{"TestFields", "FuzzReplace/seed#1"} { // a subtest with a regexp metacharacter in its name
		n, passed := rerun("go", env, "strings", "", "", name)
		if n != reruns || passed != reruns {
			t.Errorf("rerun %s: %d runs, %d passed; want %d and %d", name, n, passed, reruns, reruns)
		}
	}
	if _, passed := rerun("go", env, "strings", "", "", "TestNoSuchTest"); passed != 0 {
		t.Errorf("rerun of a test that does not exist: %d passed, want 0", passed)
	}
}
