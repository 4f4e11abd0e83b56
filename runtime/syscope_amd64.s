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

// func syscopeXaddNew(p *uint64, d uint64) uint64
// Returns the new value.
TEXT runtime·syscopeXaddNew(SB),NOSPLIT,$0-24
	MOVQ	p+0(FP), BX
	MOVQ	d+8(FP), AX
	MOVQ	AX, CX
	LOCK
	XADDQ	AX, 0(BX)
	ADDQ	CX, AX
	MOVQ	AX, ret+16(FP)
	RET

// func syscopeOr64(p *uint64, v uint64)
TEXT runtime·syscopeOr64(SB),NOSPLIT,$0-16
	MOVQ	p+0(FP), BX
	MOVQ	v+8(FP), AX
	LOCK
	ORQ	AX, 0(BX)
	RET

// func syscopeAnd64(p *uint64, v uint64)
TEXT runtime·syscopeAnd64(SB),NOSPLIT,$0-16
	MOVQ	p+0(FP), BX
	MOVQ	v+8(FP), AX
	LOCK
	ANDQ	AX, 0(BX)
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

// func syscopeLoad64(p *uint64) uint64
// A plain load: on amd64 an aligned 64-bit load is atomic and is not
// reordered with other loads, and the compiler cannot merge, hoist or
// drop a call it cannot see into. Every store it must see in order is
// made with a locked instruction (XADD, CMPXCHG, XCHG) or by a thread's
// own plain stores, which amd64 keeps in order. (It was a LOCK CMPXCHG
// that changed nothing: every load took its cache line exclusive, and a
// snapshot's walk of the stack and mark tables wrote 1.5 MB with the
// world stopped.)
TEXT runtime·syscopeLoad64(SB),NOSPLIT,$0-16
	MOVQ	p+0(FP), BX
	MOVQ	0(BX), AX
	MOVQ	AX, ret+8(FP)
	RET

// func syscopePrefetch(addr uintptr)
// Asks for addr's cache line, without waiting for it; it never faults.
TEXT runtime·syscopePrefetch(SB),NOSPLIT,$0-8
	MOVQ	addr+0(FP), AX
	PREFETCHT0	(AX)
	RET

// func syscopeStore64(p *uint64, v uint64)
// XCHG: the store is ordered after every earlier one and seen at once.
TEXT runtime·syscopeStore64(SB),NOSPLIT,$0-16
	MOVQ	p+0(FP), BX
	MOVQ	v+8(FP), AX
	XCHGQ	AX, 0(BX)
	RET

// func syscopeXchg64(p *uint64, v uint64) uint64
TEXT runtime·syscopeXchg64(SB),NOSPLIT,$0-24
	MOVQ	p+0(FP), BX
	MOVQ	v+8(FP), AX
	XCHGQ	AX, 0(BX)
	MOVQ	AX, ret+16(FP)
	RET

// func syscopeFP() uintptr
// Frameless, so BP is still the calling function's frame pointer.
TEXT runtime·syscopeFP(SB),NOSPLIT|NOFRAME,$0-8
	MOVQ	BP, ret+0(FP)
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

// SYSCOPE_SAVE and SYSCOPE_RESTORE keep, around a call into Go from the
// recorders, what the caller and the vfork child still need.
#define SYSCOPE_SAVE \
	PUSHQ	AX \
	PUSHQ	BX \
	PUSHQ	CX \
	PUSHQ	R11 \
	PUSHQ	R12 \
	PUSHQ	DI \
	PUSHQ	SI \
	PUSHQ	R8 \
	PUSHQ	R9 \
	PUSHQ	R10

#define SYSCOPE_RESTORE \
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

// SYSCOPE_EVICT flushes slot CX into the global table and gives it key
// R12, through the Go function syscopeEvict, saving what the caller and
// the vfork child still need. CX is then the slot syscopeEvict returns:
// it moves a new M from syscopeNoSlots to its own block. The result is
// stored over the saved CX, 56 bytes above the last push.
#define SYSCOPE_EVICT \
	SYSCOPE_SAVE \
	SUBQ	$24, SP \
	MOVQ	CX, 0(SP) \
	MOVQ	R12, 8(SP) \
	CALL	runtime·syscopeEvict(SB) \
	MOVQ	16(SP), CX \
	MOVQ	CX, (24+56)(SP) \
	ADDQ	$24, SP \
	SYSCOPE_RESTORE

// The recorders below share one register convention after the call's
// SYSCALL: R11 is the kernel's result (-errno on failure), R12 the trap,
// R13 the tick count before the call, and AX, once SYSCOPE_TICKS has
// run, the ticks in the call. They are NOSPLIT, allocate nothing and
// write only the current M's record. In the vfork child of forkExec they
// write the parent's M record, which is safe because the parent thread
// is suspended until the child execs or exits.

// SYSCOPE_TICKS: AX = ticks since R13. RDTSC without a fence: syscalls
// last hundreds of cycles, so the reordering error is noise.
#define SYSCOPE_TICKS \
	RDTSC \
	SHLQ	$32, DX \
	ORQ	DX, AX \
	SUBQ	R13, AX

// SYSCOPE_CLAIM(gp) finds the slot for the call made by goroutine gp and
// leaves it in CX. The call is on the syscall path when gp is in
// _Gsyscall (inside the entersyscall of syscall.Syscall), and on the raw
// path otherwise. The status's low byte is compared: a concurrent stack
// scan may have set _Gscan (0x1000). Claiming the entry moves it from
// open (1) to recording (2) in m.syscopeOpen, so the dump can tell a
// goroutine in flight before its SYSCALL returned from one after, and a
// fold that met a call half recorded takes it again (syscope_read.go).
// The exit ends the recording and rearms the flag for the next entry
// (1, which the entry leaves as it is: see syscopeEnter), once it has
// counted the exit and before it can block: syscopeExitKept and
// syscopeLostFast on the fast paths; on the slow path syscopeSlowMark
// sets 3 (exiting) and syscopeSlowExit rearms it. A claimed call comes from
// syscall.Syscall and its kind, whose exitsyscall follows the wrapper at
// once, so the wrappers that make them (Syscall6; Syscall and Syscall6
// on go1.16-go1.18, which call exitsyscall themselves) close nothing:
// six instructions less a call. The raw wrappers and syscopeSysAfter,
// which a goroutine in _Gsyscall does not call, still close what they
// claim (SYSCOPE_CLOSE). Every M has a record and m.syscopeSlots while
// syscopeOn is set (syscopeEarly gives m0 its own; allocm gives the
// others theirs), and no wrapper runs on an M after mexit has dropped
// them, so neither is tested for nil. The slot is the
// trap's low bits times the slot size, a power of two, so a multiply
// and a mask index it.
#define SYSCOPE_CLAIM(gp) \
	MOVQ	g_m(gp), DX \
	CMPB	g_atomicstatus(gp), $const__Gsyscall \
	JNE	raw \
	SYSCOPE_CLAIM_M

// SYSCOPE_CLAIM_M is SYSCOPE_CLAIM for a call known to be on the syscall
// path, with DX the M.
#define SYSCOPE_CLAIM_M \
	MOVB	$2, m_syscopeOpen(DX) \
	MOVQ	m_syscopeSlots(DX), CX \
	IMUL3Q	$syscopeSlot__size, R12, DX \
	ANDQ	$((const_syscopeSlots-1)*syscopeSlot__size), DX \
	LEAQ	(CX)(DX*1), CX \
	CMPQ	syscopeSlot_key(CX), R12 \
	JNE	evict

// SYSCOPE_CLOSE(r) ends a claim's recording on the current M, using r,
// and rearms the flag as an exit does: it leaves an M whose entry no
// claim took (the raw path) alone.
#define SYSCOPE_CLOSE(r) \
	get_tls(r) \
	MOVQ	g(r), r \
	MOVQ	g_m(r), r \
	CMPB	m_syscopeOpen(r), $2 \
	JNE	2(PC) \
	MOVB	$1, m_syscopeOpen(r)

// SYSCOPE_TIMED adds a call of AX ticks to slot CX. The bucket is the
// index of the top set bit (see the dump); BSRQ leaves a zero AX alone,
// and a negative difference (ticks from two unsynchronised CPUs) lands
// in the last bucket, so the index stays in the table.
#define SYSCOPE_TIMED \
	ADDQ	AX, syscopeSlot_total(CX) \
	CMPQ	AX, syscopeSlot_max(CX) \
	JLS	2(PC) \
	MOVQ	AX, syscopeSlot_max(CX) \
	BSRQ	AX, AX \
	INCQ	syscopeSlot_hist(CX)(AX*8)

// SYSCOPE_RECORD(r) loads the current M's record into r.
#define SYSCOPE_RECORD(r) \
	get_tls(r) \
	MOVQ	g(r), r \
	MOVQ	g_m(r), r \
	MOVQ	m_syscope(r), r

// SYSCOPE_PROFILE(sampled) is the block profile's rule for a call of AX
// ticks: it jumps to sampled when the call is at least the rate
// (syscopeProfTk, below 2^32), or else with probability AX/rate: u, the
// top half of the M's next xorshift64 number times the rate, over 2^32,
// is uniform in [0, rate), and the call is sampled when u < AX. It falls
// through otherwise, with only DX and R13 changed.
#define SYSCOPE_PROFILE(sampled) \
	CMPQ	AX, runtime·syscopeProfTk(SB) \
	JCC	sampled \
	SYSCOPE_RECORD(R13) \
	PUSHQ	BX \
	MOVQ	syscopeM_rand(R13), DX \
	MOVQ	DX, BX \
	SHLQ	$13, BX \
	XORQ	BX, DX \
	MOVQ	DX, BX \
	SHRQ	$7, BX \
	XORQ	BX, DX \
	MOVQ	DX, BX \
	SHLQ	$17, BX \
	XORQ	BX, DX \
	MOVQ	DX, syscopeM_rand(R13) \
	POPQ	BX \
	SHRQ	$32, DX \
	IMULQ	runtime·syscopeProfTk(SB), DX \
	SHRQ	$32, DX \
	CMPQ	DX, AX \
	JCS	sampled

// SYSCOPE_SAMPLE(ret) hands the call of AX ticks with key R12 to
// syscopeSample (syscope_stacks.go), with the wrapper's return address,
// ret(SP), and BP, the frame pointer of the function it returns to, saving
// what SYSCOPE_EVICT saves.
#define SYSCOPE_SAMPLE(ret) \
	MOVQ	ret(SP), R13 \
	SYSCOPE_SAVE \
	SUBQ	$32, SP \
	MOVQ	R13, 0(SP) \
	MOVQ	BP, 8(SP) \
	MOVQ	R12, 16(SP) \
	MOVQ	AX, 24(SP) \
	CALL	runtime·syscopeSample(SB) \
	ADDQ	$32, SP \
	SYSCOPE_RESTORE

// SYSCOPE_RAW(ret) is the raw path, entered at "raw" from SYSCOPE_CLAIM
// with DX the M: the trap with the raw bit, in the slot half a table
// away from the syscall path's. It holds both paths' evictions too: while
// profiling, every slot's key has syscopeProfBit, so every call comes
// to "evict" or "rawevict", matches or evicts the slot with the bit, and
// goes through SYSCOPE_PROFILE, and SYSCOPE_SAMPLE when it is sampled,
// before it is recorded. With profiling off
// the hot path has no instruction more. A long raw call made while the M holds a
// P kept that P from every other goroutine: it is counted, and the call
// site of the longest is kept. ret(SP) is the return address of the
// frameless wrapper, and BP links the frames above it; a word that is
// not a code address is skipped when the dump resolves the site.
#define SYSCOPE_RAW(ret) \
raw: \
	MOVQ	m_syscopeSlots(DX), CX \
	IMUL3Q	$syscopeSlot__size, R12, DX \
	ADDQ	$((const_syscopeSlots/2)*syscopeSlot__size), DX \
	ANDQ	$((const_syscopeSlots-1)*syscopeSlot__size), DX \
	LEAQ	(CX)(DX*1), CX \
	BTSQ	$63, R12 \
	CMPQ	syscopeSlot_key(CX), R12 \
	JNE	rawevict \
rawrecord: \
	CMPQ	AX, runtime·syscopeRawLong(SB) \
	JHI	rawlong \
	JMP	record \
rawlong: \
	get_tls(R13) \
	MOVQ	g(R13), R13 \
	MOVQ	g_m(R13), R13 \
	CMPQ	m_p(R13), $0 \
	JEQ	record \
	INCQ	syscopeSlot_long(CX) \
	CMPQ	AX, syscopeSlot_longMax(CX) \
	JLS	record \
	MOVQ	AX, syscopeSlot_longMax(CX) \
	MOVQ	ret(SP), R13 \
	MOVQ	R13, (syscopeSlot_longPC+0)(CX) \
	MOVQ	$0, (syscopeSlot_longPC+8)(CX) \
	MOVQ	$0, (syscopeSlot_longPC+16)(CX) \
	MOVQ	$0, (syscopeSlot_longPC+24)(CX) \
	MOVQ	BP, R13 \
	SYSCOPE_FRAME(8) \
	SYSCOPE_FRAME(16) \
	SYSCOPE_FRAME(24) \
	JMP	record \
rawevict: \
	CMPB	runtime·syscopeProf(SB), $0 \
	JNE	rawprof \
	SYSCOPE_EVICT \
	JMP	rawrecord \
rawprof: \
	BTSQ	$62, R12 \
	CMPQ	syscopeSlot_key(CX), R12 \
	JEQ	rawprofslot \
	SYSCOPE_EVICT \
rawprofslot: \
	SYSCOPE_PROFILE(rawsampled) \
	JMP	rawrecord \
rawsampled: \
	SYSCOPE_SAMPLE(ret) \
	JMP	rawrecord \
evict: \
	CMPB	runtime·syscopeProf(SB), $0 \
	JNE	prof \
	SYSCOPE_EVICT \
	JMP	record \
prof: \
	SYSCOPE_RECORD(R13) \
	MOVQ	R12, syscopeM_key(R13) \
	BTSQ	$62, R12 \
	CMPQ	syscopeSlot_key(CX), R12 \
	JEQ	profslot \
	SYSCOPE_EVICT \
profslot: \
	SYSCOPE_PROFILE(sampled) \
	JMP	record \
sampled: \
	SYSCOPE_SAMPLE(ret) \
	JMP	record

// func syscopeRecSyscall6 stands in for internal/runtime/syscall's
// Syscall6 (runtime/internal/syscall before go1.21, .../linux from
// go1.26) while recording is on: the plan makes Syscall6 jump here, on
// its TEXT line, and pins Syscall6's body by hash, so this is the same
// call with the recording folded in. It has Syscall6's register
// convention, ABIInternal with g in R14: the trap in AX and a1-a6 in BX,
// CX, DI, SI, R8, R9; it returns r1 in AX, r2 in BX and errno in CX, as
// Syscall6 does, and the kernel's failure test decides both the result
// and the error count. It has no frame, so 0(SP) is Syscall6's caller.
TEXT runtime·syscopeRecSyscall6(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	AX, R12
	RDTSC
	SHLQ	$32, DX
	LEAQ	(AX)(DX*1), R13
	MOVQ	SI, R10			// a4
	MOVQ	DI, DX			// a3
	MOVQ	CX, SI			// a2
	MOVQ	BX, DI			// a1
	MOVQ	R12, AX			// trap
	SYSCALL
	MOVQ	DX, BX			// r2, as the kernel left it
	MOVQ	AX, R11
	SYSCOPE_TICKS
	SYSCOPE_CLAIM(R14)
record:
	SYSCOPE_TIMED
	CMPQ	R11, $0xfffffffffffff001
	JCC	failed
	MOVQ	R11, AX			// r1
	MOVQ	$0, CX			// errno
	RET
failed:
	INCQ	syscopeSlot_errors(CX)
	CMPQ	R11, $-4		// EINTR
	JNE	2(PC)
	INCQ	syscopeSlot_eintr(CX)
	MOVQ	R11, CX
	NEGQ	CX			// errno
	MOVQ	$-1, AX			// r1
	MOVQ	$0, BX			// r2
	RET
	SYSCOPE_RAW(0)

// The ABI0 recorders stand in for package syscall's assembly wrappers
// on go1.16-go1.18, whose bodies the plan pins by hash. The wrapper
// jumps here after its entersyscall, so that syscallpc still names the
// wrapper, with its frame (it has none) unchanged: 0(SP) is its return
// address and its arguments and results follow from 8(SP). The result
// stores are the wrapper's own, made once the call is recorded.

#define SYSCOPE_ABI0_START \
	RDTSC \
	SHLQ	$32, DX \
	LEAQ	(AX)(DX*1), R13

// SYSCOPE_ABI0_AFTER(claim) records the call; claim is SYSCOPE_ABI0_ANY,
// or SYSCOPE_ABI0_SYSCALL in the stand-ins for syscall.Syscall and
// Syscall6, which call entersyscall first: their calls are on the
// syscall path, and the goroutine's status need not be read.
#define SYSCOPE_ABI0_AFTER(claim) \
	MOVQ	AX, R11 \
	SYSCOPE_TICKS \
	claim \
record: \
	SYSCOPE_TIMED \
	CMPQ	R11, $0xfffffffffffff001

#define SYSCOPE_ABI0_ANY \
	get_tls(CX) \
	MOVQ	g(CX), CX \
	SYSCOPE_CLAIM(CX)

#define SYSCOPE_ABI0_SYSCALL \
	get_tls(DX) \
	MOVQ	g(DX), DX \
	MOVQ	g_m(DX), DX \
	SYSCOPE_CLAIM_M

#define SYSCOPE_ABI0_FAILED \
	INCQ	syscopeSlot_errors(CX) \
	CMPQ	R11, $-4 \
	JNE	2(PC) \
	INCQ	syscopeSlot_eintr(CX) \
	NEGQ	R11

// Arguments: trap at 8(SP), a1-a6 from 16(SP).
#define SYSCOPE_ABI0_ARGS3 \
	MOVQ	16(SP), DI \
	MOVQ	24(SP), SI \
	MOVQ	32(SP), DX

#define SYSCOPE_ABI0_ARGS6 \
	SYSCOPE_ABI0_ARGS3 \
	MOVQ	40(SP), R10 \
	MOVQ	48(SP), R8 \
	MOVQ	56(SP), R9

// SYSCOPE_ABI0_CALL(r1, claim) makes the call and records it; r1 is the
// offset of the results (r1, r2, err), claim as for SYSCOPE_ABI0_AFTER. It falls through with the flags of the
// kernel's failure test: carry clear means failure.
#define SYSCOPE_ABI0_CALL(r1, claim) \
	MOVQ	8(SP), AX \
	MOVQ	AX, R12 \
	SYSCALL \
	MOVQ	DX, (r1+8)(SP) \
	SYSCOPE_ABI0_AFTER(claim)

// SYSCOPE_ABI0_OK and SYSCOPE_ABI0_ERR store the results; the raw
// wrappers close what they claimed, the others leave it to exitsyscall.
#define SYSCOPE_ABI0_OK(r1) \
	MOVQ	R11, r1(SP) \
	MOVQ	$0, (r1+16)(SP)

#define SYSCOPE_ABI0_ERR(r1) \
	SYSCOPE_ABI0_FAILED \
	MOVQ	$-1, r1(SP) \
	MOVQ	$0, (r1+8)(SP) \
	MOVQ	R11, (r1+16)(SP)

// func syscopeRecSyscall for syscall.Syscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
TEXT runtime·syscopeRecSyscall(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ABI0_START
	SYSCOPE_ABI0_ARGS3
	SYSCOPE_ABI0_CALL(40, SYSCOPE_ABI0_SYSCALL)
	JCC	failed
	SYSCOPE_ABI0_OK(40)
	CALL	runtime·exitsyscall(SB)
	RET
failed:
	SYSCOPE_ABI0_ERR(40)
	CALL	runtime·exitsyscall(SB)
	RET
	SYSCOPE_RAW(0)

// func syscopeRecSyscall6ABI0 for syscall.Syscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
TEXT runtime·syscopeRecSyscall6ABI0(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ABI0_START
	SYSCOPE_ABI0_ARGS6
	SYSCOPE_ABI0_CALL(64, SYSCOPE_ABI0_SYSCALL)
	JCC	failed
	SYSCOPE_ABI0_OK(64)
	CALL	runtime·exitsyscall(SB)
	RET
failed:
	SYSCOPE_ABI0_ERR(64)
	CALL	runtime·exitsyscall(SB)
	RET
	SYSCOPE_RAW(0)

// func syscopeRecRawSyscall for syscall.RawSyscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
TEXT runtime·syscopeRecRawSyscall(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ABI0_START
	SYSCOPE_ABI0_ARGS3
	SYSCOPE_ABI0_CALL(40, SYSCOPE_ABI0_ANY)
	JCC	failed
	SYSCOPE_ABI0_OK(40)
	SYSCOPE_CLOSE(CX)
	RET
failed:
	SYSCOPE_ABI0_ERR(40)
	SYSCOPE_CLOSE(CX)
	RET
	SYSCOPE_RAW(0)

// func syscopeRecRawSyscall6 for syscall.RawSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
TEXT runtime·syscopeRecRawSyscall6(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ABI0_START
	SYSCOPE_ABI0_ARGS6
	SYSCOPE_ABI0_CALL(64, SYSCOPE_ABI0_ANY)
	JCC	failed
	SYSCOPE_ABI0_OK(64)
	SYSCOPE_CLOSE(CX)
	RET
failed:
	SYSCOPE_ABI0_ERR(64)
	SYSCOPE_CLOSE(CX)
	RET
	SYSCOPE_RAW(0)

// The other SYSCALL wrappers (rawSyscallNoError, gettimeofday and
// rawVforkSyscall in package syscall) are patched, on the SYSCALL line, to
//
//	CMPB runtime·syscopeOn(SB), $0; JEQ 11(PC); MOVQ AX, R12; MOVQ DX, R11;
//	RDTSC; SHLQ $32, DX; LEAQ (AX)(DX*1), R13; MOVQ R12, AX; MOVQ R11, DX;
//	SYSCALL; CALL runtime·syscopeSysAfter(SB); JMP 2(PC); SYSCALL
//
// so with recording off the cost is one compare and branch, and with it
// on R12 holds the trap and R13 the tick count before the call.

// syscopeSysAfter records one call for those wrappers. On entry AX is
// the kernel's result, DX the second result, R12 the trap and R13 the
// start tick. It preserves every register but BX, CX, R11, R12, R13 and
// the flags: the wrappers still need AX and DX, and in the vfork child
// of forkExec the caller's argument registers stay live. After PUSHQ DX,
// 16(SP) is the wrapper's return address when the wrapper has no frame
// (it is NOFRAME from go1.19).
TEXT runtime·syscopeSysAfter(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	AX, R11
	PUSHQ	DX
	SYSCOPE_TICKS
	get_tls(CX)
	MOVQ	g(CX), CX		// never nil: only Go code reaches the wrappers
	SYSCOPE_CLAIM(CX)
record:
	CMPQ	R11, $0xfffffffffffff001
	JCC	failed
timed:
	SYSCOPE_TIMED
	SYSCOPE_CLOSE(CX)
	POPQ	DX
	MOVQ	R11, AX
	RET
failed:
	INCQ	syscopeSlot_errors(CX)
	CMPQ	R11, $-4		// EINTR
	JNE	timed
	INCQ	syscopeSlot_eintr(CX)
	JMP	timed
	SYSCOPE_RAW(16)
