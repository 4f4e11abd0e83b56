package examples

import (
	"regexp"
	"testing"
)

// TestScopeExample runs the example of package scope, examples/handler,
// under the overlay: its tests assert that Hello starts no thread and
// has no slow exit, and that Blocking loses its P, and log the figures.
func TestScopeExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the overlay")
	}
	out := run(t, "test", "-count=1", "-v", "./handler")
	for _, re := range []string{
		`(?m)^--- PASS: TestHelloCreatesNoThread`,
		`instrumented: Hello x100: [1-9][0-9]* syscalls, thread_create \+0, slow exits 0`,
		`(?m)^--- PASS: TestBlockingLosesItsP`,
		`instrumented: Blocking: sysmon_retake \+[1-9]`,
	} {
		if !regexp.MustCompile(re).Match(out) {
			t.Errorf("syscope test ./handler: no match for %s in\n%s", re, out)
		}
	}
}
