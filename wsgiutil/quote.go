package wsgiutil

import "strings"

// safeSet marks the bytes that Python's urllib.parse.quote leaves as they
// are: ASCII letters, digits, "_.-~", and the ASCII bytes of the safe
// argument (quote drops the others from safe).
type safeSet [256]bool

func newSafeSet(safe string) (s safeSet) {
	for c := 0; c < 128; c++ {
		s[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("_.-~"+safe, byte(c)) >= 0
	}
	return s
}

var (
	// scriptSafe is quote's default safe="/", used for SCRIPT_NAME.
	scriptSafe = newSafeSet("/")
	// pathSafe is safe="/;=,", used for PATH_INFO.
	pathSafe = newSafeSet("/;=,")
)

const upperHex = "0123456789ABCDEF"

// quotedLen is the length of s after quoting.
func quotedLen(s string, safe *safeSet) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !safe[s[i]] {
			n += 2
		}
	}
	return n
}

// appendQuoted writes s quoted; quoted is quotedLen(s, safe).
func appendQuoted(b *strings.Builder, s string, safe *safeSet, quoted int) {
	appendQuotedFrom(b, s, safe, quoted, 0)
}

// appendQuotedFrom writes s quoted, leaving out the first skip bytes of the
// quoted form (skip is 0 or 1). quoted is quotedLen(s, safe): when it says
// nothing needs quoting, as for most paths, s goes out in one copy.
func appendQuotedFrom(b *strings.Builder, s string, safe *safeSet, quoted, skip int) {
	if quoted == len(s) {
		b.WriteString(s[min(skip, len(s)):])
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if safe[c] {
			if skip == 0 {
				b.WriteByte(c)
			} else {
				skip--
			}
			continue
		}
		enc := [3]byte{'%', upperHex[c>>4], upperHex[c&15]}
		b.Write(enc[skip:])
		skip = 0
	}
}

// Quote returns s percent-encoded as Python's urllib.parse.quote(s,
// safe=safe, encoding="latin1") does: ASCII letters, digits, "_.-~" and the
// ASCII bytes of safe stay, every other byte becomes %XX with upper-case
// hex.
// Each byte of s is one character, PEP 3333's convention.
func Quote(s, safe string) string {
	set := &scriptSafe
	switch safe {
	case "/":
	case "/;=,":
		set = &pathSafe
	default:
		set = new(newSafeSet(safe))
	}
	n := quotedLen(s, set)
	if n == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(n)
	appendQuoted(&b, s, set, n)
	return b.String()
}
