package main

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/syscope/syscope/dump"
	"github.com/syscope/syscope/pprof"
)

const pprofUsage = "pprof [-o file] dump.json"

func runPprof(args []string) error {
	fs := newFlags("pprof", pprofUsage)
	out := fs.String("o", "", "write the profile to `file`, - for standard output (default: the dump's name with .pb.gz for .json)")
	if fs.Parse(args) != nil || fs.NArg() != 1 {
		return errUsage
	}
	in := fs.Arg(0)
	if *out == "" {
		*out = profileName(in)
	}
	d, err := dump.Read(in)
	if errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("%v\nno dump there; syscope report DUMP says what keeps a program from writing one", err)
	}
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := pprof.Write(&b, d); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if *out == "-" {
		if fi, err := os.Stdout.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return errors.New("standard output is a terminal: the profile is gzipped protobuf; redirect it or use -o file")
		}
		_, err := os.Stdout.Write(b.Bytes())
		return err
	}
	if err := writeFile(*out, b.Bytes()); err != nil {
		return err
	}
	fmt.Println(*out)
	return nil
}

// profileName is the default profile file of a dump: beside it, its name
// with .pb.gz in place of .json (syscope.json: syscope.pb.gz), or added
// when the name does not end in .json.
func profileName(dumpFile string) string {
	return strings.TrimSuffix(dumpFile, ".json") + ".pb.gz"
}

// writeFile writes data to a temporary file beside name and renames it
// into place, so that name is either the whole profile or untouched.
func writeFile(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", name, err)
	}
	return nil
}
