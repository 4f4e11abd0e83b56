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
