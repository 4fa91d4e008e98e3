package http1

import "encoding/binary"

// badValueByte returns the index of the first byte of a field value that
// fieldValueByte refuses (a CTL other than HTAB, or DEL), or -1:
//
//	field-value = *( VCHAR / obs-text / SP / HTAB )
//
// "caf\xe9 au lait" gives -1, "a\x01b" gives 1. A value is mostly bytes
// from 0x20 to 0x7E, so it is read eight bytes at a time first: a word
// with no byte below 0x20 and none equal to 0x7F is all good (bytes above
// 0x7F are obs-text). A word that may hold one (an HTAB does too) is left,
// with the rest, to the table.
func badValueByte(v []byte) int {
	i := 0
	for ; i+8 <= len(v); i += 8 {
		if !goodWord(binary.LittleEndian.Uint64(v[i:])) {
			break
		}
	}
	// The last bytes of a value of eight or more: one word that overlaps
	// the words read, where the loop below would read them one by one.
	if i < len(v) && i+8 > len(v) && i >= 8 && goodWord(binary.LittleEndian.Uint64(v[len(v)-8:])) {
		return -1
	}
	for ; i < len(v); i++ {
		if !fieldValueByte[v[i]] {
			return i
		}
	}
	return -1
}

// goodWord reports whether the eight bytes of w, read little-endian, are
// all field-value bytes other than HTAB: a byte below 0x20 borrows into
// its high bit, as does a zero byte of w^0x7F..7F, one that was DEL; bytes
// with the high bit set are masked out by ^w (^d). It may flag a good
// byte after a bad one, never a good word.
func goodWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	d := w ^ ones*0x7F
	return (w-ones*0x20)&^w&highs|(d-ones)&^d&highs == 0
}
