// This program starts 2,000 goroutines, each blocked in read(2) on a pipe
// of its own (syscall.Read on a blocking descriptor, so each holds its
// thread in the kernel and sysmon hands its P to another), waits until
// /proc/self/status counts at least 2,000 threads and prints that
// status's Threads and VmRSS (KiB).
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

func status(field string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		panic(err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) >= 2 && string(f[0]) == field+":" {
			v, _ := strconv.Atoi(string(f[1]))
			return v
		}
	}
	panic("no " + field + " in /proc/self/status")
}

func main() {
	const n = 2000
	// Two descriptors a pipe: raise the soft limit to the hard one, as
	// go1.19 and later do at start-up and go1.16 to go1.18 do not.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		panic(err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		panic(err)
	}
	for i := 0; i < n; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			panic(err)
		}
		go func(fd int) {
			var b [1]byte
			syscall.Read(fd, b[:])
		}(p[0])
	}
	deadline := time.Now().Add(time.Minute)
	for status("Threads") < n {
		if time.Now().After(deadline) {
			panic(fmt.Sprintf("only %d threads after a minute", status("Threads")))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the last threads settle into their read
	fmt.Printf("threads %d rss %d\n", status("Threads"), status("VmRSS"))
}
