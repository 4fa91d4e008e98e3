package headers

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzHeaders builds a list from arbitrary bytes (fields split at 0x1E, name
// and value at 0x1F) and checks the promise of Validate: a list that
// validates serialises to exactly one "Name: value" line per field, with
// no CR or LF inside a line; a list that does not has a bad field.
func FuzzHeaders(f *testing.F) {
	f.Add("Content-Type\x1ftext/plain\x1eSet-Cookie\x1fa=1")
	f.Add("X\x1fa\r\nSet-Cookie: evil=1")
	f.Add("Bad Name\x1fv\x1e\x1f")
	f.Add("X\x1fa\x00b\x1eY\x1f\xe4")
	f.Fuzz(func(t *testing.T, data string) {
		var h Headers
		if data != "" {
			for _, field := range strings.Split(data, "\x1e") {
				name, value, _ := strings.Cut(field, "\x1f")
				h.Add(name, value)
			}
		}
		s := h.String()
		if got := string(h.AppendTo(nil)); got != s {
			t.Fatalf("AppendTo %q != String %q", got, s)
		}
		var buf bytes.Buffer
		if n, err := h.WriteTo(&buf); err != nil || n != int64(len(s)) || buf.String() != s {
			t.Fatalf("WriteTo = %d, %v, %q", n, err, buf.String())
		}
		bad := false
		for _, f := range h {
			if !ValidName(f.Name) || strings.ContainsAny(f.Value, "\r\n\x00") {
				bad = true
			}
		}
		if err := h.Validate(); (err != nil) != bad {
			t.Fatalf("Validate = %v for %q", err, h)
		} else if err != nil {
			return
		}
		lines := strings.Split(s, "\r\n")
		if len(lines) != h.Len()+2 || lines[len(lines)-1] != "" || lines[len(lines)-2] != "" {
			t.Fatalf("%d fields gave lines %q", h.Len(), lines)
		}
		for i, f := range h {
			if lines[i] != f.Name+": "+f.Value || strings.ContainsAny(lines[i], "\r\n") {
				t.Fatalf("line %d = %q for %v", i, lines[i], f)
			}
		}
	})
}

// FuzzFormatValue checks that add_header's parameter forms read back to
// the value given, and that a parameter value never smuggles CR or LF into
// the field unless it is ASCII and quoted as CPython quotes it (which
// Validate then refuses).
func FuzzFormatValue(f *testing.F) {
	f.Add("attachment", "filename", "bud.gif")
	f.Add("attachment", "file_name", "b\xe4.gif")
	f.Add("v", "q", `say "hi" \ bye`)
	f.Add("", "x", "€\r\n")
	f.Add("v", "flag", "")
	f.Fuzz(func(t *testing.T, value, name, pvalue string) {
		got := FormatValue(value, Param{name, pvalue})
		prefix := ""
		if value != "" {
			prefix = value + "; "
		}
		if !strings.HasPrefix(got, prefix) {
			t.Fatalf("%q does not start with %q", got, prefix)
		}
		rest := got[len(prefix):]
		pname := strings.ReplaceAll(name, "_", "-")
		if !strings.HasPrefix(rest, pname) {
			t.Fatalf("%q does not start with the name %q", rest, pname)
		}
		rest = rest[len(pname):]
		switch {
		case pvalue == "":
			if rest != "" {
				t.Fatalf("bare parameter rendered %q", got)
			}
		case isASCII(pvalue):
			if len(rest) < 3 || rest[:2] != `="` || rest[len(rest)-1] != '"' {
				t.Fatalf("ASCII value not quoted: %q", got)
			}
			q := rest[2 : len(rest)-1]
			if unq := strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(q); unq != pvalue {
				t.Fatalf("quoted %q reads back as %q, want %q", q, unq, pvalue)
			}
		default:
			enc, ok := strings.CutPrefix(rest, "*=UTF-8''")
			if !ok {
				t.Fatalf("non-ASCII value not in extended form: %q", got)
			}
			if strings.ContainsAny(enc, "\r\n\x00 \"';\\") {
				t.Fatalf("extended value holds a byte it must encode: %q", enc)
			}
			dec, err := url.PathUnescape(enc)
			if err != nil {
				t.Fatalf("extended value %q: %v", enc, err)
			}
			want := pvalue
			if !utf8.ValidString(pvalue) {
				var b strings.Builder
				for i := 0; i < len(pvalue); i++ {
					b.WriteRune(rune(pvalue[i]))
				}
				want = b.String()
			}
			if dec != want {
				t.Fatalf("extended value decodes to %q, want %q", dec, want)
			}
		}
	})
}
