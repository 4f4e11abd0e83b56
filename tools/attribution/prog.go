package main

// prog is the measured program: "prog PATTERN" runs one pattern of
// goroutines that block in system calls or cgo calls, each inside a
// function of its own (the patterns' funcs), and prints "done". It
// builds with every supported release (go1.16's library). progCgo adds
// the cgo pattern where cgo is enabled; the other patterns run in a build
// without cgo, as a service without C has no thread that cgo starts
// (the template thread).
const prog = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

//go:noinline
func blockRead(fd int) {
	var b [1]byte
	syscall.Read(fd, b[:])
}

//go:noinline
func appendSync(f *os.File) {
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
			f, err := os.Create(filepath.Join(dir, fmt.Sprint(i)))
			if err != nil {
				panic(err)
			}
			wg.Add(1)
			go func() { defer wg.Done(); appendSync(f) }()
		}
	case "http":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlerSleep()
			io.WriteString(w, "ok")
		}))
		cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					resp, err := cl.Get("http://" + ln.Addr().String())
					if err != nil {
						panic(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
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
