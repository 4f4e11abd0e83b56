// This program reads 4 KiB at a time from /dev/zero through an *os.File: the
// syscall path with the poller's fd locking and os's error handling
// around each read(2).
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strconv"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	if len(os.Args) > 2 && os.Args[2] == "trace" {
		trace.Start(io.Discard)
		defer trace.Stop()
	}
	f, err := os.Open("/dev/zero")
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 4096)
	t := time.Now()
	for i := 0; i < n; i++ {
		if _, err := f.Read(buf); err != nil {
			panic(err)
		}
	}
	fmt.Printf("BenchmarkRead4K-2 %d %.1f ns/op\n", n, float64(time.Since(t).Nanoseconds())/float64(n))
}
