package main

// prog is the measured program: "prog PATTERN" prints "start N", the
// threads the runtime made before main.main (the kernel's count of the
// process's threads, less the first), runs one pattern of goroutines that
// block in system calls or cgo calls, each inside a function of its own
// (the patterns' funcs), and prints "done". Its only system calls outside
// those functions are the count's and its line's, raw, and the http
// pattern's server's: that pattern's clients are a second process, "prog
// http-client ADDR", as a service's clients are. It builds with every
// supported release (go1.16's library). progCgo adds the cgo pattern
// where cgo is enabled; the other patterns run in a build without cgo, as
// a service without C has no thread that cgo starts (the template
// thread).
const prog = `package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// startThreads is the kernel's count of this process's threads less the
// first: the threads the runtime made before main.main. Its system calls
// are raw: one that sysmon retook could make a thread of its own.
func startThreads() int {
	path := []byte("/proc/self/status\x00")
	fd, _, e := syscall.RawSyscall(syscall.SYS_OPEN, uintptr(unsafe.Pointer(&path[0])), syscall.O_RDONLY, 0)
	if e != 0 {
		panic(e)
	}
	var b []byte
	var buf [4096]byte
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if e != 0 {
			panic(e)
		}
		if n == 0 {
			break
		}
		b = append(b, buf[:n]...)
	}
	syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	i := bytes.Index(b, []byte("\nThreads:"))
	if i < 0 {
		panic("no Threads in /proc/self/status")
	}
	f := bytes.Fields(b[i+len("\nThreads:"):])
	n, err := strconv.Atoi(string(f[0]))
	if err != nil {
		panic(err)
	}
	return n - 1
}

//go:noinline
func blockRead(fd int) {
	var b [1]byte
	syscall.Read(fd, b[:])
}

//go:noinline
func appendSync(name string) {
	f, err := os.Create(name)
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 4096)
	for i := 0; i < 40; i++ {
		f.Write(buf)
		f.Sync()
	}
	f.Close()
}

//go:noinline
func handlerSleep() {
	ts := syscall.Timespec{Nsec: 20e6}
	syscall.Nanosleep(&ts, nil)
}

//go:noinline
func readLong(fd int) {
	var b [1]byte
	syscall.Read(fd, b[:])
}

//go:noinline
func readShort(fd int) {
	var b [1]byte
	syscall.Read(fd, b[:])
}

// cgoPattern runs the cgo pattern where cgo is enabled (cgo.go).
var cgoPattern func(wg *sync.WaitGroup)

func main() {
	if os.Args[1] == "http-client" {
		httpClient(os.Args[2])
		return
	}
	line := []byte(fmt.Sprintf("start %d\n", startThreads()))
	syscall.RawSyscall(syscall.SYS_WRITE, 1, uintptr(unsafe.Pointer(&line[0])), uintptr(len(line)))
	runtime.GOMAXPROCS(2)
	var wg sync.WaitGroup
	switch os.Args[1] {
	case "read":
		r, w, err := os.Pipe()
		if err != nil {
			panic(err)
		}
		fd := int(r.Fd()) // once: Fd sets the pipe blocking with fcntl(2)
		for i := 0; i < 24; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); blockRead(fd) }()
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		w.Write(make([]byte, 24))
	case "fsync":
		dir, err := os.MkdirTemp("", "syscope-attribution-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		for i := 0; i < 16; i++ {
			name := filepath.Join(dir, fmt.Sprint(i))
			wg.Add(1)
			go func() { defer wg.Done(); appendSync(name) }()
		}
	case "http":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		quit := make(chan struct{})
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/quit" {
				close(quit)
				return
			}
			handlerSleep()
			io.WriteString(w, "ok")
		}))
		fmt.Println("listening", ln.Addr())
		<-quit
	case "cgo":
		if cgoPattern == nil {
			fmt.Fprintln(os.Stderr, "built without cgo")
			os.Exit(2)
		}
		cgoPattern(&wg)
	case "mixed":
		for i := 0; i < 24; i++ {
			r, w, err := os.Pipe()
			if err != nil {
				panic(err)
			}
			long, fd := i%2 == 0, int(r.Fd())
			wg.Add(1)
			go func() {
				defer wg.Done()
				if long {
					readLong(fd)
				} else {
					readShort(fd)
				}
			}()
			go func() {
				if long {
					time.Sleep(300 * time.Millisecond)
				} else {
					time.Sleep(30 * time.Millisecond)
				}
				w.Write([]byte{1})
			}()
			time.Sleep(2 * time.Millisecond)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown pattern", os.Args[1])
		os.Exit(2)
	}
	wg.Wait()
	fmt.Println("done")
}

// httpClient makes 64 clients' 10 requests each to the http pattern's
// server at addr, then asks it to quit.
func httpClient(addr string) {
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(path string) {
		resp, err := cl.Get("http://" + addr + path)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				get("/")
			}
		}()
	}
	wg.Wait()
	get("/quit")
}
`

const progCgo = `package main

/*
#include <unistd.h>
static void cblock(void) { usleep(20000); }
*/
import "C"

import (
	"sync"
	"time"
)

//go:noinline
func cgoBlock() { C.cblock() }

func init() {
	cgoPattern = func(wg *sync.WaitGroup) {
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 5; j++ {
					cgoBlock()
				}
			}()
			time.Sleep(2 * time.Millisecond)
		}
	}
}
`
