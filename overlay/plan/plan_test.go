package plan

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/syscope/syscope"
)

// parseWith parses patches/t.plan with the given files beside it.
func parseWith(plan string, incs map[string]string) (*Plan, error) {
	fsys := fstest.MapFS{}
	for name, text := range incs {
		fsys["patches/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return ParseFS(fsys, "patches/t.plan", []byte(plan))
}

const asmSrc = `#define SYS_getpid 39
TEXT ·f(SB),NOSPLIT,$0
	MOVQ	$SYS_getpid, AX
	SYSCALL
	RET
TEXT ·g(SB),NOSPLIT,$0
	SYSCALL
	RET
`

func TestDefinesAndLabels(t *testing.T) {
	p, err := parseWith(`releases go1.26 go1.27
include shared.inc
set g gp
-- src/runtime/x.go --
use go-edits
-- src/runtime/x.s --
edit count
	func ·f
	replace-each "SYSCALL"
	insert outer
edit quoted
	func ·g
	replace-each "SYSCALL"
	insert "CMPB on(SB), $0; JEQ plain; NOP; plain: SYSCALL; JMP 1(PC)"
`, map[string]string{"shared.inc": `
define go-edits
edit enter
	func f
	after "${g} := getg()"
	insert "hook(${g})"
end
define inner
	JNE done       # its own done, not outer's
	INCQ ${what}
done:
end
define outer what=default(SB)
	CMPB off(SB), $0
	JNE done
	use inner what=a+{site8}(SB)
	use inner
	SYSCALL
done:
end
`})
	if err != nil {
		t.Fatal(err)
	}
	e := p.Files[0].Edits[0]
	if e.Alts[0] != "gp := getg()" || e.Code != "hook(gp)" || !strings.HasPrefix(e.Pos, "patches/shared.inc:3 (from patches/t.plan:5)") {
		t.Errorf("go edit from a define: %+v", e)
	}
	// outer: 0 CMPB, 1 JNE -> 7 (past SYSCALL), 2 JNE -> 4, 3 INCQ, 4 JNE -> 6, 5 INCQ, 6 SYSCALL.
	want := "CMPB off(SB), $0; JNE 6(PC); JNE 2(PC); INCQ a+{site8}(SB); JNE 2(PC); INCQ default(SB); SYSCALL"
	if got := p.Files[1].Edits[0].Code; got != want {
		t.Errorf("labels resolved to\n\t%s\nwant\n\t%s", got, want)
	}
	if got, want := p.Files[1].Edits[1].Code, "CMPB on(SB), $0; JEQ 2(PC); NOP; SYSCALL; JMP 1(PC)"; got != want {
		t.Errorf("quoted insert with a label: %s, want %s", got, want)
	}
	var sites []Site
	out, err := Apply("t.plan", p.Files[1], []byte(asmSrc), &sites)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\tCMPB off(SB), $0; JNE 6(PC); JNE 2(PC); INCQ a+0(SB);") || len(sites) != 1 || sites[0].Trap != 39 {
		t.Errorf("applied: sites %+v\n%s", sites, out)
	}
	if !p.used["patches/shared.inc: inner"] || !p.used["patches/shared.inc: go-edits"] {
		t.Errorf("used defines not recorded: %v", p.used)
	}
}

// TestSharedInserts checks the inserts the plans share against the
// instruction counts they had when they were written by hand.
func TestSharedInserts(t *testing.T) {
	plans, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var p *Plan
	for _, q := range plans {
		if q.Name == "patches/go1.26.plan" {
			p = q
		}
	}
	if p == nil {
		t.Fatal("no go1.26 plan")
	}
	code := map[string]string{}
	for _, fe := range p.Files {
		for _, e := range fe.Edits {
			code[e.Name] = e.Code
		}
	}
	rtCount := "CMPB runtime·syscopeOff(SB), $0; JNE 15(PC); MOVQ TLS, R11; MOVQ 0(R11)(TLS*1), R11; TESTQ R11, R11; JEQ 9(PC); MOVQ g_m(R11), R11; TESTQ R11, R11; JEQ 6(PC); MOVQ m_syscope(R11), R11; TESTQ R11, R11; JEQ 3(PC); INCQ (syscopeM_rt+{msite8})(R11); JMP 3(PC); LOCK; INCQ runtime·syscopeRtGlobal+{site8}(SB)"
	eintr := "; SYSCALL; CMPQ AX, $-4; JNE 3(PC); LOCK; INCQ runtime·syscopeRtEintr+{site8}(SB)"
	for name, want := range map[string]string{
		"vdso":                    rtCount,
		"runtime-syscalls":        rtCount + eintr,
		"runtime-syscalls-global": "CMPB runtime·syscopeOff(SB), $0; JNE 3(PC); LOCK; INCQ runtime·syscopeRtGlobal+{site8}(SB)" + eintr,
		"sigreturn":               strings.ReplaceAll(rtCount, "{site8}", "{site8:rt_sigreturn}"),
		"runtime-syscalls-now":    "CMPB runtime·syscopeOff(SB), $0; JNE 3(PC); LOCK; INCQ runtime·syscopeRtGlobal+{site8}(SB)" + eintr,
		"wrapper":                 "CMPB runtime·syscopeRec(SB), $0; JEQ 2(PC); JMP runtime·syscopeRecSyscall6(SB)",
		"raw-noerror":             "CMPB runtime·syscopeOn(SB), $0; JEQ 11(PC); MOVQ AX, R12; MOVQ DX, R11; RDTSC; SHLQ $32, DX; LEAQ (AX)(DX*1), R13; MOVQ R12, AX; MOVQ R11, DX; SYSCALL; CALL runtime·syscopeSysAfter(SB); JMP 2(PC); SYSCALL",
		"vfork":                   "CMPB runtime·syscopeOn(SB), $0; JEQ 9(PC); MOVQ AX, R12; MOVQ DX, R11; RDTSC; SHLQ $32, DX; LEAQ (AX)(DX*1), R13; MOVQ R12, AX; MOVQ R11, DX; CALL runtime·syscopeSysAfter(SB)",
	} {
		if code[name] != want {
			t.Errorf("edit %s inserts\n\t%s\nwant\n\t%s", name, code[name], want)
		}
	}
}

// TestIncludesUsed fails on a define in patches/*.inc that no plan uses.
func TestIncludesUsed(t *testing.T) {
	plans, err := All()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, p := range plans {
		for k := range p.used {
			used[k] = true
		}
	}
	incs, _ := fs.Glob(syscope.Files, "patches/*.inc")
	if len(incs) == 0 {
		t.Fatal("no patches/*.inc embedded")
	}
	for _, inc := range incs {
		data, _ := fs.ReadFile(syscope.Files, inc)
		for _, m := range regexp.MustCompile(`(?m)^define (\S+)`).FindAllStringSubmatch(string(data), -1) {
			if !used[inc+": "+m[1]] {
				t.Errorf("%s: define %s is used by no plan", inc, m[1])
			}
		}
	}
}

// TestCheckRanges: the shipped plans' ranges are contiguous, and a gap
// or an overlap is an error naming both plans.
func TestCheckRanges(t *testing.T) {
	plans, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckRanges(plans); err != nil {
		t.Errorf("the shipped plans: %v", err)
	}
	p := func(name, first, last string) *Plan { return &Plan{Name: name, First: first, Last: last} }
	for _, c := range []struct {
		plans []*Plan
		want  string
	}{
		{[]*Plan{p("a.plan", "go1.16", "go1.18"), p("b.plan", "go1.20", "go1.25")}, "no plan covers go1.19: a.plan ends at go1.18 and b.plan starts at go1.20"},
		{[]*Plan{p("a.plan", "go1.16", "go1.20"), p("b.plan", "go1.20", "go1.25")}, "a.plan (go1.16 to go1.20) and b.plan (go1.20 to go1.25) overlap"},
		{[]*Plan{p("a.plan", "go1.16", "go1.18"), p("b.plan", "go1.19", "go1.19"), p("c.plan", "go1.20", "go1.27")}, ""},
	} {
		err := CheckRanges(c.plans)
		if got := fmt.Sprint(err); c.want == "" && err != nil || c.want != "" && got != c.want {
			t.Errorf("CheckRanges: %v, want %q", err, c.want)
		}
	}
}
