// Package pyrepr writes Python's repr() of a PEP 3333 string, so that the
// demo page and the validator's messages quote values byte for byte as
// CPython does.
package pyrepr

import "strings"

const hexDigit = "0123456789abcdef"

// String returns repr(s) for a string whose bytes are Latin-1 characters,
// encoded in UTF-8: single quotes unless s holds a single quote and no
// double quote; backslash, the quote, \t, \n and \r escaped; the characters
// Python does not print (C0, DEL, C1, no-break space, soft hyphen) as \xNN.
func String(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == quote || c == '\\':
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || 0x7f <= c && c <= 0xa0 || c == 0xad:
			b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
		case c < 0x80:
			b = append(b, c)
		default: // Latin-1 to UTF-8: two bytes
			b = append(b, 0xc0|c>>6, 0x80|c&0x3f)
		}
	}
	return string(append(b, quote))
}
