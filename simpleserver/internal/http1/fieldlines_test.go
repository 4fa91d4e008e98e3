package http1

import (
	"bytes"
	"strings"
	"testing"
)

// checkQuick runs quickFields on data, a field section from its first
// line (fs 0), after a head with the field section prev primed the
// Reader's memo, and checks that every line it took is one readFields'
// general loop takes with the same span and key: a whole line, CRLF
// ended, within the limits, that Reader.field parses without error. It
// returns the spans taken and where quickFields stopped.
func checkQuick(t *testing.T, prev, data string, lim Limits) ([]span, int) {
	t.Helper()
	lim = lim.orDefault()
	b := NewReader(strings.NewReader("GET / HTTP/1.1\r\n" + prev + "\r\n"))
	var h Head
	b.ReadHead(&h, lim) // a refused prev leaves no memo, as in a server
	b.spans = b.spans[:0]
	stop := b.quickFields([]byte(data), 0, 0, lim)
	lineStart := 0
	for j, sp := range b.spans {
		lf := strings.IndexByte(data[lineStart:], '\n')
		if lf < 1 || data[lineStart+lf-1] != '\r' {
			t.Fatalf("%q: field %d taken from a line without CRLF", data, j)
		}
		line := data[lineStart : lineStart+lf-1]
		if len(line) == 0 || len(line) > lim.MaxFieldLine || j >= lim.MaxFields || lineStart+lf+1 > lim.MaxHeaderBytes {
			t.Fatalf("%q: field %d (%q) taken past a limit or as the empty line", data, j, line)
		}
		want, err := b.field([]byte(line), int32(lineStart), j)
		if err != nil || want != sp {
			t.Fatalf("%q: field %d (%q): quickFields took %+v, the general loop %+v, %v", data, j, line, sp, want, err)
		}
		lineStart += lf + 1
	}
	if stop != lineStart {
		t.Fatalf("%q: quickFields stopped at %d, its last line ended at %d", data, stop, lineStart)
	}
	return b.spans, stop
}

// TestQuickFields checks where quickFields stops on lines it must leave
// to the general loop, and that it takes the ordinary ones.
func TestQuickFields(t *testing.T) {
	for _, c := range []struct {
		prev, data string
		lim        Limits
		taken      int
	}{
		{"", "Host: h\r\nX-Id: 7\r\n\r\n", Limits{}, 2},
		{"Host: a\r\nX-Id: 1\r\n", "Host: h\r\nX-Id: 7\r\n\r\n", Limits{}, 2},        // the memo's names
		{"Host: a\r\nX-Id: 1\r\n", "Host2: h\r\nX-Id: 7\r\n\r\n", Limits{}, 2},       // a longer name than the memo's
		{"Host: a\r\nX-Id: 1\r\n", "Hos: h\r\nX-Idd: 7\r\n\r\n", Limits{}, 2},        // shorter, then longer
		{"", "A: \t caf\xe9 au\tlait, 0123456789abcdef \t\r\n\r\n", Limits{}, 1},     // OWS, HTAB, obs-text, long
		{"", "A:\r\nB:   \r\n\r\n", Limits{}, 2},                                     // empty values
		{"", "A: 1\r\nB: 2", Limits{}, 1},                                            // not whole yet
		{"", "A: 1\r\nB: 2\r", Limits{}, 1},                                          // CR, no LF yet
		{"", "A: 1\nB: 2\r\n\r\n", Limits{}, 0},                                      // bare LF
		{"", "A: 1\rB: 2\r\n\r\n", Limits{}, 0},                                      // bare CR
		{"", "A: 1\x00\r\n\r\n", Limits{}, 0},                                        // NUL
		{"", "A: 0123456789\x7f\r\n\r\n", Limits{}, 0},                               // DEL, in a word's second half
		{"", " A: 1\r\n\r\n", Limits{}, 0},                                           // obs-fold
		{"", "A : 1\r\n\r\n", Limits{}, 0},                                           // space before the colon
		{"", ": 1\r\n\r\n", Limits{}, 0},                                             // empty name
		{"", "A\r\n\r\n", Limits{}, 0},                                               // no colon
		{"", "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", Limits{MaxFields: 2}, 2},                // field count
		{"", "A: 1\r\nBB: 22\r\n\r\n", Limits{MaxFieldLine: 5}, 1},                   // line length
		{"", "A: 1\r\nB: 2\r\n\r\n", Limits{MaxHeaderBytes: 9}, 1},                   // head bytes
		{"", "X-A-Long-Name: " + strings.Repeat("v", 300) + "\r\n\r\n", Limits{}, 1}, // many words
	} {
		spans, _ := checkQuick(t, c.prev, c.data, c.lim)
		if len(spans) != c.taken {
			t.Errorf("prev %q, %q, %+v: quickFields took %d lines, want %d", c.prev, c.data, c.lim, len(spans), c.taken)
		}
	}
}

// FuzzQuickFields checks that whatever quickFields takes, the general
// loop would have taken the same way (see checkQuick), after any
// previous field section.
func FuzzQuickFields(f *testing.F) {
	f.Add("Host: a\r\nX-Id: 1\r\n", "Host: h\r\nX-Id: 7\r\n\r\n", 0, 0)
	f.Add("", "A: \t caf\xe9\r\nB: 0123456789abcdef\x01\r\n\r\n", 0, 0)
	f.Add("A: 1\r\n", "A: 1\r\nA:2\r\nA : 3\r\n", 2, 6)
	f.Add("", "Cookie: "+strings.Repeat("a=b; ", 20)+"\r\n", 0, 50)
	f.Fuzz(func(t *testing.T, prev, data string, maxFields, maxLine int) {
		if bytes.Contains([]byte(prev), []byte("\r\n\r\n")) {
			prev = ""
		}
		checkQuick(t, prev, data, Limits{MaxFields: maxFields % 8, MaxFieldLine: maxLine % 64})
	})
}

// BenchmarkQuickFields is quickFields alone on field sections of 100
// fields, after a head with the same names (the guesses a connection's
// next head gets): ns/op divided by 100 is its cost per field line.
func BenchmarkQuickFields(b *testing.B) {
	for _, kind := range []string{"known", "unknown", "repeated"} {
		b.Run(kind, func(b *testing.B) {
			req := fieldsRequest(kind, 100)
			r := NewReader(strings.NewReader(req))
			var h Head
			if err := r.ReadHead(&h, Limits{MaxFields: 200}); err != nil {
				b.Fatal(err)
			}
			data := []byte(req[strings.Index(req, "\r\n")+2:])
			lim := Limits{MaxFields: 200}.orDefault()
			for b.Loop() {
				r.spans = r.spans[:0]
				if end := r.quickFields(data, 0, 0, lim); end != len(data)-2 {
					b.Fatalf("quickFields stopped at %d of %d", end, len(data))
				}
			}
		})
	}
}
