package report

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/syscope/syscope/dump"
)

// How much of the call-site table the report shows: the heaviest stacks
// of the system calls that take the most time, and of threads and
// retakes. syscope pprof and -format json have all of it.
const (
	topSyscalls = 3
	topStacks   = 3
)

// CallSites is the report's digest of the dump's call-site stacks.
type CallSites struct {
	ProfileRateNS uint64 `json:"profile_rate_ns"`
	Capacity      int    `json:"capacity"`
	Stacks        int    `json:"stacks"`
	// Truncated is true when some counts are on the stack marked
	// truncated: stacks that did not fit in the runtime's table, or
	// whose goroutine could not be read.
	Truncated bool `json:"truncated"`
	// Syscalls are the system calls that take the most time (the
	// table's first rows with stacks), each with its heaviest stacks by
	// time.
	Syscalls []SiteGroup `json:"syscalls"`
	// Threads and Retakes are the heaviest stacks by threads created and
	// by Ps that sysmon retook.
	Threads SiteGroup `json:"threads"`
	Retakes SiteGroup `json:"retakes"`
	// Check is "ok" when the stacks' threads, retakes and lost_p add up
	// to the dump's events, else what does not (dump.CheckStacks).
	Check string `json:"check"`
}

// SiteGroup is the heaviest stacks by one value.
type SiteGroup struct {
	Name string `json:"name"` // a system call, or threads or retakes
	// Total is the value over every stack: time_ns of the system call's
	// stacks, or threads, or retakes.
	Total uint64     `json:"total"`
	Calls uint64     `json:"calls,omitempty"` // the system call's stacks' calls
	Top   []CallSite `json:"top"`
}

// CallSite is one stack, shown by its site (dump.Stack.Site).
type CallSite struct {
	// Stack is the stack's index in the dump's stacks.stacks.
	Stack int       `json:"stack"`
	Site  dump.Site `json:"site"`
	// Via are the site's callers, outermost last, as many as it takes to
	// tell this row from another of its group with the same site.
	Via   []dump.Site `json:"via,omitempty"`
	Path  string      `json:"path,omitempty"` // the stack's, syscall or raw
	Value uint64      `json:"value"`
	Calls uint64      `json:"calls,omitempty"`
}

// Sites returns the digest of d's stacks, or nil when d has none.
func Sites(d *dump.Dump) *CallSites {
	st := d.Stacks
	if st == nil {
		return nil
	}
	cs := &CallSites{ProfileRateNS: st.ProfileRateNS, Capacity: st.Capacity, Stacks: len(st.Stacks), Truncated: st.Truncated}
	for _, r := range Table(d) {
		if len(cs.Syscalls) == topSyscalls {
			break
		}
		g := heaviest(st.Stacks, r.Name, func(s dump.Stack) uint64 {
			if s.Syscall != r.Name || r.Trap == -1 {
				return 0
			}
			return s.TimeNS
		})
		for _, s := range st.Stacks {
			if s.Syscall == r.Name {
				g.Calls += s.Calls
			}
		}
		if g.Total > 0 {
			cs.Syscalls = append(cs.Syscalls, g)
		}
	}
	cs.Threads = heaviest(st.Stacks, "threads", func(s dump.Stack) uint64 { return s.Threads })
	cs.Retakes = heaviest(st.Stacks, "retakes", func(s dump.Stack) uint64 { return s.Retakes })
	cs.Check = "ok"
	if err := d.CheckStacks(); err != nil {
		cs.Check = err.Error()
	}
	return cs
}

// heaviest returns the topStacks stacks with the largest value, ties by
// calls, then in the dump's order, and the value's total.
func heaviest(stacks []dump.Stack, name string, value func(dump.Stack) uint64) SiteGroup {
	g := SiteGroup{Name: name, Top: []CallSite{}}
	for i, s := range stacks {
		if v := value(s); v > 0 {
			g.Total += v
			g.Top = append(g.Top, CallSite{Stack: i, Site: s.Site(), Path: s.Path, Value: v, Calls: s.Calls})
		}
	}
	slices.SortStableFunc(g.Top, func(a, b CallSite) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(b.Calls, a.Calls))
	})
	if len(g.Top) > topStacks {
		g.Top = g.Top[:topStacks]
	}
	distinguish(stacks, g.Top)
	return g
}

// distinguish gives rows that show the same site the callers that tell
// them apart: bbolt's fdatasync from Tx.write and from Tx.writeMeta are
// two rows with one site, fdatasync (bolt_linux.go:9), until their callers
// are shown. It adds callers to every row of a clash, one frame at a
// time, up to the outermost frame.
func distinguish(stacks []dump.Stack, top []CallSite) {
	callers := make([][]dump.Site, len(top))
	for i, c := range top {
		st := &stacks[c.Stack]
		site := st.Site()
		for j, f := range st.Frames {
			if f == site {
				for _, k := range st.Frames[j+1:] {
					if !dump.Hidden(k.Func) {
						callers[i] = append(callers[i], k)
					}
				}
				break
			}
		}
	}
	label := func(i int) string {
		return fmt.Sprint(top[i].Site, top[i].Via)
	}
	for depth := 1; ; depth++ {
		var clash []int // every row of a clash is extended, not only the first
		for i := range top {
			for j := range top {
				if i != j && label(i) == label(j) && len(top[i].Via) < len(callers[i]) {
					clash = append(clash, i)
					break
				}
			}
		}
		if len(clash) == 0 {
			return
		}
		for _, i := range clash {
			top[i].Via = callers[i][:min(depth, len(callers[i]))]
		}
	}
}

// siteText is a row's site with the callers that tell it apart.
func siteText(c CallSite) string {
	s := c.Site.String()
	for _, v := range c.Via {
		s += " <- " + v.String()
	}
	return s
}

// callSites writes the digest under the table: per system call, the
// time, share and calls of its heaviest stacks; then the threads and
// retakes; then whether they add up, and a warning when the table was
// truncated.
func callSites(b *strings.Builder, d *dump.Dump) {
	cs := Sites(d)
	if cs == nil {
		return
	}
	rate := "off"
	if cs.ProfileRateNS > 0 {
		rate = time.Duration(cs.ProfileRateNS).String()
	}
	fmt.Fprintf(b, "\ncall sites: %d stacks in a table of %d, SYSCOPE_PROFILE_RATE=%s (calls and time sampled); the whole stacks: syscope pprof, or -format json\n",
		cs.Stacks, cs.Capacity, rate)
	for _, g := range cs.Syscalls {
		fmt.Fprintf(b, "  %s: %s in %d %s\n", g.Name, duration(g.Total), g.Calls, plural(g.Calls, "call", "calls"))
		for _, c := range g.Top {
			fmt.Fprintf(b, "    %8s %7s %10d %-5s  %s  [stack %d, %s]\n", duration(c.Value), share(c.Value, g.Total)+"%", c.Calls, plural(c.Calls, "call", "calls"), siteText(c), c.Stack, c.Path)
		}
	}
	for _, g := range []SiteGroup{cs.Threads, cs.Retakes} {
		what := map[string]string{"threads": "threads created", "retakes": "Ps retaken by sysmon"}[g.Name]
		fmt.Fprintf(b, "  %s: %d\n", what, g.Total)
		for _, c := range g.Top {
			fmt.Fprintf(b, "    %8d %7s  %s  [stack %d]\n", c.Value, share(c.Value, g.Total)+"%", siteText(c), c.Stack)
		}
	}
	var absent *dump.AbsentError
	switch err := d.CheckStacks(); {
	case err == nil:
		fmt.Fprintf(b, "  threads, retakes and lost_p over the stacks equal thread_create, sysmon_retake and the lost-P exits (ok)\n")
	case errors.As(err, &absent):
		fmt.Fprintf(b, "  %v\n", err)
	default:
		fmt.Fprintf(b, "  %v (MISMATCH)\n", err)
	}
	if cs.Truncated {
		fmt.Fprintf(b, "warning: some counts are on %s, a stack of no frames: stacks that did not fit in the table (%d stacks), or whose goroutine could not be read\n",
			dump.TruncatedFunc, cs.Capacity)
	}
}
