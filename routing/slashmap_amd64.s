//go:build !purego

#include "textflag.h"

// Sixteen slashes, and sixteen bytes of 1: a byte ORed with 1 is a slash
// exactly when the byte was a slash (0x2f) or a dot (0x2e).
DATA slash16<>+0x00(SB)/8, $0x2f2f2f2f2f2f2f2f
DATA slash16<>+0x08(SB)/8, $0x2f2f2f2f2f2f2f2f
GLOBL slash16<>(SB), RODATA|NOPTR, $16
DATA ones16<>+0x00(SB)/8, $0x0101010101010101
DATA ones16<>+0x08(SB)/8, $0x0101010101010101
GLOBL ones16<>(SB), RODATA|NOPTR, $16

// MAPS compares the vector in X0 with the slashes and puts the masks, a
// bit per byte, in AX (slashes) and BX (slashes and dots). X1 holds the
// slashes, X3 the ones.
#define MAPS \
	MOVO     X0, X2 \
	PCMPEQB  X1, X0 \
	POR      X3, X2 \
	PCMPEQB  X1, X2 \
	PMOVMSKB X0, AX \
	PMOVMSKB X2, BX

// func slashMaps(s string) (slashes, slashOrDot uint64)
//
// s has 8 to 63 bytes. A path of 16 or more is read a vector at a time,
// the last vector ending at the end of s (it overlaps the one before: its
// bits fall where they are); a shorter one as two words, at 0 and at
// len(s)-8. Nothing is read outside s.
TEXT ·slashMaps(SB), NOSPLIT, $0-32
	MOVQ  s_base+0(FP), SI
	MOVQ  s_len+8(FP), R11
	MOVOU slash16<>(SB), X1
	MOVOU ones16<>(SB), X3
	CMPQ  R11, $16
	JB    short

	XORQ R8, R8
	XORQ R9, R9
	XORQ CX, CX // the offset of the vector

vectors:
	MOVOU (SI)(CX*1), X0
	MAPS
	SHLQ  CX, AX
	SHLQ  CX, BX
	ORQ   AX, R8
	ORQ   BX, R9
	ADDQ  $16, CX
	LEAQ  16(CX), DX
	CMPQ  DX, R11
	JBE   vectors
	CMPQ  CX, R11
	JEQ   done

	// The last bytes: the vector that ends s.
	LEAQ  -16(R11), CX
	MOVOU (SI)(CX*1), X0
	MAPS
	SHLQ  CX, AX
	SHLQ  CX, BX
	ORQ   AX, R8
	ORQ   BX, R9
	JMP   done

short:
	// The upper half of X0 is zero, which is neither a slash nor, ORed
	// with 1, one: its mask bits are clear.
	MOVQ (SI), X0
	MAPS
	MOVQ AX, R8
	MOVQ BX, R9
	LEAQ -8(R11), CX
	MOVQ (SI)(CX*1), X0
	MAPS
	SHLQ CX, AX
	SHLQ CX, BX
	ORQ  AX, R8
	ORQ  BX, R9

done:
	MOVQ R8, slashes+16(FP)
	MOVQ R9, slashOrDot+24(FP)
	RET
