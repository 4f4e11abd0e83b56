//go:build ignore

// Helpers for syscope's hooks. They are assembly so that the added Go
// files import nothing: the runtime's internal atomic package moved
// between releases, and one source must build on all of them.

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

// func syscopeAsmEnd() and syscopeAsmEnd6()
// Called by the assembly syscall.Syscall and Syscall6 (go1.16-go1.18,
// frame $0) just before exitsyscall: 8(SP) is then Syscall's return PC,
// so its arguments start at 16(SP): trap at 16, err at 16+48 (Syscall) or
// 16+72 (Syscall6). They pass both to syscopeSyscallEnd. NOFRAME keeps
// those offsets fixed.
#define SYSCOPE_ASM_END(errOff, label) \
	CMPB	runtime·syscopeOn(SB), $0 \
	JEQ	label \
	MOVQ	16(SP), AX \
	MOVQ	errOff(SP), BX \
	SUBQ	$24, SP \
	MOVQ	AX, 0(SP) \
	MOVQ	BX, 8(SP) \
	CALL	runtime·syscopeSyscallEnd(SB) \
	ADDQ	$24, SP \
label: \
	RET

TEXT runtime·syscopeAsmEnd(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ASM_END(64, off)

TEXT runtime·syscopeAsmEnd6(SB),NOSPLIT|NOFRAME,$0-0
	SYSCOPE_ASM_END(88, off6)
