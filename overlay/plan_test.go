package overlay

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/syscope/syscope"
)

// parseWith parses patches/t.plan with the given files beside it.
func parseWith(plan string, incs map[string]string) (*Plan, error) {
	fsys := fstest.MapFS{}
	for name, text := range incs {
		fsys["patches/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return parsePlan(fsys, "patches/t.plan", []byte(plan))
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
	out, err := ApplyEdits("t.plan", p.Files[1], []byte(asmSrc), &sites)
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
	plans, err := Plans()
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
	rtCount := "CMPB runtime·syscopeOff(SB), $0; JNE 15(PC); MOVQ TLS, R11; MOVQ 0(R11)(TLS*1), R11; TESTQ R11, R11; JEQ 9(PC); MOVQ g_m(R11), R11; TESTQ R11, R11; JEQ 6(PC); MOVQ m_syscope(R11), R11; TESTQ R11, R11; JEQ 3(PC); INCQ (syscopeM_rt+{site8})(R11); JMP 3(PC); LOCK; INCQ runtime·syscopeRtGlobal+{site8}(SB)"
	eintr := "; SYSCALL; CMPQ AX, $-4; JNE 3(PC); LOCK; INCQ runtime·syscopeRtEintr+{site8}(SB)"
	for name, want := range map[string]string{
		"vdso":                    rtCount,
		"runtime-syscalls":        rtCount + eintr,
		"runtime-syscalls-global": "CMPB runtime·syscopeOff(SB), $0; JNE 3(PC); LOCK; INCQ runtime·syscopeRtGlobal+{site8}(SB)" + eintr,
		"sigreturn":               strings.ReplaceAll(rtCount, "{site8}", "{site8:rt_sigreturn}"),
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
	plans, err := Plans()
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

// TestGeneratorEmbedded: the cache key hashes syscope.Generator, so it
// must hold every source file of the generator.
func TestGeneratorEmbedded(t *testing.T) {
	for _, dir := range []string{".", "../internal/sysnames"} {
		names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			emb := filepath.ToSlash(filepath.Join("overlay", name))
			disk, _ := os.ReadFile(name)
			got, err := fs.ReadFile(syscope.Generator, emb)
			if err != nil || !bytes.Equal(got, disk) {
				t.Errorf("%s is not embedded in syscope.Generator as it is on disk (%v)", emb, err)
			}
		}
	}
}

func TestKeyInputs(t *testing.T) {
	goroot := gorootFor(t, "local")
	plans, _ := Plans()
	p, _ := Select(plans, "go1.26.8", false)
	k1, _ := Key(goroot, "go1.26.8", p)
	k2, _ := Key(goroot, "go1.26.8", p)
	k3, _ := Key(goroot+"/.", "go1.26.8", p)
	k4, _ := Key(goroot, "go1.26.9", p)
	if k1 != k2 || k1 == k3 || k1 == k4 || len(k1) != 16 {
		t.Errorf("keys: same inputs %s %s, other GOROOT path %s, other release %s", k1, k2, k3, k4)
	}
}

func TestVersionOf(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	if got := versionOf(bi); got != "(devel) 0123456789ab+dirty" {
		t.Errorf("checkout build: %q", got)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Path: "example.com/m"}, Deps: []*debug.Module{{Path: modulePath, Version: "v0.4.0"}}}
	if got := versionOf(bi); got != "v0.4.0" {
		t.Errorf("dependency: %q", got)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.2.3"}}
	if got := versionOf(bi); got != "v1.2.3" {
		t.Errorf("go install @v1.2.3: %q", got)
	}
}

// TestVersionFile: the overlay names the syscope that made it and its
// key, between VersionMark and a NUL, for the dump and syscope check.
func TestVersionFile(t *testing.T) {
	goroot := gorootFor(t, "local")
	rel, _ := Version(goroot)
	plans, _ := Plans()
	p, _ := Select(plans, rel, false)
	files, err := Files(goroot, rel, p)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := Key(goroot, rel, p)
	want := strings.ReplaceAll(VersionMark, "\x00", `\x00`) + SyscopeVersion() + ", overlay " + key + `\x00"`
	if v := string(files["src/runtime/syscope_version.go"]); !strings.Contains(v, want) || !strings.Contains(v, "const syscopeVersionMarkLen = 25\n") {
		t.Errorf("syscope_version.go lacks %s:\n%s", want, v)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration) {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		j := filepath.Join(dir, name, "overlay.json")
		os.WriteFile(j, []byte("{}"), 0o644)
		os.Chtimes(j, now.Add(-age), now.Add(-age))
		os.Chtimes(filepath.Join(dir, name), now.Add(-age), now.Add(-age))
	}
	for i, k := range []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc", "dddddddddddddddd", "eeeeeeeeeeeeeeee"} {
		mk("go1.26.8-"+k, time.Duration(i)*time.Minute)
	}
	mk("go1.26.80-ffffffffffffffff", time.Hour) // another release
	mk("go1.25.14-ffffffffffffffff", time.Hour)
	mk(".syscope-tmp-old", 2*time.Hour)
	mk(".syscope-tmp-new", time.Minute)
	markUsed(filepath.Join(dir, "go1.26.8-eeeeeeeeeeeeeeee")) // the oldest, used now
	removed, err := prune(dir, "go1.26.8", 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range removed {
		removed[i] = filepath.Base(removed[i])
	}
	sort.Strings(removed)
	if got, want := strings.Join(removed, " "), ".syscope-tmp-old go1.26.8-cccccccccccccccc go1.26.8-dddddddddddddddd"; got != want {
		t.Errorf("pruned %s, want %s", got, want)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if got, want := strings.Join(left, " "), ".syscope-tmp-new go1.25.14-ffffffffffffffff go1.26.8-aaaaaaaaaaaaaaaa go1.26.8-bbbbbbbbbbbbbbbb go1.26.8-eeeeeeeeeeeeeeee go1.26.80-ffffffffffffffff"; got != want {
		t.Errorf("left %s, want %s", got, want)
	}
}

func TestCacheBound(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("SYSCOPE_CACHE", cache)
	goroot := gorootFor(t, "local")
	// The same toolchain under KeepPerRelease+1 GOROOT paths: each its own overlay.
	var jsons []string
	for i := 0; i <= KeepPerRelease; i++ {
		link := filepath.Join(t.TempDir(), "goroot")
		if err := os.Symlink(goroot, link); err != nil {
			t.Fatal(err)
		}
		r, err := Generate(Options{GOROOT: link})
		if err != nil {
			t.Fatal(err)
		}
		jsons = append(jsons, r.JSON)
		if i < KeepPerRelease && len(r.Pruned) != 0 || i == KeepPerRelease && (len(r.Pruned) != 1 || r.Pruned[0] != filepath.Dir(jsons[0])) {
			t.Errorf("generation %d pruned %v", i, r.Pruned)
		}
	}
	if _, err := os.Stat(jsons[0]); !os.IsNotExist(err) {
		t.Errorf("the least recently used overlay is still there: %v", err)
	}
	var reported []string
	if err := Clean(true, func(dir string) { reported = append(reported, dir) }); err != nil {
		t.Fatal(err)
	}
	if len(reported) != 1 || reported[0] != filepath.Join(cache, "overlay") {
		t.Errorf("clean -n reports %v", reported)
	}
	if _, err := os.Stat(jsons[KeepPerRelease]); err != nil {
		t.Errorf("clean -n removed: %v", err)
	}
	os.WriteFile(filepath.Join(cache, "other"), nil, 0o644)
	if err := Clean(false, func(string) {}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 1 || ents[0].Name() != "other" {
		t.Errorf("after clean the cache holds %v, want only the file clean does not own", ents)
	}
}

// TestCheckRanges: the shipped plans' ranges are contiguous, and a gap
// or an overlap is an error naming both plans.
func TestCheckRanges(t *testing.T) {
	plans, err := Plans()
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

// TestAddedFile: an added file's "//go:build ignore" line becomes the
// file's own constraint, with the +build line go1.16 reads, or nothing.
func TestAddedFile(t *testing.T) {
	for _, c := range []struct{ in, out, err string }{
		{"//go:build ignore\n\npackage runtime\n", "\npackage runtime\n", ""},
		{"//go:build ignore && go1.20 && !go1.21\n\npackage runtime\n", "//go:build go1.20 && !go1.21\n// +build go1.20,!go1.21\n\npackage runtime\n", ""},
		{"//go:build ignore && !go1.20\n\npackage runtime\n", "//go:build !go1.20\n// +build !go1.20\n\npackage runtime\n", ""},
		{"package runtime\n", "", "must start with //go:build ignore"},
		{"//go:build ignore && (go1.20\n\npackage runtime\n", "", "first line must be"},
		{"//go:build ignore || go1.20\n\npackage runtime\n", "", "first line must be"},
	} {
		out, err := addedFile([]byte(c.in))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("addedFile(%q): error %v, want one containing %q", c.in, err, c.err)
		case c.err == "" && (err != nil || string(out) != c.out):
			t.Errorf("addedFile(%q) = %q, %v; want %q", c.in, out, err, c.out)
		}
	}
}
