package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/report"
)

const diffUsage = "diff [-format text|json] old.json new.json | diff [-format text|json] DIR"

// runDiff prints what happened in one process between two of its dumps,
// with report's table and events.
func runDiff(args []string) error {
	fs := newFlags("diff", diffUsage)
	format := fs.String("format", "text", "output `format`: text or json")
	if fs.Parse(args) != nil || fs.NArg() < 1 || fs.NArg() > 2 {
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return usagef("unknown -format %q (want text or json)", *format)
	}
	var srcs []dump.Source
	if fs.NArg() == 1 {
		var err error
		if srcs, err = lastTwo(fs.Arg(0)); err != nil {
			return err
		}
	} else {
		oldPath, newPath := fs.Arg(0), fs.Arg(1)
		for _, p := range []string{oldPath, newPath} {
			d, err := dump.Read(p) // its errors start with the path
			if err != nil {
				return fmt.Errorf("cannot diff %s and %s: %w", oldPath, newPath, err)
			}
			srcs = append(srcs, dump.Source{Path: p, Dump: d})
		}
	}
	d, err := dump.Diff(srcs[0], srcs[1])
	if err != nil {
		return err
	}
	var absent *dump.AbsentError
	if err := d.Check(); err != nil && !errors.As(err, &absent) {
		log.Printf("warning: %v", err)
	}
	if *format == "json" {
		return report.JSON(os.Stdout, d)
	}
	return report.Text(os.Stdout, d)
}

// lastTwo returns the last two dumps in dir of the process that started
// last: the dumps SYSCOPE_KEEP keeps beside SYSCOPE_OUT, and the dump
// itself. Every *.json file in dir must be a dump; two files of one seq
// (the dump and the snapshot kept under its own name) count once.
func lastTwo(dir string) ([]dump.Source, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, usagef("%s is not a directory: diff takes two dumps, or a directory of them", dir)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	type proc struct{ pid, start int64 }
	bySeq := map[proc]map[uint64]dump.Source{}
	var last proc
	for _, name := range names {
		d, err := dump.Read(name) // its errors start with the path
		if err != nil {
			return nil, fmt.Errorf("cannot diff %s: %w", dir, err)
		}
		if d.PID == nil || d.StartUnixNS == nil || d.Seq == nil {
			return nil, fmt.Errorf("cannot diff %s: %s has no pid, start_unix_ns or seq (written by an older syscope)", dir, name)
		}
		p := proc{*d.PID, *d.StartUnixNS}
		if bySeq[p] == nil {
			bySeq[p] = map[uint64]dump.Source{}
		}
		if _, dup := bySeq[p][*d.Seq]; !dup || !d.IsSnapshot() {
			bySeq[p][*d.Seq] = dump.Source{Path: name, Dump: d} // the dump's own name before a kept copy's
		}
		if p.start > last.start || p.start == last.start && p.pid > last.pid {
			last = p
		}
	}
	seqs := make([]uint64, 0, len(bySeq[last]))
	for s := range bySeq[last] {
		seqs = append(seqs, s)
	}
	if len(seqs) < 2 {
		return nil, fmt.Errorf("cannot diff %s: it holds %d dumps of the last process (pid %d), need two; SYSCOPE_INTERVAL with SYSCOPE_KEEP=N keeps the last N snapshots there", dir, len(seqs), last.pid)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	return []dump.Source{bySeq[last][seqs[len(seqs)-2]], bySeq[last][seqs[len(seqs)-1]]}, nil
}
