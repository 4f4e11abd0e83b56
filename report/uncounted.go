package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syscope/syscope/dump"
)

// Part is one part of a cgo binary whose own system calls the dump does
// not count: the dump's "uncounted" lists the parts by Name.
type Part struct {
	Name  string // as the dump writes it: "ld.so", "libc"
	What  string // what the part is, for a reader
	Calls []Call
}

// Call is one system call a Part makes, by its Linux name, and why.
type Call struct {
	Names []string
	Why   string
}

// Uncounted is what syscope cannot count in a cgo binary: the system
// calls made in C, which no hook sees and strace -f counts. It is the one
// list of them: the report prints it for a dump whose "uncounted" names
// the parts, docs/internals.md shows it (TestUncountedDoc keeps the copy
// there current), and strace_cgo.txtar checks, against strace -f -c on
// glibc, that these names, and only these, are where strace counts more
// than the dump (the program's own C calls aside). strace -f -k, whose
// innermost frame names the object that made each call, gave the split
// between the two parts.
var Uncounted = []Part{
	{
		Name: "ld.so",
		What: "the dynamic loader, which maps libc before the runtime's first instruction",
		Calls: []Call{
			{[]string{"access", "openat", "newfstatat", "read", "pread64", "mmap", "mprotect", "munmap", "close"}, "finding and mapping libc (/etc/ld.so.preload, /etc/ld.so.cache)"},
			{[]string{"brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq"}, "the main thread's heap, TLS and glibc state"},
		},
	},
	{
		Name: "libc",
		What: "the C library, for the runtime's cgo glue, for what the runtime calls through it in a cgo binary, and for the program's own C code (whose calls depend on the program and are not listed)",
		Calls: []Call{
			{[]string{"clone3", "mmap", "mprotect", "munmap", "rseq", "set_robust_list", "rt_sigprocmask"}, "pthread_create and each new thread's start: every thread the runtime starts, its stack and guard page, signals blocked around it"},
			{[]string{"mmap", "munmap"}, "the runtime's own mappings, which go through libc's mmap in a cgo binary"},
			{[]string{"rt_sigaction"}, "the runtime's signal handlers, installed through libc's sigaction in a cgo binary"},
			{[]string{"brk", "getrandom", "mmap", "munmap"}, "malloc in the cgo glue"},
			{[]string{"openat", "newfstatat", "read", "close", "sched_getaffinity", "prlimit64"}, "libc's start-up (getrlimit) and pthread_getattr_np, with which the cgo glue finds the main thread's stack (/proc/self/maps)"},
		},
	},
}

// UncountedNames is every system call name in Uncounted, sorted, once.
func UncountedNames() []string {
	var names []string
	for _, p := range Uncounted {
		for _, c := range p.Calls {
			names = append(names, c.Names...)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// uncountedNote is what the syscall table's footnote says of a dump whose
// "uncounted" names parts of the process: which calls of theirs strace -f
// counts and the dump does not. It is empty for a dump with none.
func uncountedNote(d *dump.Dump) string {
	var b strings.Builder
	for _, name := range d.Uncounted {
		i := slices.IndexFunc(Uncounted, func(p Part) bool { return p.Name == name })
		if i < 0 {
			fmt.Fprintf(&b, "  %s: calls not described by this syscope\n", name)
			continue
		}
		fmt.Fprintf(&b, "  %s: %s\n", name, strings.Join(partNames(Uncounted[i]), " "))
	}
	if b.Len() == 0 {
		return ""
	}
	return "C code's system calls are not counted (a cgo binary), though strace -f counts them: the program's own, and these:\n" + b.String()
}

// partNames is the system call names of one part, sorted, once.
func partNames(p Part) []string {
	var names []string
	for _, c := range p.Calls {
		names = append(names, c.Names...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// UncountedMarkdown is the list as docs/internals.md shows it.
func UncountedMarkdown() string {
	var b strings.Builder
	for _, p := range Uncounted {
		fmt.Fprintf(&b, "- **%s**, %s:\n", p.Name, p.What)
		for _, c := range p.Calls {
			fmt.Fprintf(&b, "  - %s: %s\n", "`"+strings.Join(c.Names, "`, `")+"`", c.Why)
		}
	}
	return b.String()
}
