package dump

import "math"

// Quantile estimates the q-quantile (0 <= q <= 1) of the call latencies in
// ns from the histogram: it finds the bucket holding rank ceil(q*n) and
// interpolates linearly inside it, assuming the calls in a bucket are
// spread evenly. The last bucket is unbounded, so MaxNS serves as its upper
// edge. The result is clamped to [0, MaxNS], since no call took longer.
//
// n is the histogram's own total. It equals Calls in a consistent dump;
// using it keeps the rank inside the histogram when a racy snapshot let
// the two drift apart. An all-zero histogram yields 0.
func (s *Syscall) Quantile(bounds []uint64, q float64) uint64 {
	var n uint64
	for _, c := range s.Hist {
		n += c
	}
	if n == 0 || len(bounds) == 0 {
		return 0
	}
	rank := rankOf(q, n)

	var before uint64 // observations in buckets below i
	for i, c := range s.Hist {
		if c == 0 || before+c < rank {
			before += c
			continue
		}
		var lo, hi uint64
		if i > 0 && i-1 < len(bounds) {
			lo = bounds[i-1]
		}
		if i < len(bounds)-1 {
			hi = bounds[i]
		} else {
			hi = max(s.MaxNS, lo) // unbounded last bucket
		}
		frac := float64(rank-before) / float64(c)
		v := lo + uint64(math.Round(float64(hi-lo)*frac))
		return min(v, s.MaxNS)
	}
	return s.MaxNS // not reached: rank <= n
}

// rankOf returns ceil(q*n) within [1, n]. Products that land a rounding
// error above an integer (0.29*100 = 29.000000000000004) count as that
// integer, so p99 of 100 calls is the 99th call, not the 100th.
func rankOf(q float64, n uint64) uint64 {
	if math.IsNaN(q) || q <= 0 {
		return 1
	}
	if q >= 1 {
		return n
	}
	x := q * float64(n)
	r := math.Ceil(x)
	if r-x > 1-1e-9*max(1, x) {
		r--
	}
	return min(max(uint64(r), 1), n)
}
