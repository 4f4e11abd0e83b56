// This program, always built vanilla, starts the server binary it is given
// (its environment passes on), makes n GET requests from 8 goroutines
// over keep-alive connections, reading each body fully, and prints the
// time per request and the requests per second; then it closes the
// server's standard input and waits for it to exit.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const conc = 8

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	srv := exec.Command(os.Args[1], os.Args[3:]...)
	srv.Stderr = os.Stderr
	in, err := srv.StdinPipe()
	if err != nil {
		panic(err)
	}
	out, err := srv.StdoutPipe()
	if err != nil {
		panic(err)
	}
	if err := srv.Start(); err != nil {
		panic(err)
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		panic(fmt.Sprintf("server printed no address: %v", err))
	}
	url := "http://" + strings.TrimSpace(addr) + "/"
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}}
	get := func() {
		resp, err := c.Get(url)
		if err != nil {
			panic(err)
		}
		m, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || m != 4096 || resp.StatusCode != 200 {
			panic(fmt.Sprintf("GET %s: status %d, %d bytes, %v", url, resp.StatusCode, m, err))
		}
	}
	for i := 0; i < conc; i++ { // open the connections before the clock starts
		get()
	}
	var next int64
	var wg sync.WaitGroup
	t := time.Now()
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for atomic.AddInt64(&next, 1) <= int64(n) {
				get()
			}
		}()
	}
	wg.Wait()
	d := time.Since(t)
	in.Close()
	if err := srv.Wait(); err != nil {
		panic(fmt.Sprintf("server: %v", err))
	}
	cpu := srv.ProcessState.UserTime() + srv.ProcessState.SystemTime()
	fmt.Printf("BenchmarkHTTP4K-2 %d %.1f ns/op %.1f req/s %.1f server-cpu-ns/op\n", n, float64(d.Nanoseconds())/float64(n), float64(n)/d.Seconds(), float64(cpu.Nanoseconds())/float64(n))
}
