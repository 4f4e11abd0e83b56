// This program starts 2,000 goroutines, each locked to its thread and
// blocked on a channel, waits until /proc/self/status counts at least
// 2,000 threads and prints that status's Threads and VmRSS (KiB).
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
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
	block := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			<-block
		}()
	}
	deadline := time.Now().Add(time.Minute)
	for status("Threads") < n {
		if time.Now().After(deadline) {
			panic(fmt.Sprintf("only %d threads after a minute", status("Threads")))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the last threads settle into their sleep
	fmt.Printf("threads %d rss %d\n", status("Threads"), status("VmRSS"))
	close(block)
}
