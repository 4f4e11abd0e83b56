package report

import (
	"reflect"
	"testing"

	"github.com/syscope/syscope/dump"
)

// Two stacks whose first frame outside the hidden packages is the same
// (bbolt's fdatasync, from Tx.write and from Tx.writeMeta) are two rows
// that show their callers until they differ; a third, alone at its site,
// shows none.
func TestDistinguish(t *testing.T) {
	sync := dump.Site{Func: "go.etcd.io/bbolt.fdatasync", File: "bolt_linux.go", Line: 9}
	commit := dump.Site{Func: "go.etcd.io/bbolt.(*Tx).Commit", File: "tx.go", Line: 200}
	stacks := []dump.Stack{
		{Frames: []dump.Site{{Func: "syscall.Syscall"}, sync, {Func: "go.etcd.io/bbolt.(*Tx).write", File: "tx.go", Line: 500}, commit}},
		{Frames: []dump.Site{{Func: "syscall.Syscall"}, sync, {Func: "go.etcd.io/bbolt.(*Tx).writeMeta", File: "tx.go", Line: 600}, commit}},
		{Frames: []dump.Site{{Func: "syscall.Syscall"}, {Func: "main.other", File: "m.go", Line: 1}}},
	}
	top := []CallSite{{Stack: 0, Site: sync}, {Stack: 1, Site: sync}, {Stack: 2, Site: stacks[2].Frames[1]}}
	distinguish(stacks, top)
	want := []string{
		"go.etcd.io/bbolt.fdatasync (bolt_linux.go:9) <- go.etcd.io/bbolt.(*Tx).write (tx.go:500)",
		"go.etcd.io/bbolt.fdatasync (bolt_linux.go:9) <- go.etcd.io/bbolt.(*Tx).writeMeta (tx.go:600)",
		"main.other (m.go:1)",
	}
	var got []string
	for _, c := range top {
		got = append(got, siteText(c))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n%q\nwant\n%q", got, want)
	}
	// Stacks that differ only below the shown frames keep every caller.
	same := []dump.Stack{stacks[0], stacks[0]}
	top = []CallSite{{Stack: 0, Site: sync}, {Stack: 1, Site: sync}}
	distinguish(same, top)
	if len(top[0].Via) != 2 || len(top[1].Via) != 2 {
		t.Errorf("identical chains: via %v and %v, want both callers each", top[0].Via, top[1].Via)
	}
}
