package headers

import (
	"strings"
	"unicode/utf8"
)

// Param is a MIME parameter of [Headers.AddHeader]. An empty Value renders
// the bare name, as CPython does for a parameter of None or "".
type Param struct {
	Name, Value string
}

// AddHeader appends a field whose value is value followed by its parameters,
// as CPython's add_header does:
//
//	h.AddHeader("Content-Disposition", "attachment", headers.Param{"filename", "bud.gif"})
//	// Content-Disposition: attachment; filename="bud.gif"
//
// Each parameter is rendered in order as name="value", with backslashes and
// double quotes escaped, or as the bare name when its value is empty; an
// underscore in a name becomes a dash. An empty value is left out, as
// CPython leaves out a value of None.
//
// Beyond CPython, a parameter value that is valid UTF-8 with a non-ASCII
// character is written in the extended form of RFC 2231 and RFC 5987,
// name*=UTF-8”percent-encoded, which clients decode; CPython would write
// the raw characters inside quotes. Other values keep CPython's bytes.
func (h *Headers) AddHeader(name, value string, params ...Param) {
	*h = append(*h, Field{name, FormatValue(value, params...)})
}

// FormatValue returns the field value that [Headers.AddHeader] stores.
func FormatValue(value string, params ...Param) string {
	var b strings.Builder
	n := len(value)
	for _, p := range params {
		n += len(p.Name) + 3*len(p.Value) + 12
	}
	b.Grow(n)
	sep := false
	if value != "" {
		b.WriteString(value)
		sep = true
	}
	for _, p := range params {
		if sep {
			b.WriteString("; ")
		}
		sep = true
		writeParam(&b, p)
	}
	return b.String()
}

func writeParam(b *strings.Builder, p Param) {
	writeParamName(b, p.Name)
	switch {
	case p.Value == "":
	case needsExtended(p.Value):
		b.WriteString("*=UTF-8''")
		for i := 0; i < len(p.Value); i++ {
			c := p.Value[i]
			if attrChar[c] {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteByte(upperHex[c>>4])
				b.WriteByte(upperHex[c&15])
			}
		}
	default:
		b.WriteString(`="`)
		for i := 0; i < len(p.Value); i++ {
			if c := p.Value[i]; c == '\\' || c == '"' {
				b.WriteByte('\\')
			}
			b.WriteByte(p.Value[i])
		}
		b.WriteByte('"')
	}
}

func writeParamName(b *strings.Builder, name string) {
	for i := 0; i < len(name); i++ {
		if name[i] == '_' {
			b.WriteByte('-')
		} else {
			b.WriteByte(name[i])
		}
	}
}

// needsExtended reports whether v is UTF-8 text with a non-ASCII character.
// A string of other high bytes follows PEP 3333's Latin-1 convention and
// keeps CPython's quoted form.
func needsExtended(v string) bool {
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	return !ascii && utf8.ValidString(v)
}

const upperHex = "0123456789ABCDEF"
