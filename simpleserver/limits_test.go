package simpleserver

import (
	"bytes"
	"strings"
	"testing"
)

// limitsRef states the limits on a whole request stream: the request line
// (LF included) may have MaxRequestLine bytes; the header block, from
// after it to the LF of the first empty line ("" or a lone CR), maxHeader.
// A header line that starts with SP or HT (folding), or has SP or HT in its
// field name before the colon, trips too, unless the limit is already
// passed at that byte. It returns the error that must trip (nil when none)
// and the length of the header block seen (complete or not).
func limitsRef(s []byte, maxHeader int) (error, int) {
	i := bytes.IndexByte(s, '\n')
	if i < 0 {
		if len(s) >= MaxRequestLine {
			return errLineTooLong, 0
		}
		return nil, 0
	}
	if i+1 > MaxRequestLine {
		return errLineTooLong, 0
	}
	rest := s[i+1:]
	n := len(rest)
	for off := 0; off < len(rest); {
		line := rest[off:]
		j := bytes.IndexByte(line, '\n')
		if j >= 0 {
			line = line[:j]
		}
		if bad, at := nameRef(line); bad != nil {
			if off+at+1 > maxHeader {
				return errHeaderTooLarge, n
			}
			return bad, n
		}
		if j < 0 {
			break
		}
		off += j + 1
		if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
			n = off
			break
		}
	}
	if n > maxHeader {
		return errHeaderTooLarge, n
	}
	return nil, n
}

// nameRef checks the field name at the start of a header line: what is
// wrong with it, and at which byte.
func nameRef(line []byte) (error, int) {
	for k, c := range line {
		switch {
		case c == ':' || c == '\r':
			return nil, 0
		case (c == ' ' || c == '\t') && k == 0:
			return errFolding, k
		case c == ' ' || c == '\t':
			return errSpaceBefore, k
		}
	}
	return nil, 0
}

// scanChunks feeds s to a connReader in chunks of the given sizes (the
// last size repeats), stopping at a trip as Read does.
func scanChunks(s []byte, maxHeader int, sizes []int) *connReader {
	cr := &connReader{maxHeader: maxHeader, phase: phaseLine}
	for k := 0; len(s) > 0 && cr.tripped == nil; k++ {
		size := sizes[min(k, len(sizes)-1)]
		size = max(1, min(size, len(s)))
		cr.scan(s[:size])
		s = s[size:]
	}
	return cr
}

func TestConnReaderLimits(t *testing.T) {
	long := strings.Repeat("a", MaxRequestLine)
	for _, tc := range []struct {
		name      string
		in        string
		maxHeader int
		want      error
		header    int
	}{
		{"minimal", "GET / HTTP/1.0\r\n\r\n", 10, nil, 2},
		{"bare LF", "GET / HTTP/1.0\n\n", 10, nil, 1},
		{"exact header limit", "GET / HTTP/1.0\r\nA: b\r\n\r\n", 8, nil, 8},
		{"one over", "GET / HTTP/1.0\r\nA: bc\r\n\r\n", 8, errHeaderTooLarge, 9},
		{"body not counted", "GET / HTTP/1.0\r\nA: b\r\n\r\n" + strings.Repeat("x", 100), 8, nil, 8},
		{"incomplete over", "GET / HTTP/1.0\r\nA: " + strings.Repeat("b", 20), 8, errHeaderTooLarge, 23},
		{"lone CR ends", "GET / HTTP/1.0\nA: b\n\r\nbody", 100, nil, 7},
		{"CR inside a line", "GET / HTTP/1.0\r\nA: \rb\r\n\r\n", 100, nil, 9},
		{"line of exactly the limit", long[:MaxRequestLine-2] + "\r\n\r\n", 10, nil, 2},
		{"line one over", long[:MaxRequestLine-1] + "\r\n\r\n", 10, errLineTooLong, 0},
		{"line without end at the limit", long, 10, errLineTooLong, 0},
		{"line without end below it", long[:100], 10, nil, 0},
	} {
		for _, sizes := range [][]int{{1 << 20}, {1}, {3}, {4096}, {17, 1}} {
			cr := scanChunks([]byte(tc.in), tc.maxHeader, sizes)
			if cr.tripped != tc.want || (tc.want == nil && cr.header != tc.header) {
				t.Errorf("%s, chunks %v: tripped %v header %d; want %v %d", tc.name, sizes, cr.tripped, cr.header, tc.want, tc.header)
			}
			if ref, n := limitsRef([]byte(tc.in), tc.maxHeader); ref != tc.want || (ref == nil && n != tc.header) {
				t.Errorf("%s: reference says %v %d", tc.name, ref, n)
			}
		}
	}
}

func TestRequestLineKept(t *testing.T) {
	cr := scanChunks([]byte("GET /x HTTP/1.1\r\r\nHost: h\r\n\r\n"), 100, []int{2})
	if got := string(cr.requestLine()); got != "GET /x HTTP/1.1" {
		t.Errorf("requestLine %q", got)
	}
}

// FuzzConnReader checks the incremental limits against limitsRef for any
// stream and any chunking.
func FuzzConnReader(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.0\r\nA: b\r\n\r\nbody"), uint8(8), []byte{1, 2, 3})
	f.Add([]byte("GET / HTTP/1.0\nA: b\n\r\n"), uint8(5), []byte{7})
	f.Add([]byte("\n\n"), uint8(0), []byte{1})
	f.Fuzz(func(t *testing.T, s []byte, maxHeader uint8, chunks []byte) {
		sizes := []int{1 << 20}
		if len(chunks) > 0 {
			sizes = sizes[:0]
			for _, c := range chunks {
				sizes = append(sizes, int(c))
			}
		}
		cr := scanChunks(s, int(maxHeader), sizes)
		want, n := limitsRef(s, int(maxHeader))
		if cr.tripped != want {
			t.Fatalf("%q max %d chunks %v: tripped %v, reference %v", s, maxHeader, sizes, cr.tripped, want)
		}
		if want == nil && bytes.IndexByte(s, '\n') >= 0 && cr.header != n {
			t.Fatalf("%q max %d chunks %v: header %d, reference %d", s, maxHeader, sizes, cr.header, n)
		}
	})
}
