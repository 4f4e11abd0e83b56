// Percall breaks what syscope adds to one system call into its parts,
// on this machine, and writes the table to a file (docs/percall.md).
//
// Usage:
//
//	go run ./tools/percall [-o file] [-rounds n]
//
// It builds tools/bench/progs/getpid (1,000,000 getpid calls through
// syscall.Syscall) with the local toolchain, vanilla and with syscope,
// and runs it -rounds times (default 20), interleaving vanilla,
// instrumented at the default profile rate, with SYSCOPE_PROFILE_RATE=0,
// and with SYSCOPE=off; the table gives each one's median ns per call
// and what it adds to vanilla's.
//
// Then it times the parts of the recorder (runtime/syscope_amd64.s),
// each alone in a loop of its instructions (parts_amd64.s), less an
// empty loop's time: the clock (an RDTSC before the call and one after),
// the slot (the goroutine's status, the slot's address from the trap and
// its key), the histogram (total, max and the bucket of the call's
// ticks) and sampling (the block profile's rule: an xorshift step, a
// multiply and a compare, which every call makes while stacks are
// profiled). Alone in a loop a part costs what it costs at the rate the
// CPU can issue it; beside a system call some of it overlaps the
// kernel's work, so the parts bound, rather than add up to, what the
// recorder adds. The budget line is 5% of vanilla's call.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/syscope/syscope/internal/measure"
	"github.com/syscope/syscope/releases"
)

// state is what the part loops work on (parts_amd64.s reaches its fields
// through go_asm.h).
type state struct {
	n, ticks, dt, rate, rand, sampled uint64
	status, open                      uint8
	_                                 [6]byte
	slots                             [16 * 1024]byte
}

func loopEmpty(n int, s *state)
func loopClock(n int, s *state)
func loopSlot(n int, s *state)
func loopHist(n int, s *state)
func loopSample(n int, s *state)

const calls = 1000000

func main() {
	log.SetFlags(0)
	log.SetPrefix("percall: ")
	out := flag.String("o", "docs/percall.md", "write the table to `file`")
	rounds := flag.Int("rounds", 20, "interleaved runs of each build")
	flag.Parse()
	if *rounds < 1 || flag.NArg() > 0 {
		log.Fatal("usage: go run ./tools/percall [-o file] [-rounds n]")
	}
	tc, err := releases.Get(releases.Local)
	check(err)
	dir, err := os.MkdirTemp("", "syscope-percall-")
	check(err)
	defer os.RemoveAll(dir)
	bin := func(s string) string { return filepath.Join(dir, s) }
	run("go", "build", "-o", bin("syscope"), "./tools/syscope")
	run("go", "build", "-o", bin("vanilla"), "./tools/bench/progs/getpid")
	run(bin("syscope"), "build", "-o", bin("instr"), "./tools/bench/progs/getpid")

	builds := []struct {
		name, bin string
		env       []string
	}{
		{"vanilla", "vanilla", nil},
		{"syscope (default rate)", "instr", nil},
		{"SYSCOPE_PROFILE_RATE=0", "instr", []string{"SYSCOPE_PROFILE_RATE=0"}},
		{"SYSCOPE=off", "instr", []string{"SYSCOPE=off"}},
	}
	load := measure.LoadAvg()
	ns := make([][]float64, len(builds))
	for r := 0; r < *rounds; r++ {
		for i, b := range builds {
			ns[i] = append(ns[i], getpid(bin(b.bin), b.env))
		}
	}
	doc := &measure.Doc{Title: "What syscope adds to a call, by part", Command: strings.TrimSpace("go run ./tools/percall " + strings.Join(os.Args[1:], " "))}
	doc.AddToolchain(releases.Local, tc.Release)
	w := &doc.Body
	fmt.Fprintf(w, "The getpid loop (1,000,000 calls through syscall.Syscall), %d interleaved runs of each build; the median ns per call:\n\n```\n", *rounds)
	van := median(ns[0])
	fmt.Fprintf(w, "%-24s %8s %8s %8s\n", "build", "ns/call", "+ns", "ratio")
	for i, b := range builds {
		m := median(ns[i])
		fmt.Fprintf(w, "%-24s %8.1f %+8.1f %8.3f\n", b.name, m, m-van, m/van)
	}
	fmt.Fprintf(w, "```\n\nThe budget of 1.05x vanilla is %.1f ns a call. The recorder's parts, each timed alone in a loop (ns per call, the median of 5 runs less an empty loop's):\n\n```\n", 0.05*van)
	s := &state{status: 3, rate: 1 << 31, rand: 88172645463325252, dt: 700}
	binary := func(f func(int, *state)) float64 {
		var t []float64
		for i := 0; i < 5; i++ {
			r := testing.Benchmark(func(b *testing.B) { f(b.N, s) })
			t = append(t, float64(r.T.Nanoseconds())/float64(r.N))
		}
		return median(t)
	}
	empty := binary(loopEmpty)
	parts := []struct {
		name string
		f    func(int, *state)
	}{
		{"clock (2 RDTSC)", loopClock},
		{"slot", loopSlot},
		{"histogram", loopHist},
		{"sampling", loopSample},
	}
	var sum float64
	for _, p := range parts {
		d := binary(p.f) - empty
		sum += d
		fmt.Fprintf(w, "%-24s %8.1f\n", p.name, d)
	}
	fmt.Fprintf(w, "%-24s %8.1f\n```\n\nThe load average was %s as the runs started and %s as the parts ended.\n", "sum", sum, load, measure.LoadAvg())
	os.Stdout.Write(doc.Body.Bytes())
	check(doc.Write(*out))
}

// getpid runs the getpid loop once and returns its ns per call.
func getpid(bin string, env []string) float64 {
	cmd := exec.Command(bin, strconv.Itoa(calls), "wall")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s: %v", bin, err)
	}
	f := strings.Fields(string(out))
	if len(f) != 4 || f[3] != "ns/op" {
		log.Fatalf("%s: unexpected output %q", bin, out)
	}
	v, err := strconv.ParseFloat(f[2], 64)
	check(err)
	return v
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
