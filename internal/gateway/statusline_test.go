package gateway

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// TestLineWriter: "Status: " becomes "HTTP/1.1 " however the handler's
// writes split it, and anything else passes unchanged.
func TestLineWriter(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Status: 200 OK\r\nA: b\r\n\r\nStatus: body", "HTTP/1.1 200 OK\r\nA: b\r\n\r\nStatus: body"},
		{"Status: 500 Internal Server Error\r\n\r\n", "HTTP/1.1 500 Internal Server Error\r\n\r\n"},
		{"Stat", "Stat"},
		{"Statux: 1", "Statux: 1"},
		{"body", "body"},
	} {
		for _, size := range []int{1, 3, 8, 9, 1000} {
			var out bytes.Buffer
			bw := bufio.NewWriter(&out)
			var l lineWriter
			l.reset(bw)
			for rest := tc.in; rest != ""; {
				n := min(size, len(rest))
				if k, err := l.Write([]byte(rest[:n])); k != n || err != nil {
					t.Fatalf("Write = %d, %v", k, err)
				}
				rest = rest[n:]
			}
			if l.matched > 0 { // a short input that was a prefix of the prefix
				bw.WriteString(statusPrefix[:l.matched])
			}
			l.Flush()
			if out.String() != tc.want {
				t.Errorf("%q in writes of %d: %q, want %q", tc.in, size, out.String(), tc.want)
			}
		}
	}
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	var l lineWriter
	l.reset(bw)
	l.Write([]byte("Status: 200 OK\r\n\r\n"))
	l.ReadFrom(strings.NewReader("file bytes"))
	l.Flush()
	if want := "HTTP/1.1 200 OK\r\n\r\nfile bytes"; out.String() != want {
		t.Errorf("ReadFrom: %q, want %q", out.String(), want)
	}
}

func TestParseContentLength(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"0", 0, true}, {"42", 42, true}, {"007", 7, true},
		{"999999999999999999", 999999999999999999, true}, {"1000000000000000000", 0, false},
		{"+1", 0, false}, {"-1", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"0x10", 0, false}, {"1e3", 0, false},
	} {
		n, err := ParseContentLength(tc.in)
		if n != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseContentLength(%q) = %d, %v; want %d, ok %v", tc.in, n, err, tc.want, tc.ok)
		}
	}
}
