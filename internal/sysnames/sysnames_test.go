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
