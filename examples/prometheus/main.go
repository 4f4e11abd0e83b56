// Command prometheus serves syscope's runtime/metrics through Prometheus'
// Go collector: built with syscope's overlay, its /metrics holds the
// go_syscope_* series (events, per-path calls, errors and latency
// histograms) next to the Go runtime's own.
//
//	syscope build -o promdemo ./examples/prometheus
//	SYSCOPE_OUT=dump.json ./promdemo &     # prints its address
//	curl -s http://ADDR/metrics | grep go_syscope_
//
// The only change a service needs is the collector's rule for /syscope/:
//
//	collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
//		collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/syscope/`)}))
//
// For the end-to-end test (examples/prometheus_test.go) it also blocks two
// goroutines in read(2) and serves /metrics/final, which gathers (until
// two gathers agree), sends the text with raw write(2)s and exits with
// their number as its status, so that the dump written at exit holds
// what that scrape read and nothing else but those writes.
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
)

func main() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
		collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/syscope/`)})))

	// Work for the series to show: syscalls, one failing, and two
	// goroutines blocked in read(2), in flight until the end.
	for i := 0; i < 100; i++ {
		syscall.Syscall(syscall.SYS_GETPID, 0, 0, 0)
	}
	if _, err := os.Open("/nonexistent/promdemo"); err == nil {
		fail("opened /nonexistent/promdemo")
	}
	for i := 0; i < 2; i++ {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			fail("pipe: %v", err)
		}
		go func(fd int) {
			b := make([]byte, 1)
			syscall.Read(fd, b)
		}(p[0])
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(ln.Addr())
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/metrics/final", func(w http.ResponseWriter, r *http.Request) { final(w, reg) })
	fail("%v", http.Serve(ln, mux))
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "promdemo: "+format+"\n", args...)
	os.Exit(100)
}

// final takes the connection from net/http, so that no goroutine of the
// server makes a system call after the gather, gathers, writes the
// response with raw write(2)s on the socket and exits with their number.
func final(w http.ResponseWriter, reg *prometheus.Registry) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		fail("hijack: %v", err)
	}
	tc := conn.(*net.TCPConn)
	if err := tc.SetWriteBuffer(4 << 20); err != nil {
		fail("%v", err)
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		fail("%v", err)
	}
	// One P from here: with no idle P, no goroutine the gathers start
	// (or a timer, or the netpoller) can wake a new M, so no thread is
	// made after the last gather (make test beside two CPU hogs: one
	// was, thread_create 5 scraped and 6 in the dump, 1 run of 10).
	runtime.GOMAXPROCS(1)
	// A Read does not stop the world: a thread that folds a slot of its
	// counters meanwhile (here the netpoller's epoll_pwait, on the raw
	// path) can leave calls out of it for that Read. Gather until two
	// gathers in a row agree on the events and the syscall path, which
	// nothing here moves any more.
	var body []byte
	var last string
	for try := 0; ; try++ {
		b, err := gather(reg)
		if err != nil {
			fail("gather: %v", err)
		}
		body = b
		key := stable(b)
		if key == last || try == 20 {
			break
		}
		last = key
	}
	var head []byte
	head = fmt.Appendf(head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	msg := append(head, body...)
	writes := 0
	rc.Control(func(fd uintptr) {
		for len(msg) > 0 {
			writes++
			n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg)))
			if e == syscall.EAGAIN {
				continue
			}
			if e != 0 {
				os.Exit(101)
			}
			msg = msg[n:]
		}
	})
	if writes > 99 {
		os.Exit(102)
	}
	os.Exit(writes)
}

// gather is one scrape's text.
func gather(reg *prometheus.Registry) ([]byte, error) {
	mfs, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// stable is the series of a scrape that no raw or runtime call moves.
func stable(text []byte) string {
	var keep []string
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(line, "go_syscope_events_") || strings.HasPrefix(line, "go_syscope_syscalls_syscall_") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
