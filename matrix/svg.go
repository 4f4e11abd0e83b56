package matrix

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartW     = 900
	marginL    = 72
	marginR    = 24
	headH      = 54 // title and subtitle
	planH      = 26 // the strip that names the plans
	panelH     = 230
	panelGap   = 64
	footH      = 34
	plotTopPad = 26 // room for a panel's title
)

// plotColors are for the metrics, in order; the plan bands alternate
// between two greys.
var plotColors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"}

// WriteSVG draws one panel per metric. Each release is a column: a box
// from the lower to the upper quartile, a whisker from the minimum to the
// maximum, and a dot on the median, labelled; a line joins the medians.
// Columns are banded by the plan that instrumented them, so a change of
// runtime code (go1.26 rewrote the syscall exit path) shows as a change
// of band. The value axis starts at zero unless every value is negative.
func (r *Result) WriteSVG(w io.Writer) error {
	n := len(r.Rows)
	if n == 0 {
		return fmt.Errorf("nothing to draw: no releases")
	}
	if len(r.Metrics) == 0 {
		return fmt.Errorf("nothing to draw: no metrics")
	}
	step := float64(chartW-marginL-marginR) / float64(n)
	labelH := 26 // under the last panel: release labels, slanted when narrow
	if slanted(step) {
		labelH = 56
	}
	top0 := headH + planH
	height := top0 + len(r.Metrics)*(panelH+panelGap) - panelGap + labelH + footH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`+"\n", chartW, height, chartW, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	title := r.Title
	if title == "" {
		title = r.Scenario
		if len(r.Args) > 0 {
			title += " " + strings.Join(r.Args, " ")
		}
		title += ": per release, instrumented by syscope"
	}
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="17" font-weight="bold">%s</text>`+"\n", marginL, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="44" fill="#444">%s</text>`+"\n", marginL, esc(fmt.Sprintf(
		"%d runs each; dot = median, box = quartiles, whisker = min to max; %s, %s", r.Runs, r.Host, r.Date)))

	xOf := func(i int) float64 { return float64(marginL) + step*(float64(i)+0.5) }
	r.planStrip(&b, float64(headH), step, xOf)
	for k, name := range r.Metrics {
		top := float64(top0 + k*(panelH+panelGap))
		r.panel(&b, name, plotColors[k%len(plotColors)], top, step, xOf)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#666" font-size="11">%s</text>`+"\n", marginL, height-12,
		esc("shaded bands: the syscope plan (range of runtime code) that instrumented each release; × = release skipped, n/a = not recorded"))
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// band is a run of consecutive rows [first, end) with the same plan.
type band struct {
	first, end int
	fill       string
}

// bands returns the bands of r's rows. Plans alternate between two
// greys; rows with no plan (skipped before an overlay was made) are
// white and do not count in the alternation.
func (r *Result) bands() []band {
	var bs []band
	k := 0
	for i := 0; i < len(r.Rows); {
		j := i
		for j < len(r.Rows) && r.Rows[j].Plan == r.Rows[i].Plan {
			j++
		}
		fill := "#ffffff"
		if r.Rows[i].Plan != "" {
			fill = []string{"#f1f1f1", "#e0e0e0"}[k%2]
			k++
		}
		bs = append(bs, band{i, j, fill})
		i = j
	}
	return bs
}

// planStrip names the plan of each band once, above the first panel.
func (r *Result) planStrip(b *strings.Builder, y, step float64, xOf func(int) float64) {
	for _, bd := range r.bands() {
		plan := r.Rows[bd.first].Plan
		if plan == "" {
			continue
		}
		x0, x1 := xOf(bd.first)-step/2, xOf(bd.end-1)+step/2
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x0+1, y+4, x1-x0-2, planH-8.0, bd.fill)
		label := "plan " + plan
		if x1-x0 < 70 {
			label = plan
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#555" font-size="11" text-anchor="middle">%s</text>`+"\n", (x0+x1)/2, y+17.5, esc(label))
	}
}

func (r *Result) panel(b *strings.Builder, name, color string, top, step float64, xOf func(int) float64) {
	plotTop := top + plotTopPad
	plotBot := top + panelH
	left, right := float64(marginL), float64(chartW-marginR)

	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range r.Rows {
		if st, ok := row.Stats[name]; ok {
			lo, hi = math.Min(lo, st.Min), math.Max(hi, st.Max)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	ticks := niceTicks(lo, hi)
	y0, y1 := ticks[0], ticks[len(ticks)-1]
	yOf := func(v float64) float64 { return plotBot - (v-y0)/(y1-y0)*(plotBot-plotTop) }

	for _, bd := range r.bands() {
		x := xOf(bd.first) - step/2
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, plotTop, step*float64(bd.end-bd.first), plotBot-plotTop, bd.fill)
	}

	// Title, axes and grid.
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" fill="%s">%s</text>`+"\n", left, top+16, color, esc(name))
	for _, t := range ticks {
		y := yOf(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c8c8c8" stroke-width="0.8"/>`+"\n", left, y, right, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#333">%s</text>`+"\n", left-6, y+4, strconv.FormatFloat(t, 'f', -1, 64))
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, plotTop, left, plotBot)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, plotBot, right, plotBot)

	// Median line, broken where a release has no value, then the boxes
	// and dots over it.
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-opacity="0.6"/>`+"\n", strings.Join(seg, " "), color)
		}
		seg = nil
	}
	for i, row := range r.Rows {
		st, ok := row.Stats[name]
		if !ok {
			flush()
			continue
		}
		seg = append(seg, fmt.Sprintf("%.1f,%.1f", xOf(i), yOf(st.Median)))
	}
	flush()
	box := math.Min(step*0.3, 18)
	for i, row := range r.Rows {
		x := xOf(i)
		st, ok := row.Stats[name]
		if !ok {
			mark, size := "n/a", 11
			if row.Skipped != "" {
				mark, size = "×", 16
			}
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="%d" fill="#888">%s</text>`+"\n", x, plotBot-8, size, mark)
			continue
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.2"/>`+"\n", x, yOf(st.Min), x, yOf(st.Max), color)
		for _, v := range []float64{st.Min, st.Max} {
			fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.2"/>`+"\n", x-box/3, yOf(v), x+box/3, yOf(v), color)
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.25" stroke="%s"/>`+"\n",
			x-box/2, yOf(st.Q3), box, math.Max(yOf(st.Q1)-yOf(st.Q3), 0.5), color, color)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.6" fill="%s"><title>%s</title></circle>`+"\n", x, yOf(st.Median), color,
			esc(fmt.Sprintf("%s %s: median %s, min %s, max %s, n %d", row.Release, name, Num(st.Median), Num(st.Min), Num(st.Max), st.N)))
		// The median's value, right of the box, inside the plot.
		ly := math.Min(math.Max(yOf(st.Median)+4, plotTop+10), plotBot-3)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="#222">%s</text>`+"\n", x+box/2+3, ly, Num(st.Median))
	}

	// Release labels under every panel, slanted when they would collide.
	for i, row := range r.Rows {
		x, y := xOf(i), plotBot+15
		if slanted(step) {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="11" transform="rotate(-35 %.1f %.1f)">%s</text>`+"\n", x+4, y, x+4, y, esc(row.Release))
		} else {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%s</text>`+"\n", x, y, esc(row.Release))
		}
	}
}

// slanted reports whether release labels in columns step wide must be
// slanted so that they do not collide.
func slanted(step float64) bool { return step < 72 }

// niceTicks returns evenly spaced round values from lo (or zero) to at
// least hi: 2 to 7 of them, the last at or above hi.
func niceTicks(lo, hi float64) []float64 {
	switch {
	case lo >= 0:
		lo = 0
	case hi < 0:
		hi = 0
	}
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	var tick float64
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if tick = m * mag; tick >= raw {
			break
		}
	}
	start := math.Floor(lo/tick) * tick
	var ts []float64
	for k := 0; ; k++ {
		v := start + float64(k)*tick
		// Drop float noise: 3*0.2 is 0.6000000000000001.
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
		ts = append(ts, v)
		if v >= hi-tick*1e-9 && len(ts) >= 2 {
			break
		}
	}
	return ts
}

func esc(s string) string { return html.EscapeString(s) }
