package plan

import (
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"sort"
	"strings"

	"github.com/syscope/syscope"
)

// All returns the embedded plans, oldest range first, and an error if
// one does not parse or their ranges leave a gap or overlap.
func All() ([]*Plan, error) {
	ents, err := fs.Glob(syscope.Files, "patches/*.plan")
	if err != nil {
		return nil, err
	}
	var plans []*Plan
	var errs []error
	for _, name := range ents {
		data, _ := fs.ReadFile(syscope.Files, name)
		p, err := Parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		plans = append(plans, p)
	}
	sort.Slice(plans, func(i, j int) bool { return version.Compare(plans[i].First, plans[j].First) < 0 })
	if len(errs) == 0 {
		if err := CheckRanges(plans); err != nil {
			errs = append(errs, err)
		}
	}
	return plans, errors.Join(errs...)
}

// CheckRanges reports plans, sorted by their first release, whose ranges
// overlap (Select takes the first that covers a release, so the other
// would never be used) or leave a minor release between them that no
// plan covers.
func CheckRanges(plans []*Plan) error {
	var errs []error
	for i := 1; i < len(plans); i++ {
		a, b := plans[i-1], plans[i]
		next := NextMinor(a.Last)
		switch {
		case !version.IsValid(a.Last) || version.Lang(a.Last) != a.Last:
			errs = append(errs, fmt.Errorf("%s: last release %q is not goX.Y", a.Name, a.Last))
		case version.Compare(b.First, a.Last) <= 0:
			errs = append(errs, fmt.Errorf("%s (%s to %s) and %s (%s to %s) overlap", a.Name, a.First, a.Last, b.Name, b.First, b.Last))
		case version.Compare(b.First, next) > 0:
			errs = append(errs, fmt.Errorf("no plan covers %s: %s ends at %s and %s starts at %s", next, a.Name, a.Last, b.Name, b.First))
		}
	}
	return errors.Join(errs...)
}

// Select picks the plan for release v. With force, a release newer than
// every plan gets the newest plan, to be tried and fail cleanly if an
// anchor moved.
func Select(plans []*Plan, v string, force bool) (*Plan, error) {
	for _, p := range plans {
		if p.Covers(v) {
			return p, nil
		}
	}
	first, last := plans[0].First, plans[len(plans)-1].Last
	if force && version.Compare(v, last) > 0 {
		return plans[len(plans)-1], nil
	}
	msg := fmt.Sprintf("%s is not supported: syscope supports %s through %s.x", v, first, last)
	if version.Compare(v, last) > 0 {
		msg += " (-force tries the newest plan)"
	}
	return nil, errors.New(msg)
}

// NextMinor returns the minor release after v's.
func NextMinor(v string) string {
	var maj, min int
	fmt.Sscanf(strings.TrimPrefix(version.Lang(v), "go"), "%d.%d", &maj, &min)
	return fmt.Sprintf("go%d.%d", maj, min+1)
}
