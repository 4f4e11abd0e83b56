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
// goroutines in read(2) and serves /metrics/final, which gathers once,
// sends the text with raw write(2)s and exits with their number as its
// status, so that the dump written at exit holds what that scrape read
// and nothing else but those writes.
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
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
	var body bytes.Buffer
	var head []byte
	mfs, err := reg.Gather() // the metrics.Read the dump is compared with
	if err == nil {
		enc := expfmt.NewEncoder(&body, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, mf := range mfs {
			if err = enc.Encode(mf); err != nil {
				break
			}
		}
	}
	if err != nil {
		fail("gather: %v", err)
	}
	head = fmt.Appendf(head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", body.Len())
	msg := append(head, body.Bytes()...)
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
