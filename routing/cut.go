package routing

import "math/bits"

// Cutting a clean path into its segments, eight bytes at a time.
//
// A path is clean when every ShiftPathInfo call along it is a plain cut:
//
//	clean   = "" | "/" segment *( "/" segment ) [ "/" ]
//	segment = a non-empty run of non-"/" bytes, neither "." nor ".."
//
// so no "//", and no "/." that starts a "." or ".." segment. Most request
// paths have no "/." at all: the word loop below finds their slashes and
// proves them clean in one pass, and only a path with a "//" or a "/."
// somewhere goes through the exact byte loop.

// Byte masks of the word loop.
const (
	ones8  = 0x0101010101010101 // 1 in every byte
	highs8 = 0x8080808080808080 // every byte's high bit
	slash8 = 0x2f2f2f2f2f2f2f2f // '/' in every byte
)

// slashesAndDots returns, for the bytes of w, the high bit of each that
// is '/' or '.' and the high bit of each that is '/'. The two differ only
// in the low bit ('/' is 0x2f, '.' 0x2e), so setting it and comparing with
// '/' finds both at once; the low bit of a byte, shifted up to its high
// bit, then tells them apart:
//
//	w = "/a.b/..c" (little-endian)  slashOrDot = bytes 0 2 4 5 6
//	                                slashes    = bytes 0 4
//
// The zero-byte test (v-1)&^v&0x80 is exact here: it errs only on a byte
// of 1 with a borrow from below, and (b|1)^0x2f is never 1.
func slashesAndDots(w uint64) (slashOrDot, slashes uint64) {
	v := (w | ones8) ^ slash8
	slashOrDot = (v - ones8) &^ v & highs8
	return slashOrDot, slashOrDot & (w << 7)
}

// load64 reads s[0:8] as a little-endian word (the compiler makes the
// eight byte loads one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// cutPath records where the segments of pi start and reports whether pi
// is clean (see the grammar above). ShiftPathInfo then moves each segment
// from the front of PATH_INFO to the end of SCRIPT_NAME unchanged. A path
// of 8 to 63 bytes keeps a bitmap of its slashes (mapSlashes); the others
// a cut per slash:
//
//	cutPath("/a/b")  = true, n 2, cut [0 2 4]
//	cutPath("/a//b") = false
func (p *Path) cutPath(pi string) bool {
	if len(pi) < 8 || len(pi) > 0xffff || pi[0] != '/' {
		return p.cutBytes(pi)
	}
	if len(pi) < 64 {
		return p.mapSlashes(pi)
	}
	p.slashes = 0
	n := 0
	// carry holds the high bit of byte 0 when the byte before the word
	// was a slash: a slash or a dot right after a slash is suspect.
	var carry uint64
	for i := 0; i < len(pi); i += 8 {
		var w uint64
		if i+8 <= len(pi) {
			w = load64(pi[i:])
		} else {
			// The last bytes: the word that ends the path, shifted so
			// that byte 0 is pi[i]; the bytes shifted in are zeros,
			// neither slash nor dot.
			w = load64(pi[len(pi)-8:]) >> (8 * (i + 8 - len(pi)))
		}
		slashOrDot, slashes := slashesAndDots(w)
		if (slashes<<8|carry)&slashOrDot != 0 {
			return p.cutBytes(pi) // a "//" or a "/.": the exact loop decides
		}
		carry = slashes >> 56
		for ; slashes != 0; slashes &= slashes - 1 {
			if n == maxSegments {
				return false
			}
			p.cut[n] = uint16(i + bits.TrailingZeros64(slashes)>>3)
			n++
		}
	}
	p.cut[n] = uint16(len(pi))
	p.n, p.end = n, n
	return true
}

// mapSlashes is cutPath for a path of 8 to 63 bytes: it keeps the
// slashes as a bitmap (Path.slashes) rather than a cut per slash, and
// takes a second bitmap of the slashes and dots (slashMaps); a slash or
// dot right after a slash is then one test on the two, so no branch
// depends on where the slashes are.
//
//	mapSlashes("/user/repos") = true, slashes 0b1000_0010_0001 (bits 0, 5, 11)
func (p *Path) mapSlashes(pi string) bool {
	slashes, slashOrDot := slashMaps(pi)
	if slashes<<1&slashOrDot != 0 {
		return p.cutBytes(pi) // a "//" or a "/.": the exact loop decides
	}
	p.keepMap(slashes, len(pi))
	return true
}

// keepMap makes slashes, the slash bitmap of a clean path of n bytes
// (8 <= n < 64), the walk's: the end bit at n stops Next's scan.
func (p *Path) keepMap(slashes uint64, n int) {
	p.slashes = slashes | 1<<(uint(n)&63)
	p.n, p.end = n, n
}

// slashMapsWords is slashMaps eight bytes at a time, in Go, for a path of
// 8 to 63 bytes: bit i of slashes is set where s[i] is a slash, bit i of
// slashOrDot where it is a slash or a dot. The last word overlaps the one
// before rather than being shifted: its bits fall where they are.
//
//	slashMapsWords("/a.b/cdef") = 0b1_0001, 0b1_0101
func slashMapsWords(s string) (slashes, slashOrDot uint64) {
	sd, sl := slashesAndDots(load64(s))
	slashes, slashOrDot = gatherHighBits(sl), gatherHighBits(sd)
	for i := 8; i < len(s); i += 8 {
		at := min(i, len(s)-8)
		sd, sl := slashesAndDots(load64(s[at:]))
		slashes |= gatherHighBits(sl) << (uint(at) & 63)
		slashOrDot |= gatherHighBits(sd) << (uint(at) & 63)
	}
	return slashes, slashOrDot
}

// gatherHighBits packs the high bit of each byte of x, which has no other
// bit set, into the low byte: byte j's bit becomes bit j. The multiply
// moves byte j's bit, shifted down to bit 8j, to bit 56+j; no other
// product lands in the top byte.
//
//	gatherHighBits(0x80_00_00_00_00_00_80_80) = 0b1000_0011
func gatherHighBits(x uint64) uint64 {
	return (x >> 7) * 0x0102040810204080 >> 56
}

// cutBytes is cutPath a byte at a time, exact for every path: the short
// ones and those with a "//" or "/." somewhere.
func (p *Path) cutBytes(pi string) bool {
	p.slashes = 0
	if pi == "" {
		p.n, p.end, p.cut[0] = 0, 0, 0 // no segment
		return true
	}
	if pi[0] != '/' || len(pi) > 0xffff {
		return false
	}
	n := 0
	for i := 0; i < len(pi); i++ {
		if pi[i] != '/' {
			continue
		}
		if n == maxSegments {
			return false
		}
		p.cut[n] = uint16(i)
		n++
		// What follows the slash: another slash is an empty segment, a
		// dot may start a "." or ".." segment. A trailing slash is fine.
		if rest := pi[i+1:]; rest != "" {
			switch rest[0] {
			case '/':
				return false
			case '.':
				if len(rest) == 1 || rest[1] == '/' ||
					rest[1] == '.' && (len(rest) == 2 || rest[2] == '/') {
					return false
				}
			}
		}
	}
	p.cut[n] = uint16(len(pi))
	p.n, p.end = n, n
	return true
}
