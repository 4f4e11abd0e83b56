package main

import (
	"encoding/binary"
	"testing"
)

// The loops do the work they are timed for: a loop the assembler or a
// typo reduced to nothing would time as free.
func TestParts(t *testing.T) {
	s := &state{status: 3, rate: 1000, rand: 88172645463325252, dt: 700}
	loopEmpty(10, s)
	if s.n != 10 {
		t.Fatalf("loopEmpty ran %d times, want 10", s.n)
	}
	loopClock(10, s)
	if s.ticks == 0 {
		t.Errorf("loopClock: no ticks elapsed over 10 clock pairs")
	}
	// Slot 39 (getpid's trap, at 39*1024 & 15*1024) keyed 39: every
	// iteration finds its key.
	off := 39 * 1024 & (15 * 1024)
	binary.LittleEndian.PutUint64(s.slots[off:], 39)
	s.ticks = 0
	loopSlot(10, s)
	if s.ticks != 10 || s.open != 2 {
		t.Errorf("loopSlot: %d key matches and open %d, want 10 and 2", s.ticks, s.open)
	}
	for i := range s.slots {
		s.slots[i] = 0
	}
	loopHist(10, s)
	word := func(i int) uint64 { return binary.LittleEndian.Uint64(s.slots[8*i:]) }
	// total at 8, max at 16, 700's bucket (bit 9) at 64 + 9*8.
	if word(1) != 7000 || word(2) != 700 || word(8+9) != 10 {
		t.Errorf("loopHist: total %d, max %d, bucket 9 %d; want 7000, 700, 10", word(1), word(2), word(8+9))
	}
	loopSample(1000, s)
	// A call of 700 ticks at a rate of 1000 is sampled with probability 0.7.
	if s.sampled < 600 || s.sampled > 800 {
		t.Errorf("loopSample: %d of 1000 calls of 0.7 the rate sampled", s.sampled)
	}
	s.dt, s.sampled = 1000, 0
	loopSample(10, s)
	if s.sampled != 10 {
		t.Errorf("loopSample: %d of 10 calls at the rate sampled, want all", s.sampled)
	}

	// Beside a real call: every getpid is made, timed, and, with the
	// slot keyed, lands in the histogram.
	g := &state{status: 3, rate: 1 << 31, rand: 88172645463325252}
	loopGetpid(10, g)
	if g.n != 10 {
		t.Errorf("loopGetpid ran %d times, want 10", g.n)
	}
	loopGetpidClock(10, g)
	if g.n != 20 || g.ticks == 0 {
		t.Errorf("loopGetpidClock: %d runs and %d ticks, want 20 and some", g.n, g.ticks)
	}
	getpidKey(g)
	g.ticks = 0
	loopGetpidAll(10, g)
	slot := g.slots[39*1024&(15*1024):]
	var calls uint64
	for b := 0; b < 64; b++ {
		calls += binary.LittleEndian.Uint64(slot[64+8*b:])
	}
	if calls != 10 || binary.LittleEndian.Uint64(slot[8:]) != g.ticks || g.open != 2 {
		t.Errorf("loopGetpidAll: %d calls in the histogram, total %d, ticks %d, open %d; want 10, the ticks, 2", calls, binary.LittleEndian.Uint64(slot[8:]), g.ticks, g.open)
	}
}
