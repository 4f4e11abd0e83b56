package sysnames

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestNames(t *testing.T) {
	for trap, want := range map[int]string{unix.SYS_READ: "read", unix.SYS_FUTEX: "futex", unix.SYS_EPOLL_PWAIT: "epoll_pwait", unix.SYS_CLONE3: "clone3"} {
		if got := Name(trap); got != want {
			t.Errorf("Name(%d) = %q, want %q", trap, got, want)
		}
	}
}

func TestTrap(t *testing.T) {
	if got := Trap("clock_gettime"); got != 228 {
		t.Errorf("Trap(clock_gettime) = %d, want 228", got)
	}
	if got := Trap("no_such_call"); got != -1 {
		t.Errorf("Trap(no_such_call) = %d, want -1", got)
	}
}
