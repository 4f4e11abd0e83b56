//go:build ignore

// Syscope's hook in package syscall, added by the overlay. Syscall and
// Syscall6 call it between the raw call and exitsyscall, so it sees the
// trap number and the errno that entersyscall never does.

package syscall

import _ "unsafe" // for go:linkname

//go:linkname runtime_syscopeSyscallEnd runtime.syscopeSyscallEnd
func runtime_syscopeSyscallEnd(trap, errno uintptr)

// runtime_syscopeOn is false when SYSCOPE=off: the hook is then one compare.
//
//go:linkname runtime_syscopeOn runtime.syscopeOn
var runtime_syscopeOn bool
