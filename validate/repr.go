package validate

import (
	"github.com/gowsgi/wsgiref/internal/pyrepr"
	"strings"

	"github.com/gowsgi/wsgiref/headers"
)

// repr returns Python's repr() of a PEP 3333 string, so that messages
// quote values exactly as CPython's validator does.
func repr(s string) string { return pyrepr.String(s) }

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
