#include "go_asm.h"
#include "textflag.h"

// Each loop runs n times one part of what the recorder in
// runtime/syscope_amd64.s adds to a call (see percall.go), on a state
// of its own: slots of 1 KiB, keyed by trap, and a 64-bucket histogram.
// The parts are macros, so that the loops beside a real call below run
// the same instructions as the loops of one part. BX is the state.

// CLOCK_START reads the clock into R13; CLOCK_END leaves in AX the ticks
// since, and adds them to the state's.
#define CLOCK_START \
	RDTSC \
	SHLQ	$32, DX \
	LEAQ	(AX)(DX*1), R13

#define CLOCK_END \
	RDTSC \
	SHLQ	$32, DX \
	ORQ	DX, AX \
	SUBQ	R13, AX \
	ADDQ	AX, state_ticks(BX)

// SLOT(miss): the status test, the slot's address from the trap in R12
// (multiply and mask) into R8, and the key compare; it jumps to miss
// when either fails.
#define SLOT(miss) \
	CMPB	state_status(BX), $3 \
	JNE	miss \
	MOVB	$2, state_open(BX) \
	IMUL3Q	$1024, R12, DX \
	ANDQ	$(15*1024), DX \
	LEAQ	state_slots(BX)(DX*1), R8 \
	CMPQ	0(R8), R12 \
	JNE	miss

// HIST: total, max and the bucket of a call of AX ticks, in the slot at
// R8. It leaves the bucket's index in AX.
#define HIST \
	ADDQ	AX, 8(R8) \
	CMPQ	AX, 16(R8) \
	JLS	2(PC) \
	MOVQ	AX, 16(R8) \
	BSRQ	AX, AX \
	INCQ	64(R8)(AX*8)

// SAMPLE(sampled): the block profile's rule for a call of AX ticks: one
// xorshift64 step, a multiply by the rate and a compare; it jumps to
// sampled when the call is sampled.
#define SAMPLE(sampled) \
	CMPQ	AX, state_rate(BX) \
	JCC	sampled \
	MOVQ	state_rand(BX), DX \
	MOVQ	DX, R9 \
	SHLQ	$13, R9 \
	XORQ	R9, DX \
	MOVQ	DX, R9 \
	SHRQ	$7, R9 \
	XORQ	R9, DX \
	MOVQ	DX, R9 \
	SHLQ	$17, R9 \
	XORQ	R9, DX \
	MOVQ	DX, state_rand(BX) \
	SHRQ	$32, DX \
	IMULQ	state_rate(BX), DX \
	SHRQ	$32, DX \
	CMPQ	DX, AX \
	JCS	sampled

// func loopEmpty(n int, s *state)
TEXT ·loopEmpty(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), CX
	MOVQ	s+8(FP), BX
loop:
	INCQ	state_n(BX)
	DECQ	CX
	JNZ	loop
	RET

// func loopClock(n int, s *state): RDTSC before and after the call, and
// the difference.
TEXT ·loopClock(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), CX
	MOVQ	s+8(FP), BX
loop:
	INCQ	state_n(BX)
	CLOCK_START
	CLOCK_END
	DECQ	CX
	JNZ	loop
	RET

// func loopSlot(n int, s *state): the slot of getpid's trap, counted in
// s.ticks when its key matches.
TEXT ·loopSlot(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), CX
	MOVQ	s+8(FP), BX
	MOVQ	$39, R12
loop:
	INCQ	state_n(BX)
	SLOT(next)
	ADDQ	$1, state_ticks(BX)
next:
	DECQ	CX
	JNZ	loop
	RET

// func loopHist(n int, s *state): total, max and the bucket of a call of
// s.dt ticks, in the first slot.
TEXT ·loopHist(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), CX
	MOVQ	s+8(FP), BX
	LEAQ	state_slots(BX), R8
loop:
	INCQ	state_n(BX)
	MOVQ	state_dt(BX), AX
	HIST
	DECQ	CX
	JNZ	loop
	RET

// func loopSample(n int, s *state): sampling a call of s.dt ticks.
TEXT ·loopSample(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), CX
	MOVQ	s+8(FP), BX
loop:
	INCQ	state_n(BX)
	MOVQ	state_dt(BX), AX
	SAMPLE(sampled)
	JMP	next
sampled:
	INCQ	state_sampled(BX)
next:
	DECQ	CX
	JNZ	loop
	RET

// The loops below make a real system call, getpid(2) by SYSCALL, with
// nothing of the Go runtime around it, so that what the recorder adds is
// timed beside the kernel's work, where the parts overlap it. SYSCALL
// clobbers CX and R11: the count is in SI.

// func loopGetpid(n int, s *state): the bare call.
TEXT ·loopGetpid(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), SI
	MOVQ	s+8(FP), BX
loop:
	INCQ	state_n(BX)
	MOVQ	$39, AX
	SYSCALL
	DECQ	SI
	JNZ	loop
	RET

// func loopGetpidClock(n int, s *state): the call between the clock's
// two reads.
TEXT ·loopGetpidClock(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), SI
	MOVQ	s+8(FP), BX
loop:
	INCQ	state_n(BX)
	CLOCK_START
	MOVQ	$39, AX
	SYSCALL
	CLOCK_END
	DECQ	SI
	JNZ	loop
	RET

// func loopGetpidAll(n int, s *state): the call between the clock's two
// reads, then the slot, sampling and the histogram, in the recorder's
// order.
TEXT ·loopGetpidAll(SB),NOSPLIT,$0-16
	MOVQ	n+0(FP), SI
	MOVQ	s+8(FP), BX
	MOVQ	$39, R12
loop:
	INCQ	state_n(BX)
	CLOCK_START
	MOVQ	$39, AX
	SYSCALL
	CLOCK_END
	SLOT(next)
	SAMPLE(sampled)
	JMP	record
sampled:
	INCQ	state_sampled(BX)
record:
	HIST
next:
	DECQ	SI
	JNZ	loop
	RET
