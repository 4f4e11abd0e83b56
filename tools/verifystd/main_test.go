package main

import (
	"os"
	"testing"
)

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
