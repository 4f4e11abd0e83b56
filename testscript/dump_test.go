package testscript

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestDumpCommand runs the dump command on dump/testdata/valid.json:
// each line either passes or fails with the message given.
func TestDumpCommand(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "dump", "testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line, fail string
	}{
		{"dump d.json enter == 1000", ""},
		{"dump d.json read.calls >= 1", ""},
		{"dump d.json getpid.calls == 0", ""},      // a system call the dump has no row for
		{"dump d.json getpid.raw.errors == 0", ""}, // on any path
		{"dump d.json exit_future_thing == 7", ""}, // an event of the dump this syscope does not know
		{"dump d.json calls == read.calls+write.calls", ""},
		{"dump d.json exit_slow == exit_slow_idle_p+exit_slow_queued+exit_slow_locked", ""},
		{"dump d.json enter == 999", "dump: enter = 1000, want == 999"},
		{"dump d.json typo.calls == 0", `unknown system call "typo"`},
		{"dump d.json read.calls >= typo.calls", `unknown system call "typo"`},
		{"dump d.json thread_creat == 4", `unknown metric "thread_creat"`},
		{"dump d.json read.count == 0", `unknown field "count"`},
		{"dump d.json read.kernel.calls == 0", `unknown path "kernel"`},
		{"dump d.json enter ~ 1", `unknown operator "~"`},
	} {
		log, failed := runScript(t, c.line+"\n-- d.json --\n"+string(valid))
		switch {
		case c.fail == "" && failed:
			t.Errorf("%s: failed:\n%s", c.line, log)
		case c.fail != "" && !failed:
			t.Errorf("%s: passed, want a failure with %q:\n%s", c.line, c.fail, log)
		case c.fail != "" && !strings.Contains(log, c.fail):
			t.Errorf("%s: failed without %q:\n%s", c.line, c.fail, log)
		}
	}
}

// runScript runs one script with syscope's commands and returns its log
// and whether it failed.
func runScript(t *testing.T, script string) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "s.txtar")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := &runT{}
	rt.Run("s", func(st testscript.T) {
		testscript.RunT(st, testscript.Params{Files: []string{file}, WorkdirRoot: dir, Cmds: Cmds})
	})
	return rt.log.String(), rt.failed || rt.skipped
}
