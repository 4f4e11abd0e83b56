package testscript

import "testing"

// A log as strace -f -o writes it: calls split by another thread's, a
// preemption signal between the dump's getuid and geteuid, the program's
// own getuid before them.
const straceSample = `100 execve("./p", ["./p"], 0x7ffd /* 3 vars */) = 0
100 getuid()                          = 0
101 futex(0x1, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
100 read(3, "x", 1)                   = 1
100 read(3,  <unfinished ...>
101 <... futex resumed>)              = 0
100 <... read resumed>0xc0, 1)        = -1 EAGAIN (Resource temporarily unavailable)
100 getuid( <unfinished ...>
101 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0
100 <... getuid resumed>)             = 0
100 --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL} ---
100 rt_sigreturn({mask=[]})           = 0
100 geteuid()                         = 0
101 futex(0x2, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
102 write(1, "ok\n", 3)               = 3
100 openat(AT_FDCWD, "/w/out.json.syscope-tmp.100", O_WRONLY|O_CREAT, 0644) = 3
101 <... futex resumed>)              = 1
100 rename("/w/out.json.syscope-tmp.100", "/w/out.json") = 0
100 exit_group(0)                     = ?
100 +++ exited with 0 +++
`

func TestStraceBounds(t *testing.T) {
	l := parseStrace(straceSample)
	lo, hi, err := l.cut()
	if err != nil {
		t.Fatal(err)
	}
	if e := l.events[lo]; e.name != "getuid" || e.pid != "100" || !e.begin || e.finish {
		t.Fatalf("the cut begins at %q, want the second getuid", e.line)
	}
	if e := l.events[hi]; e.name != "openat" {
		t.Fatalf("the cut ends at %q, want the open of the temporary file", e.line)
	}
	b := l.bounds(lo, hi)
	for name, want := range map[string]straceBounds{
		"getuid":       {lo: 1, hi: 2}, // the program's; the dump's own began inside
		"read":         {lo: 2, hi: 2, errLo: 1, errHi: 1},
		"futex":        {lo: 0, hi: 2}, // 101 began nothing between its first's end and the cut; the second never finished before the open
		"nanosleep":    {lo: 0, hi: 1}, // inside the cut
		"write":        {lo: 0, hi: 1},
		"geteuid":      {lo: 0, hi: 1},
		"rt_sigreturn": {lo: 0, hi: 1},
		"execve":       {lo: 1, hi: 1}, // cmdStrace takes this one off
		"rename":       {},             // after the open: outside both
		"exit_group":   {},
	} {
		got := straceBounds{}
		if b[name] != nil {
			got = *b[name]
		}
		if got != want {
			t.Errorf("%s: bounds %+v, want %+v", name, got, want)
		}
	}
	if _, _, err := parseStrace("100 getuid() = 0\n").cut(); err == nil {
		t.Errorf("a log without the dump's open: no error")
	}
}

// Calls the kernel restarts: strace prints each twice, the program makes
// (and the dump counts) each once.
const straceRestarts = `200 execve("./p", ["./p"], 0x7ffd /* 3 vars */) = 0
201 futex(0x1, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
200 clone(child_stack=NULL, flags=CLONE_VM|CLONE_VFORK|SIGCHLD <unfinished ...>
201 <... futex resumed>)              = ? ERESTARTSYS (To be restarted if SA_RESTART is set)
200 <... clone resumed>)              = ? ERESTARTNOINTR (To be restarted)
201 futex(0x1, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>
200 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=300} ---
200 getpid()                          = 200
200 rt_sigreturn({mask=[]})           = 56
200 clone(child_stack=NULL, flags=CLONE_VM|CLONE_VFORK|SIGCHLD) = 301
202 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)
202 restart_syscall(<... resuming interrupted nanosleep ...> <unfinished ...>
204 nanosleep({tv_sec=0, tv_nsec=20000},  <unfinished ...>
202 <... restart_syscall resumed>)    = 0
204 <... nanosleep resumed>NULL)      = ? ERESTART_RESTARTBLOCK (Interrupted by signal)
204 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=302} ---
204 rt_sigreturn({mask=[]} <unfinished ...>
204 <... rt_sigreturn resumed>)       = -1 EINTR (Interrupted system call)
204 nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0
203 read(3,  <unfinished ...>
203 <... read resumed>0xc0, 8)        = ? ERESTARTNOHAND (To be restarted if no handler)
203 --- SIGINT {si_signo=SIGINT, si_code=SI_USER} ---
203 rt_sigreturn({mask=[]})           = -1 EINTR (Interrupted system call)
203 write(1, "x", 1)                  = 1
201 <... futex resumed>)              = 0
202 getuid()                          = 0
203 close(3)                          = 0
201 close(4)                          = 0
204 close(5)                          = 0
200 getuid()                          = 0
200 geteuid()                         = 0
200 openat(AT_FDCWD, "/w/out.json.syscope-tmp.200", O_WRONLY|O_CREAT, 0644) = 3
200 exit_group(0)                     = ?
`

func TestStraceRestarts(t *testing.T) {
	l := parseStrace(straceRestarts)
	lo, hi, err := l.cut()
	if err != nil {
		t.Fatal(err)
	}
	b := l.bounds(lo, hi)
	for name, want := range map[string]straceBounds{
		"futex":           {lo: 1, hi: 1},                     // made again at once: no handler ran on 201
		"clone":           {lo: 1, hi: 1},                     // made again after the handler (rt_sigreturn gives its number back)
		"nanosleep":       {lo: 3, hi: 3, errLo: 1, errHi: 1}, // 202's restarted; 204's returned EINTR after the handler, then 204 slept again
		"restart_syscall": {},
		"getpid":          {lo: 1, hi: 1}, // the handler's own call
		"rt_sigreturn":    {lo: 3, hi: 3, errLo: 2, errHi: 2},
		"read":            {lo: 1, hi: 1, errLo: 1, errHi: 1}, // EINTR after the handler, never made again
		"write":           {lo: 1, hi: 1},
	} {
		got := straceBounds{}
		if b[name] != nil {
			got = *b[name]
		}
		if got != want {
			t.Errorf("%s: bounds %+v, want %+v", name, got, want)
		}
	}
}
