// gen writes the files made from the events table (runtime/zsyscope_events.go
// and docs/events.md) under the module root given as its argument.
//
// Usage: go run ./gen ROOT (go generate ./internal/events runs it).
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/syscope/syscope/internal/events"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("events/gen: ")
	if len(os.Args) != 2 {
		log.Fatal("usage: gen ROOT")
	}
	root := os.Args[1]
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		log.Fatalf("%s is not the module root: %v", root, err)
	}
	files, err := events.Generate(events.All)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(f.Path)), f.Data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
