package testscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/syscope/syscope/overlay"
)

// The runtime's parsers of the SYSCOPE_* variables cannot be called from
// a test: they live in package runtime. FuzzEnv runs a small instrumented
// program with one variable set to the input instead, and requires what
// every value must give: the program's output and exit status
// unchanged, and on stderr nothing, or one line that names the variable.
var envVars = []string{"SYSCOPE", "SYSCOPE_OUT", "SYSCOPE_INTERVAL", "SYSCOPE_PROFILE_RATE", "SYSCOPE_RAW_LONG", "SYSCOPE_KEEP"}

var envProg struct {
	once sync.Once
	path string
	err  error
}

const envMain = `package main

import "fmt"

func main() { fmt.Println("ok") }
`

func buildEnvProg(t testing.TB) string {
	envProg.once.Do(func() {
		dir, err := os.MkdirTemp("", "syscope-fuzzenv")
		if err != nil {
			envProg.err = err
			return
		}
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module p\n\ngo 1.16\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(envMain), 0o644)
		ov, err := overlay.Generate(overlay.Options{})
		if err != nil {
			envProg.err = err
			return
		}
		envProg.path = filepath.Join(dir, "p")
		cmd := exec.Command(ov.GoCommand(), "build", "-overlay="+ov.JSON, "-o", envProg.path, ".")
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), ov.Env()...), "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			envProg.err = err
			envProg.path = string(out)
		}
	})
	if envProg.err != nil {
		t.Fatalf("building the instrumented program: %v\n%s", envProg.err, envProg.path)
	}
	return envProg.path
}

func FuzzEnv(f *testing.F) {
	for i, v := range []string{"off", "on", "", "10ms", "0", "1h", "5ms", "x", "10", "1.5ms", "-1ms", "99999999999999999999s", "µs", "1µs", "9223372036854775807ns", "/nonexistent/dir/", "dump.json"} {
		f.Add(uint8(i), v)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		if strings.ContainsRune(value, 0) {
			t.Skip("no environment value holds a NUL")
		}
		prog := buildEnvProg(t)
		name := envVars[int(which)%len(envVars)]
		dir := t.TempDir()
		cmd := exec.Command(prog)
		cmd.Dir = dir
		cmd.Env = []string{name + "=" + value}
		if name != "SYSCOPE_OUT" {
			cmd.Env = append(cmd.Env, "SYSCOPE_OUT="+filepath.Join(dir, "d.json"))
		}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s=%q: %v\nstderr: %s", name, value, err, stderr.String())
		}
		if stdout.String() != "ok\n" {
			t.Fatalf("%s=%q: stdout %q, want \"ok\\n\"", name, value, stdout.String())
		}
		if e := stderr.String(); e != "" {
			lines := strings.Split(strings.TrimSuffix(e, "\n"), "\n")
			// SYSCOPE_OUT's errors name the path they could not write.
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "syscope: "+name) &&
				!(name == "SYSCOPE_OUT" && (strings.HasPrefix(lines[0], "syscope: cannot write dump to ") || strings.HasPrefix(lines[0], "syscope: SYSCOPE_OUT directory "))) {
				t.Fatalf("%s=%q: stderr is not one line naming the variable:\n%s", name, value, e)
			}
		}
	})
}
