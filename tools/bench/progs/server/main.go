// This program serves a fixed 4096-byte body on 127.0.0.1:0, prints its
// address and stops when its standard input closes (under runtime/trace
// with the argument "trace").
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/trace"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "trace" {
		trace.Start(io.Discard)
		defer trace.Stop()
	}
	body := make([]byte, 4096)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(l, nil)
	fmt.Println(l.Addr())
	io.Copy(io.Discard, os.Stdin)
}
