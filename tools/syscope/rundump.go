package main

import (
	"log"
	"os"
	"sort"
	"strings"
)

// dumpBefore returns, for syscope run, the dump file SYSCOPE_OUT names
// and what is there before the program runs.
func dumpBefore(verb string) (*dumpWatch, error) {
	path := os.Getenv("SYSCOPE_OUT")
	if verb != "run" || path == "" || os.Getenv("SYSCOPE") == "off" {
		return nil, nil
	}
	w := &dumpWatch{path: path}
	w.before, _ = os.Stat(path)
	if isOutDir(path, w.before) {
		names, err := dumpNames(path)
		if err != nil {
			return nil, err
		}
		w.dir, w.names = true, names
	}
	return w, nil
}

// dumpWatch is what SYSCOPE_OUT held before a program ran: the file, or
// the dumps in the directory.
type dumpWatch struct {
	path   string
	before os.FileInfo
	dir    bool
	names  map[string]bool
}

// isOutDir reports whether SYSCOPE_OUT=path names a directory, as the
// runtime reads it: path ends in "/" or is a directory (fi, from Stat).
func isOutDir(path string, fi os.FileInfo) bool {
	return strings.HasSuffix(path, "/") || fi != nil && fi.IsDir()
}

// warnNoDump warns when the program run left no new dump where
// SYSCOPE_OUT says. The runtime renames a new file into place, so a dump
// it wrote is never the file that was there before; in a directory, it
// is a file that was not there.
func (w *dumpWatch) warnNoDump() {
	if w.dir {
		if names, err := dumpNames(w.path); err == nil && len(newNames(names, w.names)) == 0 {
			log.Printf("warning: the program wrote no dump in the directory %s (SYSCOPE_OUT). It writes one when main returns or it calls os.Exit, not when a signal kills it or it runs setuid", w.path)
		}
		return
	}
	after, err := os.Stat(w.path)
	if err == nil && (w.before == nil || !os.SameFile(w.before, after)) {
		return
	}
	log.Printf("warning: the program wrote no dump to %s (SYSCOPE_OUT). It writes one when main returns or it calls os.Exit, not when a signal kills it or it runs setuid", w.path)
}

// dumpNames returns the names of the *.json files in dir.
func dumpNames(dir string) (map[string]bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") && !e.IsDir() {
			names[e.Name()] = true
		}
	}
	return names, nil
}

// newNames returns the names in now that are not in before, sorted.
func newNames(now, before map[string]bool) []string {
	var n []string
	for name := range now {
		if !before[name] {
			n = append(n, name)
		}
	}
	sort.Strings(n)
	return n
}
