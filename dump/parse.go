package dump

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// Sentinel causes, so callers can tell "wrong kind of file" from "damaged
// syscope dump" with errors.Is.
var (
	// ErrEmpty reports an empty (or all-whitespace) input: typically a
	// program that died before it could write its dump.
	ErrEmpty = errors.New("empty file")
	// ErrTruncated reports JSON that ends mid-value: typically a dump
	// whose writer was killed or a disk that filled up.
	ErrTruncated = errors.New("truncated (unexpected end of JSON)")
	// ErrNotDump reports input that is not a syscope dump at all.
	ErrNotDump = errors.New("not a syscope dump")
)

// SchemaError reports a dump whose schema this package cannot read, so a
// newer dump is not silently misread by an older reader.
type SchemaError struct {
	Schema string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("schema %q is not supported (this syscope reads %s)", e.Schema, SchemaV1)
}

// Read reads and validates the dump in the file at path. Errors start
// with the path so a user juggling several dumps knows which one is bad.
func Read(path string) (*Dump, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // already names the path and the cause
	}
	d, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse decodes and validates one dump. Unknown fields and unknown event
// keys are accepted and kept (a newer runtime writing v1), and so is a
// dump that lacks some of EventNames (an older one): a missing event reads
// as absent (see Has, Absent), never as zero. Anything after the top-level
// object is rejected, since it means two dumps were concatenated or the
// file was corrupted.
func Parse(data []byte) (*Dump, error) {
	raw, err := splitObject(data)
	if err != nil {
		return nil, err
	}

	// The top-level fields, undecoded, for what encoding/json would read
	// as a zero value when absent or null. First the schema, looked at
	// before the rest: a future schema may change field types, and
	// "unsupported schema" is the useful message.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotDump, err)
	}
	if len(top["schema"]) == 0 || string(top["schema"]) == "null" {
		return nil, fmt.Errorf("missing schema (%w)", ErrNotDump)
	}
	var schema string
	if err := json.Unmarshal(top["schema"], &schema); err != nil {
		return nil, fmt.Errorf("%w: schema is %s, not a string", ErrNotDump, top["schema"])
	}
	if schema == "" {
		return nil, fmt.Errorf("missing schema (%w)", ErrNotDump)
	}
	if schema != SchemaV1 {
		return nil, &SchemaError{Schema: schema}
	}

	d := new(Dump)
	if err := json.Unmarshal(raw, d); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// Name the JSON field rather than the internal Go type.
			return nil, fmt.Errorf("invalid %s dump: %s: %s is not a valid %s", SchemaV1, te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("invalid %s dump: %w", SchemaV1, err)
	}
	// A null event would read as 0, a count the runtime never wrote.
	var events map[string]json.RawMessage
	json.Unmarshal(top["events"], &events) // its types passed above
	for _, name := range slices.Sorted(maps.Keys(events)) {
		if string(events[name]) == "null" {
			return nil, fmt.Errorf("events: %q is null, not a count", name)
		}
	}
	if len(top["consistent"]) == 0 || string(top["consistent"]) == "null" {
		return nil, errors.New(`missing "consistent"`)
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// splitObject returns the single top-level JSON object in data, turning the
// decoder's generic errors into the causes a user can act on.
func splitObject(data []byte) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, ErrEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrTruncated
		}
		return nil, fmt.Errorf("%w: %w", ErrNotDump, err)
	}
	if raw[0] != '{' {
		return nil, fmt.Errorf("%w: top-level JSON value is %s, not an object", ErrNotDump, kind(raw[0]))
	}
	off := dec.InputOffset()
	if rest := bytes.TrimSpace(data[off:]); len(rest) > 0 {
		return nil, fmt.Errorf("trailing data after the dump object at byte %d: %q", off, snippet(rest))
	}
	return raw, nil
}

func kind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

func snippet(b []byte) []byte {
	if len(b) > 20 {
		return append(b[:20:20], "..."...)
	}
	return b
}

// validate checks the invariants the report relies on.
func (d *Dump) validate() error {
	if len(d.HistBoundsNS) == 0 {
		return errors.New(`missing "hist_bounds_ns"`)
	}
	for i := 1; i < len(d.HistBoundsNS); i++ {
		if d.HistBoundsNS[i] <= d.HistBoundsNS[i-1] {
			return fmt.Errorf("hist_bounds_ns: bounds must be strictly increasing, but bound %d (%d) <= bound %d (%d)",
				i, d.HistBoundsNS[i], i-1, d.HistBoundsNS[i-1])
		}
	}
	if d.Events == nil {
		return errors.New(`missing "events"`)
	}
	if d.Dumps < 0 {
		return fmt.Errorf("dumps is %d, not a count", d.Dumps)
	}
	if err := d.validateSnapshot(); err != nil {
		return err
	}
	for i, s := range d.Syscalls {
		if err := s.validate(len(d.HistBoundsNS)); err != nil {
			return fmt.Errorf("syscalls[%d] (%s): %w", i, s.Name, err)
		}
	}
	if d.Stacks != nil {
		if err := d.Stacks.validate(); err != nil {
			return fmt.Errorf("stacks: %w", err)
		}
	}
	return nil
}

func (s *Syscall) validate(buckets int) error {
	switch {
	case s.Trap < -1:
		return fmt.Errorf("trap %d is invalid (the only negative trap is -1, unknown)", s.Trap)
	case s.Name == "":
		return errors.New("missing name")
	case s.Path == "":
		return errors.New("missing path")
	case s.IsTimed() && len(s.Hist) != buckets:
		return fmt.Errorf("hist has %d buckets, want %d", len(s.Hist), buckets)
	case !s.IsTimed() && len(s.Hist) != 0:
		return fmt.Errorf("an untimed %s row has a histogram", s.Path)
	}
	return nil
}

// validateSnapshot checks the snapshot fields that are present.
func (d *Dump) validateSnapshot() error {
	switch {
	case d.PID != nil && *d.PID <= 0:
		return fmt.Errorf("pid is %d, not a process id", *d.PID)
	case d.Seq != nil && *d.Seq == 0:
		return errors.New("seq is 0 (a process numbers its dumps from 1)")
	case d.Ending != nil && !d.IsFinal():
		return errors.New(`"ending" in a dump whose "final" is not true (only the final dump says how the process ended)`)
	case d.Ending != nil && d.Ending.How == "":
		return errors.New(`ending: missing "how"`)
	case d.Ending != nil && d.Ending.How == EndSignal && d.Ending.Signal <= 0:
		return errors.New(`ending: how is "signal" but there is no signal number`)
	}
	return nil
}
