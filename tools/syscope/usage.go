package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// The flag set and usage line of the command being run, recorded by
// newFlags: main prints them on a usage error.
var (
	cmdFlags *flag.FlagSet
	cmdUsage string
)

// newFlags makes the flag set of a command; usage is its usage line, as
// in commands. The flag package prints a parse error, and main the usage
// line and the flags when the command returns errUsage, so that -h, a
// bad flag and a wrong number of arguments all print the same.
func newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {}
	cmdFlags, cmdUsage = fs, usage
	return fs
}

// printUsage prints the usage line of the command c and its flags.
func printUsage(w io.Writer, c command) {
	usage := c.usage
	if cmdUsage != "" {
		usage = cmdUsage
	}
	fmt.Fprintf(w, "usage: syscope %s\n", usage)
	if cmdFlags != nil {
		cmdFlags.SetOutput(w)
		cmdFlags.PrintDefaults()
	}
	if goUsage[c.name] != "" {
		fmt.Fprintf(w, "The other flags are the go command's: go help %s\n", c.name)
	}
}

// errUsage makes main print the command's usage line and exit 2.
var errUsage = errors.New("usage")

// usageError is a usage error with a message: main prints the message,
// then the usage line, and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error whose message is the formatted string.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}
