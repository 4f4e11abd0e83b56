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
// recorder adds. So it times them beside a real call too: getpid(2) by
// SYSCALL in a loop of its own, bare, between the clock's two reads, and
// with every part, with nothing of the Go runtime around it. The budget
// line is 5% of vanilla's call.
package main

import (
	"encoding/binary"
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
	"time"

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
func loopGetpid(n int, s *state)
func loopGetpidClock(n int, s *state)
func loopGetpidAll(n int, s *state)

// getpidKey sets s's slot for getpid's trap (39, at 39*1024 & 15*1024)
// to its key, so that loopGetpidAll finds it as the recorder would.
func getpidKey(s *state) {
	binary.LittleEndian.PutUint64(s.slots[39*1024&(15*1024):], 39)
}

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
	fmt.Fprintf(w, "The getpid loop (1,000,000 calls through syscall.Syscall), %d interleaved runs of each build: the median ns per call; +ns, the median of each round's difference from vanilla's run, and its quartiles, which show the machine's noise; the ratio, of the medians:\n\n```\n", *rounds)
	van := median(ns[0])
	fmt.Fprintf(w, "%-24s %8s %8s %17s %8s\n", "build", "ns/call", "+ns", "+ns p25..p75", "ratio")
	for i, b := range builds {
		m := median(ns[i])
		var d []float64
		for r := range ns[i] {
			d = append(d, ns[i][r]-ns[0][r])
		}
		fmt.Fprintf(w, "%-24s %8.1f %+8.1f %8.1f..%-7.1f %8.3f\n", b.name, m, median(d), quantile(d, 0.25), quantile(d, 0.75), m/van)
	}
	fmt.Fprintf(w, "```\n\nThe budget of 1.05x vanilla is %.1f ns a call. What the recorder adds is about the same number of ns whatever the kernel's call costs, so the ratio falls as the machine's calls get slower: compare +ns across machines, not ratios. The recorder's parts, each timed alone in a loop (ns per call, the median of 5 runs less an empty loop's):\n\n```\n", 0.05*van)
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
	parts := []loop{
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
	fmt.Fprintf(w, "%-24s %8.1f\n```\n\n", "sum", sum)
	fmt.Fprintf(w, "Beside a real call, where the parts overlap the kernel's work: getpid(2) by SYSCALL in a loop with nothing of the Go runtime around it, %d rounds of %d calls, each round timing the three loops in turn (ns per call: the median of the rounds, and the median of each round's difference from the bare call):\n\n```\n", besideRounds, besideCalls)
	for _, l := range beside() {
		if l.name == "the call" {
			fmt.Fprintf(w, "%-40s %8.1f\n", l.name, l.ns)
			continue
		}
		fmt.Fprintf(w, "%-40s %8.1f %+8.1f\n", l.name, l.ns, l.diff)
	}
	fmt.Fprintf(w, "```\n\nThe load average was %s as the runs started and %s as the parts ended.\n", load, measure.LoadAvg())
	os.Stdout.Write(doc.Body.Bytes())
	check(doc.Write(*out))
}

// A loop is one of parts_amd64.s's loops, named for the table.
type loop struct {
	name string
	f    func(int, *state)
}

const besideRounds, besideCalls = 30, 100000

// A besideLine is one loop's time beside a real call.
type besideLine struct {
	name     string
	ns, diff float64 // median ns per call, and median of the rounds' differences from the bare call
}

// beside times the bare getpid loop, the loop with the clock and the
// loop with every part, in turn, besideRounds times.
func beside() []besideLine {
	s := &state{status: 3, rate: 1 << 31, rand: 88172645463325252}
	getpidKey(s)
	loops := []loop{
		{"the call", loopGetpid},
		{"the call and the clock", loopGetpidClock},
		{"the call, clock, slot, hist., sampling", loopGetpidAll},
	}
	ns := make([][]float64, len(loops))
	diff := make([][]float64, len(loops))
	for r := 0; r < besideRounds; r++ {
		for i, l := range loops {
			start := time.Now()
			l.f(besideCalls, s)
			ns[i] = append(ns[i], float64(time.Since(start).Nanoseconds())/besideCalls)
			diff[i] = append(diff[i], ns[i][r]-ns[0][r])
		}
	}
	var out []besideLine
	for i, l := range loops {
		out = append(out, besideLine{l.name, median(ns[i]), median(diff[i])})
	}
	return out
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

func median(v []float64) float64 { return quantile(v, 0.5) }

// quantile is v's q-quantile by nearest rank.
func quantile(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
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
