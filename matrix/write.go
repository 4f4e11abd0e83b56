package matrix

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes the table: one row per release, one column per
// metric, each cell the median and, in brackets, the range of the runs.
func (r *Result) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s: %d runs per release, median [min-max]\n", r.Scenario, r.Runs)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "release\tplan\t%s\n", strings.Join(r.Metrics, "\t"))
	for _, row := range r.Rows {
		if row.Skipped != "" {
			// The reason goes below the table: a long cell here would
			// widen the column.
			cells := []string{row.Release, "-", "skipped"}
			for range r.Metrics[1:] {
				cells = append(cells, "-")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
			continue
		}
		cells := []string{row.Release, row.Plan}
		for _, name := range r.Metrics {
			st, ok := row.Stats[name]
			if !ok {
				cells = append(cells, "n/a")
				continue
			}
			c := Num(st.Median) + " [" + Num(st.Min) + "-" + Num(st.Max) + "]"
			if st.N < r.Runs {
				c += fmt.Sprintf(" (%d runs)", st.N)
			}
			cells = append(cells, c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if row.Skipped != "" {
			fmt.Fprintf(w, "%s: skipped: %s\n", row.Release, row.Skipped)
		}
		for _, e := range row.Errors {
			fmt.Fprintf(w, "%s: %s\n", row.Release, e)
		}
	}
	return nil
}

// WriteJSON writes the result as indented JSON (schema syscope-matrix/v1).
func (r *Result) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// Num formats a value: an integer as one, anything else with about
// three significant digits.
func Num(v float64) string {
	a := math.Abs(v)
	switch {
	case v == math.Trunc(v) && a < 1e15:
		return strconv.FormatInt(int64(v), 10)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// Row returns the row of a release, or nil.
func (r *Result) Row(release string) *Row {
	for _, row := range r.Rows {
		if row.Release == release {
			return row
		}
	}
	return nil
}
