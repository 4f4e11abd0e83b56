// This program makes N getpid system calls through syscall.Syscall,
// printing their time per call in benchmark format given a second argument
// ("wall"), under runtime/trace given a third ("trace").
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strconv"
	"syscall"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	if len(os.Args) > 3 && os.Args[3] == "trace" {
		trace.Start(io.Discard)
		defer trace.Stop()
	}
	t := time.Now()
	for i := 0; i < n; i++ {
		syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
	}
	if len(os.Args) > 2 {
		fmt.Printf("BenchmarkGetpid-2 %d %.1f ns/op\n", n, float64(time.Since(t).Nanoseconds())/float64(n))
	}
}
