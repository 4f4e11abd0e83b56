package report

import (
	"fmt"
	"strconv"
)

// duration formats ns with 2-3 significant digits in the largest unit that
// keeps the number >= 1, so columns of very different magnitudes stay
// short and comparable at a glance: 85ns, 1.2us, 40us, 120us, 1.2ms, 3.5s.
func duration(ns uint64) string {
	units := []struct {
		name string
		size float64
	}{{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}}
	if ns < 1000 {
		return strconv.FormatUint(ns, 10) + "ns"
	}
	for i, u := range units {
		v := float64(ns) / u.size
		if v < 1 {
			continue
		}
		s := fmt.Sprintf("%.0f", v)
		if v < 9.95 {
			s = fmt.Sprintf("%.1f", v)
		}
		// 999.7us rounds to "1000us"; say "1.0ms" instead.
		if s == "1000" && i > 0 {
			return "1.0" + units[i-1].name
		}
		return s + u.name
	}
	panic("unreachable")
}

// seconds formats ns as seconds with 6 decimals (microsecond resolution,
// as strace -c does), in integer arithmetic so large totals stay exact.
func seconds(ns uint64) string {
	us := ns/1000 + (ns%1000+500)/1000
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// perMille formats num per 1,000 of den with one decimal, or n/a with the
// reason when there is nothing to divide by.
func perMille(num, den uint64, what string) string {
	if den == 0 {
		return "n/a (no " + what + ")"
	}
	return fmt.Sprintf("%.1f", float64(num)*1000/float64(den))
}

// percent formats num as a share of den in % with one decimal.
func percent(num, den uint64, what string) string {
	if den == 0 {
		return "n/a (no " + what + ")"
	}
	return fmt.Sprintf("%.1f%%", float64(num)*100/float64(den))
}

// seconds3 formats ns as seconds with 3 decimals (millisecond
// resolution), for the time between dumps.
func seconds3(ns uint64) string {
	ms := ns/1e6 + (ns%1e6+5e5)/1e6
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}
