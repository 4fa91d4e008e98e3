package validate

import (
	"strings"
	"unicode/utf8"

	"github.com/gowsgi/wsgiref/headers"
)

// repr returns Python's repr() of a PEP 3333 string (each byte the
// ISO-8859-1 character of its value), so that messages quote values
// exactly as CPython's validator does.
func repr(s string) string {
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
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20 || (0x7f <= c && c <= 0xa0) || c == 0xad:
			b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return string(append(b, quote))
}

const hexDigit = "0123456789abcdef"

// reprHeaders returns Python's repr() of a list of (name, value) tuples.
func reprHeaders(h headers.Headers) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, f := range h {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + repr(f.Name) + ", " + repr(f.Value) + ")")
	}
	b.WriteByte(']')
	return b.String()
}

// pyInt parses a string as Python's int() does for base 10: surrounding
// whitespace, a sign and single underscores between digits are allowed.
func pyInt(s string) (int64, bool) {
	t := strings.Trim(s, " \t\n\r\v\f")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" || t[0] == '_' || t[len(t)-1] == '_' {
		return 0, false
	}
	var n int64
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '_' {
			if t[i-1] == '_' {
				return 0, false
			}
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<62)/10 {
			n = 1 << 62 // big enough for any comparison made here
			continue
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
