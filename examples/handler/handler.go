// Package handler is the code under test of the scope example
// (handler_test.go): two HTTP handlers, one that answers from memory and
// one that blocks in a system call, as a handler waiting on a slow disk or
// a pipe does.
package handler

import (
	"net/http"
	"os"
	"syscall"
	"time"
)

// Hello answers from memory after a stat(2) of the working directory.
func Hello(w http.ResponseWriter, r *http.Request) {
	if _, err := os.Stat("."); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write([]byte("hello\n"))
}

// Blocking waits in read(2) on a pipe that another goroutine writes to
// after d: the goroutine sits in the kernel holding its P until sysmon
// takes it.
func Blocking(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer syscall.Close(p[0])
		defer syscall.Close(p[1])
		time.AfterFunc(d, func() { syscall.Write(p[1], []byte{1}) })
		b := make([]byte, 1)
		syscall.Read(p[0], b)
		w.Write([]byte("slow\n"))
	}
}
