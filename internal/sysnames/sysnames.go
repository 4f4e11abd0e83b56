// Package sysnames names linux/amd64 system calls by trap number.
package sysnames

//go:generate go run ./gen zsysnames.go

// Name returns the name of trap, or "" if x/sys/unix does not know it.
func Name(trap int) string { return names[trap] }

// Max is the largest known trap number.
func Max() int {
	m := 0
	for t := range names {
		m = max(m, t)
	}
	return m
}

// Trap returns the trap number of name, or -1 if x/sys/unix does not know it.
func Trap(name string) int {
	for t, n := range names {
		if n == name {
			return t
		}
	}
	return -1
}
