package dump

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// withStacks returns the valid fixture with a "stacks" member.
func withStacks(t *testing.T, stacks any) string {
	t.Helper()
	return mutate(t, func(m map[string]any) { m["stacks"] = stacks })
}

func TestParseStacks(t *testing.T) {
	d, err := Parse(readValid(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Stacks != nil {
		t.Fatalf("a dump without stacks has Stacks %+v, want nil", d.Stacks)
	}

	in := map[string]any{
		"profile_rate_ns": 10000, "capacity": 4096, "truncated": true,
		"stacks": []any{
			map[string]any{
				"frames": []any{
					map[string]any{"func": "syscall.read", "file": "/go/src/syscall/zsyscall.go", "line": 7},
					map[string]any{"func": "main.zero", "file": "/tmp/x/main.go", "line": 12},
				},
				"syscall": "read", "path": "syscall", "calls": 200, "time_ns": 4000, "lost_p": 3, "retakes": 2, "threads": 1, "inflight": 1,
			},
			map[string]any{"frames": []any{}, "threads": 5, "truncated": true},
		},
	}
	d, err = Parse([]byte(withStacks(t, in)))
	if err != nil {
		t.Fatal(err)
	}
	want := &Stacks{ProfileRateNS: 10000, Capacity: 4096, Truncated: true, Stacks: []Stack{
		{
			Frames:  []Site{{Func: "syscall.read", File: "/go/src/syscall/zsyscall.go", Line: 7}, {Func: "main.zero", File: "/tmp/x/main.go", Line: 12}},
			Syscall: "read", Path: PathSyscall, Calls: 200, TimeNS: 4000, LostP: 3, Retakes: 2, Threads: 1, Inflight: 1,
		},
		{Frames: []Site{}, Threads: 5, Truncated: true},
	}}
	if !reflect.DeepEqual(d.Stacks, want) {
		t.Errorf("Stacks = %+v\nwant %+v", d.Stacks, want)
	}
	// The stacks survive a round trip through the Dump type.
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d2.Stacks, want) {
		t.Errorf("after a round trip, Stacks = %+v\nwant %+v", d2.Stacks, want)
	}
}

func TestParseStacksErrors(t *testing.T) {
	frame := []any{map[string]any{"func": "main.f", "file": "f.go", "line": 1}}
	tests := []struct {
		name   string
		stacks any
		want   string
	}{
		{"no capacity", map[string]any{"stacks": []any{}}, "stacks: capacity 0 is not a table size"},
		{"bad path", map[string]any{"capacity": 8, "stacks": []any{map[string]any{"frames": frame, "path": "vdso"}}},
			`stacks: stacks[0]: path "vdso" is not syscall or raw`},
		{"no frames", map[string]any{"capacity": 8, "stacks": []any{map[string]any{"frames": []any{}, "calls": 1}}},
			"stacks: stacks[0]: no frames"},
		{"truncated with frames", map[string]any{"capacity": 8, "truncated": true, "stacks": []any{map[string]any{"frames": frame, "truncated": true}}},
			"stacks: stacks[0]: the truncated stack has frames"},
		{"two truncated", map[string]any{"capacity": 8, "truncated": true, "stacks": []any{
			map[string]any{"frames": []any{}, "truncated": true}, map[string]any{"frames": []any{}, "truncated": true}}},
			"stacks: stacks[0] and stacks[1] are both the truncated stack"},
		{"truncated stack, table not", map[string]any{"capacity": 8, "stacks": []any{map[string]any{"frames": []any{}, "truncated": true}}},
			"stacks: truncated is false, but stacks[0] is marked truncated"},
		{"frame without func", map[string]any{"capacity": 8, "stacks": []any{map[string]any{"frames": []any{map[string]any{"file": "f.go"}}}}},
			"stacks: stacks[0].frames[0]: missing func"},
		{"negative calls", map[string]any{"capacity": 8, "stacks": []any{map[string]any{"frames": frame, "calls": -1}}},
			"stacks.stacks.calls: number -1 is not a valid uint64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(withStacks(t, tt.stacks)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
