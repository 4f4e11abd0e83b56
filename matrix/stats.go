package matrix

import (
	"math"
	"slices"
)

// Stats summarises one metric's runs on one release.
type Stats struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Q1     float64 `json:"q1"` // quartiles, by linear interpolation
	Q3     float64 `json:"q3"`
}

// Summarise computes the Stats of vs; the zero Stats if vs is empty.
func Summarise(vs []float64) Stats {
	if len(vs) == 0 {
		return Stats{}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return Stats{N: len(s), Median: quantile(s, 0.5), Min: s[0], Max: s[len(s)-1], Q1: quantile(s, 0.25), Q3: quantile(s, 0.75)}
}

// quantile of sorted s, interpolating between the two nearest ranks.
func quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
}
