//go:build ignore

// Helpers for syscope's hooks. They are assembly so that the added Go
// files import nothing: the runtime's internal atomic package moved
// between releases, and one source must build on all of them.

#include "go_asm.h"
#include "go_tls.h"
#include "textflag.h"

// func syscopeTicks() uint64
// RDTSC without a fence: syscalls last hundreds of cycles, so the
// reordering error is noise, and a fence would cost more than the hook.
TEXT runtime·syscopeTicks(SB),NOSPLIT,$0-8
	RDTSC
	SHLQ	$32, DX
	ORQ	DX, AX
	MOVQ	AX, ret+0(FP)
	RET

// func syscopeXadd64(p *uint64, d uint64)
TEXT runtime·syscopeXadd64(SB),NOSPLIT,$0-16
	MOVQ	p+0(FP), BX
	MOVQ	d+8(FP), AX
	LOCK
	XADDQ	AX, 0(BX)
	RET

// func syscopeCas64(p *uint64, old, new uint64) bool
TEXT runtime·syscopeCas64(SB),NOSPLIT,$0-25
	MOVQ	p+0(FP), BX
	MOVQ	old+8(FP), AX
	MOVQ	new+16(FP), CX
	LOCK
	CMPXCHGQ	CX, 0(BX)
	SETEQ	ret+24(FP)
	RET

// func syscopeSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) uintptr
// A raw system call for the dump writer; it returns -errno on failure.
TEXT runtime·syscopeSyscall6(SB),NOSPLIT,$0-64
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	a4+32(FP), R10
	MOVQ	a5+40(FP), R8
	MOVQ	a6+48(FP), R9
	MOVQ	trap+0(FP), AX
	SYSCALL
	MOVQ	AX, ret+56(FP)
	RET

// SYSCOPE_FRAME stores the return address of the frame at R13 into
// longPC+off and steps R13 to the next frame, if R13 looks like a frame
// pointer into this stack.
#define SYSCOPE_FRAME(off) \
	CMPQ	R13, SP \
	JLS	record \
	MOVQ	R13, DX \
	SUBQ	SP, DX \
	CMPQ	DX, $(1<<20) \
	JHI	record \
	MOVQ	8(R13), DX \
	MOVQ	DX, (syscopeSlot_longPC+off)(CX) \
	MOVQ	0(R13), R13

// SYSCOPE_EVICT flushes slot CX into the global table and gives it key
// R12, through the Go function syscopeEvict, saving what the caller and
// the vfork child still need.
#define SYSCOPE_EVICT \
	PUSHQ	AX \
	PUSHQ	BX \
	PUSHQ	CX \
	PUSHQ	R11 \
	PUSHQ	R12 \
	PUSHQ	DI \
	PUSHQ	SI \
	PUSHQ	R8 \
	PUSHQ	R9 \
	PUSHQ	R10 \
	SUBQ	$16, SP \
	MOVQ	CX, 0(SP) \
	MOVQ	R12, 8(SP) \
	CALL	runtime·syscopeEvict(SB) \
	ADDQ	$16, SP \
	POPQ	R10 \
	POPQ	R9 \
	POPQ	R8 \
	POPQ	SI \
	POPQ	DI \
	POPQ	R12 \
	POPQ	R11 \
	POPQ	CX \
	POPQ	BX \
	POPQ	AX

// The SYSCALL wrappers (syscall.Syscall, Syscall6, RawSyscall and
// RawSyscall6 on go1.16-go1.18; what RawSyscall6 stands on from go1.19)
// are patched, on the SYSCALL line, to
//
//	CMPB runtime·syscopeOn(SB), $0; JEQ 11(PC); MOVQ AX, R12; MOVQ DX, R11;
//	RDTSC; SHLQ $32, DX; LEAQ -64(AX)(DX*1), R13; MOVQ R12, AX; MOVQ R11, DX;
//	SYSCALL; CALL runtime·syscopeSysAfter(SB); JMP 2(PC); SYSCALL
//
// so with recording off the cost is one compare and branch, and with it
// on R12 holds the trap and R13 the tick count before the call less
// syscopeBias (64): the LEAQ joins the tick's halves and subtracts the
// bias in one instruction, and the difference this function takes is
// the call's ticks plus the bias, which the bucketing needs.

// syscopeSysAfter records one call. On entry AX is the kernel's result
// (-errno on failure), DX the second result, R12 the trap and R13 the
// biased start tick. It preserves every register but BX, CX, R11, R12,
// R13, X0 and the flags: the wrappers still need AX and DX, and in the
// vfork child of forkExec the caller's argument registers stay live. It
// is NOSPLIT and allocates nothing; in the vfork child it writes the
// parent's M record, which is safe because the parent thread is
// suspended until the child execs or exits.
//
// The call is on the syscall path when its goroutine is in _Gsyscall,
// that is, inside the entersyscall of syscall.Syscall, and on the raw
// path otherwise. Claiming the entry closes it (m.syscopeOpen), so the
// dump can tell a goroutine in flight before its SYSCALL returned from
// one after.
//
// Every M has a record while syscopeOn is set (syscopeInit gives m0 its
// record before setting it; allocm gives the others theirs), and no
// wrapper runs on an M after mexit has dropped its record, so the record
// is not tested for nil here.
TEXT runtime·syscopeSysAfter(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	AX, R11
	PUSHQ	DX
	RDTSC
	SHLQ	$32, DX
	ORQ	DX, AX
	SUBQ	R13, AX			// AX = ticks in the call + syscopeBias
	get_tls(CX)
	MOVQ	g(CX), CX		// never nil: only Go code reaches the wrappers
	MOVQ	g_m(CX), BX
	// The status's low byte: a concurrent stack scan may have set _Gscan
	// (0x1000) meanwhile.
	CMPB	g_atomicstatus(CX), $const__Gsyscall
	JNE	raw
	MOVB	$0, m_syscopeOpen(BX)
	MOVQ	m_syscope(BX), BX
	MOVQ	R12, CX
	ANDQ	$(const_syscopeSlots-1), CX
	IMULQ	$syscopeSlot__size, CX
	LEAQ	syscopeM_slots(BX)(CX*1), CX
	CMPQ	syscopeSlot_key(CX), R12
	JNE	evict
record:
	CMPQ	R11, $0xfffffffffffff001
	JCC	failed
timed:
	ADDQ	AX, syscopeSlot_total(CX)
	CMPQ	AX, syscopeSlot_max(CX)
	JLS	2(PC)
	MOVQ	AX, syscopeSlot_max(CX)
	// The bucket: the float64 exponent and top mantissa bit of the
	// biased ticks (see syscopeBucket). The mask keeps a negative
	// difference (ticks from two unsynchronised CPUs) inside the table.
	CVTSQ2SD	AX, X0
	MOVQ	X0, AX
	SHRQ	$51, AX
	ANDL	$(const_syscopeBuckets-1), AX
	INCQ	syscopeSlot_hist(CX)(AX*8)
done:
	POPQ	DX
	MOVQ	R11, AX
	RET

raw:
	// Raw path: the trap with the raw bit, in the slot half a table away
	// from the syscall path's.
	MOVQ	m_syscope(BX), BX
	MOVQ	R12, CX
	ADDQ	$(const_syscopeSlots/2), CX
	ANDQ	$(const_syscopeSlots-1), CX
	BTSQ	$63, R12
	IMULQ	$syscopeSlot__size, CX
	LEAQ	syscopeM_slots(BX)(CX*1), CX
	CMPQ	syscopeSlot_key(CX), R12
	JNE	rawevict
rawrecord:
	CMPQ	AX, runtime·syscopeRawLong(SB)
	JHI	rawlong
	JMP	record

rawlong:
	// A long raw call made while the M holds a P kept that P from every
	// other goroutine: count it, and keep the call site of the longest.
	get_tls(R13)
	MOVQ	g(R13), R13
	MOVQ	g_m(R13), R13
	CMPQ	m_p(R13), $0
	JEQ	record
	INCQ	syscopeSlot_long(CX)
	CMPQ	AX, syscopeSlot_longMax(CX)
	JLS	record
	MOVQ	AX, syscopeSlot_longMax(CX)
	// 16(SP) is the wrapper's return address when the wrapper has no
	// frame (it is NOFRAME from go1.19); BP links the frames above it.
	// A word that is not a code address is skipped when the dump
	// resolves the site.
	MOVQ	16(SP), R13
	MOVQ	R13, (syscopeSlot_longPC+0)(CX)
	MOVQ	$0, (syscopeSlot_longPC+8)(CX)
	MOVQ	$0, (syscopeSlot_longPC+16)(CX)
	MOVQ	$0, (syscopeSlot_longPC+24)(CX)
	MOVQ	BP, R13
	SYSCOPE_FRAME(8)
	SYSCOPE_FRAME(16)
	SYSCOPE_FRAME(24)
	JMP	record

rawevict:
	SYSCOPE_EVICT
	JMP	rawrecord

evict:
	SYSCOPE_EVICT
	JMP	record

failed:
	INCQ	syscopeSlot_errors(CX)
	CMPQ	R11, $-4		// EINTR
	JNE	timed
	INCQ	syscopeSlot_eintr(CX)
	JMP	timed
