// This program passes a value back and forth between two goroutines locked
// to their threads: every hand-off wakes the other thread and parks this
// one, through the runtime's futex.
package main

import (
	"os"
	"runtime"
	"strconv"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	ping, pong := make(chan int), make(chan int)
	go func() {
		runtime.LockOSThread()
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	runtime.LockOSThread()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	close(ping)
}
