// Package measure writes the docs/ files that measuring tools produce
// (docs/bench.md from tools/bench, docs/versions.md from tools/versions):
// each says when, on what machine and with which toolchains its figures
// were taken, and is replaced whole, so it is regenerated, never edited.
package measure

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Machine describes the machine a measurement runs on.
type Machine struct {
	CPUs   int    // logical CPUs this process may use (nproc)
	CPU    string // model name from /proc/cpuinfo
	Kernel string // kernel release (uname -r)
}

// ThisMachine reads the machine's description; what it cannot read says
// "unknown".
func ThisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), CPU: "unknown", Kernel: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	return m
}

// LoadAvg is /proc/loadavg's first three fields, "unknown" if unreadable:
// what else the machine ran while a figure was taken.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func (m Machine) String() string {
	return fmt.Sprintf("%d CPUs (nproc), %s, Linux %s", m.CPUs, m.CPU, m.Kernel)
}

// Doc is a generated Markdown file.
type Doc struct {
	Title      string
	Command    string   // the make target or command that writes it
	Toolchains []string // e.g. "local = go1.26.8"
	Body       bytes.Buffer
}

// AddToolchain lists a toolchain measured, named as the command line
// named it: a release as itself, a role as "local = go1.26.8".
func (d *Doc) AddToolchain(name, release string) {
	if name == release {
		d.Toolchains = append(d.Toolchains, release)
	} else {
		d.Toolchains = append(d.Toolchains, name+" = "+release)
	}
}

// Bytes renders the document with its header: title, the command that
// regenerates it, the date, the machine and the toolchains.
func (d *Doc) Bytes(now time.Time, m Machine) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	fmt.Fprintf(&b, "Written by `%s`; regenerate it with that command rather than editing it.\n\n", d.Command)
	fmt.Fprintf(&b, "- Date: %s\n", now.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Machine: %s\n", m)
	fmt.Fprintf(&b, "- Toolchains: %s\n\n", strings.Join(d.Toolchains, ", "))
	b.Write(d.Body.Bytes())
	return b.Bytes()
}

// Write replaces path with the document atomically: it writes a
// temporary file beside it and renames it over path, so a reader sees
// the old file or the new one, and a failed run leaves the old one.
func (d *Doc) Write(path string) error {
	data := d.Bytes(time.Now(), ThisMachine())
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Run runs name with args in dir, with env added to the environment, and
// returns its combined output; its error names the command and holds the
// output.
func Run(dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %v (%v)\n%s", name, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out)
	}
	return out, nil
}
