package wsgiref

import (
	"math/bits"
	"math/rand/v2"
)

// Every variable that is not hot carries keyHash(name): a scan compares
// it before the name, the filter (see tagBit) takes one of its bits, and
// the index (see environ_index.go) probes from it. One hash serves all
// three, so a lookup computes it once.
//
// The hash reads every byte of the key, eight at a time:
//
//	0 bytes            the length alone
//	1 to 3 bytes       first, middle and last byte
//	4 to 7 bytes       first and last 4 bytes (overlapping)
//	8 to 16 bytes      first and last 8 bytes (overlapping)
//	more than 16       each 16-byte block, then the last 16 bytes
//
// and folds each pair of words with one 64x64->128-bit multiply whose
// halves are XORed (the "multiply and fold" step of hashes such as
// wyhash, written here from that description). For the 9 to 16 bytes of
// most CGI names and HTTP_* keys that is two loads and one multiply,
// about 22 instructions in all, a third of hash/maphash's call chain
// (maphash.String, rthashString, memhash, aeshashbody), which was a
// fifth of a large environ's build.
//
// Hash flooding: the words are mixed with hashSeed, random per process,
// so a client cannot choose header names that collide in every server;
// this is the protection the Go runtime gives its maps, whose hash where
// AES is unavailable is built the same way. Because every byte is read, no
// part of a key is free for an attacker to vary without changing the
// hash (a hash of the ends alone would let "HTTP_A…" names that differ in
// the middle collide whatever the seed). Correctness never depends on the
// hash: equal hashes are confirmed by comparing names. And the request
// reader caps a request at 100 fields, so even a full collision of every
// field would cost 100²/2 integer comparisons, not an unbounded scan.

// hashSeed keys keyHash; see above.
var hashSeed = [2]uint64{rand.Uint64(), rand.Uint64()}

// keyHash returns the 32-bit seeded hash of key; see above.
//
// For example, keyHash("HTTP_HOST") mixes the words "HTTP_HOS" and
// "TTP_HOST" (bytes 0-7 and 1-8, little-endian) with the seed and the
// length 9.
func keyHash(key string) uint32 {
	// One function with no calls: a leaf needs no stack check or frame
	// (7 of the common case's 29 instructions as a caller).
	n := len(key)
	var a, b uint64
	switch {
	case n >= 8 && n <= 16:
		a, b = le64(key), le64(key[n-8:])
	case n > 16:
		// Each 16-byte block but the last folds into the state; then
		// the last 16 bytes, which may overlap the block before.
		h := hashSeed[0] ^ uint64(n)
		for i := 0; n-i > 16; i += 16 {
			h = mulFold(le64(key[i:])^hashSeed[1], le64(key[i+8:])^h)
		}
		return fold32(mulFold(le64(key[n-16:])^hashSeed[1], le64(key[n-8:])^h))
	case n >= 4:
		a, b = uint64(le32(key)), uint64(le32(key[n-4:]))
	case n > 0:
		a = uint64(key[0])<<16 | uint64(key[n/2])<<8 | uint64(key[n-1])
	}
	return fold32(mulFold(a^hashSeed[0], b^hashSeed[1]^uint64(n)))
}

// mulFold multiplies a and b to 128 bits and XORs the halves: every bit
// of the result depends on most bits of both.
func mulFold(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// fold32 folds a 64-bit hash to the 32 bits kept.
func fold32(h uint64) uint32 { return uint32(h ^ h>>32) }

// le64 is the little-endian word of s[0:8]; the compiler makes it one load.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32 is the little-endian word of s[0:4].
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
