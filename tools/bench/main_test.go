package main

import (
	"os"
	"strings"
	"testing"
)

// TestStackTable reads the stack table's declaration from the runtime
// source, as make bench does from the repository's root.
func TestStackTable(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	got := stackTable()
	// syscopeStk: hash, ready, key, n, 32 PCs, calls, ticks, lost,
	// retakes and threads, 8 bytes each.
	for _, want := range []string{"4096 stacks (syscopeStackCap)", "up to 32 frames", "in 328 bytes", "within 64 probes"} {
		if !strings.Contains(got, want) {
			t.Errorf("stackTable() = %q, want it to say %q", got, want)
		}
	}
}
