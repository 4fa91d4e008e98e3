package headers

import (
	"strings"
	"unicode/utf8"
)

// Param is a MIME parameter of [Headers.AddHeader]. An empty Value renders
// the bare name, as CPython does for a parameter of None or "".
type Param struct {
	// Name is the parameter name; an underscore in it is written as a
	// dash ("file_name" gives "file-name").
	Name string
	// Value is the parameter value, unquoted; AddHeader quotes it, or
	// writes the RFC 8187 form for a value with bytes above 0x7F.
	Value string
}

// AddHeader appends a field whose value is value followed by its parameters,
// as CPython's add_header does:
//
//	h.AddHeader("Content-Disposition", "attachment", headers.Param{Name: "filename", Value: "bud.gif"})
//	// Content-Disposition: attachment; filename="bud.gif"
//
// Each parameter is rendered in order as name="value", with backslashes and
// double quotes escaped, or as the bare name when its value is empty; an
// underscore in a name becomes a dash.
//
// An empty main value is left out, as CPython leaves out a value of None.
// Go has no None, so "" plays its part; CPython given "" with parameters
// would start the field with "; ", which no client expects.
//
// Beyond CPython, a parameter value holding a byte above 0x7F is written in
// the extended form of RFC 8187 (RFC 5987, RFC 2231), which browsers decode
// into the right file name:
//
//	h.AddHeader("Content-Disposition", "attachment", headers.Param{Name: "filename", Value: "bä.gif"})
//	// Content-Disposition: attachment; filename*=UTF-8''b%C3%A4.gif
//
// CPython would put the raw characters inside quotes, which clients
// read in various charsets. A value that is valid UTF-8 is taken as UTF-8
// text, the way Go source writes it; any other value is PEP 3333's
// ISO-8859-1, each byte one character, and is transcoded to UTF-8 first
// (RFC 8187 makes UTF-8 the one charset a producer uses). ASCII values keep
// CPython's bytes exactly.
func (h *Headers) AddHeader(name, value string, params ...Param) {
	*h = append(*h, Field{name, FormatValue(value, params...)})
}

// FormatValue returns the field value that [Headers.AddHeader] stores.
func FormatValue(value string, params ...Param) string {
	var b strings.Builder
	n := len(value)
	for _, p := range params {
		n += len(p.Name) + 6*len(p.Value) + 12
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
	case !isASCII(p.Value):
		b.WriteString("*=UTF-8''")
		if utf8.ValidString(p.Value) {
			for i := 0; i < len(p.Value); i++ {
				writeAttrByte(b, p.Value[i])
			}
			break
		}
		// ISO-8859-1 to UTF-8: byte c is code point c, two bytes above 0x7F.
		// x/text's charmap.ISO8859_1 decoder computes the same through a
		// Transformer and its buffers; two shifts need no dependency.
		for i := 0; i < len(p.Value); i++ {
			if c := p.Value[i]; c < utf8.RuneSelf {
				writeAttrByte(b, c)
			} else {
				writeAttrByte(b, 0xC0|c>>6)
				writeAttrByte(b, 0x80|c&0x3F)
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

// writeAttrByte writes c as an RFC 8187 attr-char or as %XX.
func writeAttrByte(b *strings.Builder, c byte) {
	if attrChar[c] {
		b.WriteByte(c)
		return
	}
	b.WriteByte('%')
	b.WriteByte(upperHex[c>>4])
	b.WriteByte(upperHex[c&15])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const upperHex = "0123456789ABCDEF"
