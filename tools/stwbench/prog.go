package main

// prog is the measured program: "prog G T" starts G goroutines parked on
// a channel and T goroutines that each lock their thread
// (runtime.LockOSThread) and block in read(2) on one pipe, so that T OS
// threads sit in a system call. Once /proc/self/status counts at least T
// threads and every reader has entered its read, it reads the runtime's
// non-GC stop-the-world histogram and prints "ready"; when a line comes
// on its standard input it reads the histogram again and prints the
// difference (the pauses between the two reads), then closes the pipe's
// write end, lets every goroutine finish and returns. It makes no call
// that stops the world itself (no ReadMemStats, no GOMAXPROCS), so the
// snapshots are the only non-GC pauses it has.
//
// "prog G T live N" measures the live profile instead: once ready, it
// writes runtime/pprof's "syscope" profile N times, 20ms apart, and
// prints "scrape WALLNS CPUNS BYTES" for each (CPU from getrusage, the
// whole process), then the pauses as above, without waiting for a line.
const prog = `package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

const pauses = "/sched/pauses/total/other:seconds"

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

// hist reads the pause histogram, nil on a release without it.
func hist() *metrics.Float64Histogram {
	for _, d := range metrics.All() {
		if d.Name != pauses {
			continue
		}
		s := []metrics.Sample{{Name: pauses}}
		metrics.Read(s)
		if s[0].Value.Kind() != metrics.KindFloat64Histogram {
			panic(pauses + " is not a Float64Histogram")
		}
		return s[0].Value.Float64Histogram()
	}
	return nil
}

func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scrapes writes the live profile n times and prints what each cost.
func scrapes(arg string) {
	n, err := strconv.Atoi(arg)
	if err != nil {
		panic("usage: prog GOROUTINES THREADS live N")
	}
	p := pprof.Lookup("syscope")
	if p == nil {
		panic("no syscope profile: not an instrumented build")
	}
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		buf.Reset()
		c0, t0 := cpu(), time.Now()
		if err := p.WriteTo(&buf, 0); err != nil {
			panic(err)
		}
		wall, c := time.Since(t0), cpu()-c0
		fmt.Printf("scrape %d %d %d\n", wall.Nanoseconds(), c.Nanoseconds(), buf.Len())
		time.Sleep(20 * time.Millisecond)
	}
}

func main() {
	gs, err1 := strconv.Atoi(os.Args[1])
	ts, err2 := strconv.Atoi(os.Args[2])
	if err1 != nil || err2 != nil {
		panic("usage: prog GOROUTINES THREADS [live N]")
	}
	park := make(chan struct{})
	parked := make(chan struct{}, gs)
	for i := 0; i < gs; i++ {
		go func() {
			parked <- struct{}{}
			<-park
			parked <- struct{}{}
		}()
	}
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		panic(err)
	}
	var reading int32
	done := make(chan struct{}, ts)
	for i := 0; i < ts; i++ {
		go func() {
			runtime.LockOSThread()
			var b [1]byte
			atomic.AddInt32(&reading, 1)
			if n, err := syscall.Read(p[0], b[:]); n != 0 || err != nil {
				panic(fmt.Sprintf("read of the pipe: %d bytes, %v", n, err))
			}
			done <- struct{}{}
		}()
	}
	for i := 0; i < gs; i++ {
		<-parked
	}
	deadline := time.Now().Add(time.Minute)
	for status("Threads") < ts || int(atomic.LoadInt32(&reading)) < ts {
		if time.Now().After(deadline) {
			panic(fmt.Sprintf("only %d threads, %d readers after a minute", status("Threads"), atomic.LoadInt32(&reading)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the last readers settle into read(2)
	before := hist()
	fmt.Printf("ready threads %d goroutines %d\n", status("Threads"), runtime.NumGoroutine())
	if len(os.Args) == 5 && os.Args[3] == "live" {
		scrapes(os.Args[4])
	} else if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		panic(fmt.Sprintf("reading the stop line: %v", err))
	}
	after := hist()
	fmt.Printf("end threads %d\n", status("Threads"))
	if after == nil {
		fmt.Println("nopauses")
	} else {
		var lines []string
		for i, c := range after.Counts {
			if c -= before.Counts[i]; c != 0 {
				lines = append(lines, fmt.Sprintf("b %g %g %d", after.Buckets[i], after.Buckets[i+1], c))
			}
		}
		fmt.Printf("pauses %d\n", len(lines))
		for _, l := range lines {
			fmt.Println(l)
		}
	}
	syscall.Close(p[1]) // every read returns 0
	for i := 0; i < ts; i++ {
		<-done
	}
	close(park)
	for i := 0; i < gs; i++ {
		<-parked
	}
}
`
