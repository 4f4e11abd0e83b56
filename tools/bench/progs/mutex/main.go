// This program contends one sync.Mutex from two goroutines on two Ps: the
// lock-heavy case, where the runtime sleeps and wakes through futex.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(2)
	n, _ := strconv.Atoi(os.Args[1])
	var mu sync.Mutex
	var wg sync.WaitGroup
	shared := 0
	t := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/2; i++ {
				mu.Lock()
				shared++
				for j := 0; j < 50; j++ {
					shared += j
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(os.Args) > 2 {
		fmt.Printf("BenchmarkMutex-2 %d %.1f ns/op\n", n, float64(time.Since(t).Nanoseconds())/float64(n))
	}
}
