package http1

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// readBody reads the head and the body of raw and returns the body, the
// body's error, and what is left on the connection.
func readBody(t *testing.T, raw string, wrap func(io.Reader) io.Reader) (body string, err error, rest string) {
	t.Helper()
	r := NewReader(wrap(strings.NewReader(raw)))
	var h Head
	if err := r.ReadHead(&h, Limits{}); err != nil {
		t.Fatalf("%q: head: %v", raw, err)
	}
	var b Body
	b.Reset(r, &h, Limits{})
	got, err := io.ReadAll(&b)
	left, _ := io.ReadAll(r)
	return string(got), err, string(left)
}

func TestBody(t *testing.T) {
	const te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tt := range []struct {
		name, raw, body, rest string
	}{
		{"Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET", "hello", "GET"},
		{"no body", "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET", "", "GET"},
		{"Content-Length 0", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nGET", "", "GET"},
		{"chunks", te + "5\r\nhello\r\n1;a=b;c;d=\"q \\\" r\"\r\n!\r\n0\r\n\r\nGET", "hello!", "GET"},
		{"upper-case hex and leading zeros", te + "0A\r\n0123456789\r\n000\r\n\r\n", "0123456789", ""},
		{"trailers dropped", te + "2\r\nhi\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\nGET", "hi", "GET"},
		{"last chunk with extension", te + "0;x=1\r\n\r\n", "", ""},
	} {
		for _, rd := range readers {
			body, err, rest := readBody(t, tt.raw, rd.wrap)
			if err != nil || body != tt.body || rest != tt.rest {
				t.Errorf("%s/%s: body %q err %v rest %q; want %q, rest %q", tt.name, rd.name, body, err, rest, tt.body, tt.rest)
			}
		}
	}
}

// Each malformed chunked body: the error, whose status is 400 (the
// server's answer when the application passes it on).
func TestChunkedRefusals(t *testing.T) {
	const te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tt := range []struct {
		name, chunks string
		err          error
	}{
		{"space after size", "3 \r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"space before size", " 3\r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"sign", "+3\r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"0x", "0x3\r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"empty size", "\r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"empty extension", "3;\r\nabc\r\n0\r\n\r\n", ErrChunkExtension},
		{"space before extension", "3 ;a\r\nabc\r\n0\r\n\r\n", ErrChunkSize},
		{"space in extension", "3; a\r\nabc\r\n0\r\n\r\n", ErrChunkExtension},
		{"empty extension value", "3;a=\r\nabc\r\n0\r\n\r\n", ErrChunkExtension},
		{"unterminated quoted value", "3;a=\"b\r\nabc\r\n0\r\n\r\n", ErrChunkExtension},
		{"junk after extension", "3;a=b c\r\nabc\r\n0\r\n\r\n", ErrChunkExtension},
		{"overflow", "10000000000000000\r\nabc\r\n", ErrChunkOverflow},
		{"data without CRLF", "3\r\nabcd\r\n0\r\n\r\n", ErrChunkEnd},
		{"data then LF", "3\r\nabc\n0\r\n\r\n", ErrBareLF},
		{"bare LF after size", "3\nabc\r\n0\r\n\r\n", ErrBareLF},
		{"bare CR in the size line", "3\r;a\r\nabc\r\n0\r\n\r\n", ErrBareCR},
		{"bare LF in trailers", "0\r\nX: y\n\r\n", ErrBareLF},
		{"malformed trailer", "0\r\nX : y\r\n\r\n", ErrTrailer},
		{"folded trailer", "0\r\nX: y\r\n z\r\n\r\n", ErrTrailer},
		{"chunk line too long", strings.Repeat("0", maxChunkLine+2) + "\r\n\r\n", ErrChunkLine},
		{"cut in the data", "5\r\nab", io.ErrUnexpectedEOF},
		{"cut before the last chunk", "2\r\nab\r\n", io.ErrUnexpectedEOF},
	} {
		for _, rd := range readers {
			_, err, _ := readBody(t, te+tt.chunks, rd.wrap)
			if err != tt.err {
				t.Errorf("%s/%s: err %v, want %v", tt.name, rd.name, err, tt.err)
			}
			var e *Error
			if errors.As(err, &e) && e.Status != 400 {
				t.Errorf("%s: status %d", tt.name, e.Status)
			}
		}
	}
}

func TestContentLengthCut(t *testing.T) {
	_, err, _ := readBody(t, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhel", readers[0].wrap)
	if err != io.ErrUnexpectedEOF {
		t.Errorf("err %v", err)
	}
}

// A pipelined request hidden in a chunked body by a lenient size line
// stays body: the strict reader refuses the line instead of reading a
// different boundary.
func TestChunkedSmuggling(t *testing.T) {
	raw := "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"2 \r\nxx\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: h\r\n\r\n"
	if _, err, _ := readBody(t, raw, readers[0].wrap); err != ErrChunkSize {
		t.Errorf("err %v, want ErrChunkSize", err)
	}
}
