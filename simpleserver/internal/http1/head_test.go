package http1

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gowsgi/wsgiref/headers"
)

// readers feed the same bytes whole and one byte per read: the head
// reader's result may not depend on how the bytes arrive.
var readers = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"bytewise", iotest.OneByteReader},
}

func readHead(t *testing.T, raw string, lim Limits, wrap func(io.Reader) io.Reader) (*Head, *Reader, error) {
	t.Helper()
	r := NewReader(wrap(strings.NewReader(raw)))
	h := &Head{}
	err := r.ReadHead(h, lim)
	return h, r, err
}

func TestReadHead(t *testing.T) {
	for _, tt := range []struct {
		name, raw               string
		method, target, version string
		major, minor            int
		fields                  headers.Headers
		keys                    []string
		length                  int64
		chunked, close          bool
		rest                    string
	}{
		{
			name: "simple", raw: "GET /a%20b?x=1 HTTP/1.1\r\nHost: example.org\r\nX-Id:7\r\n\r\nNEXT",
			method: "GET", target: "/a%20b?x=1", version: "HTTP/1.1", major: 1, minor: 1,
			fields: headers.Headers{{Name: "Host", Value: "example.org"}, {Name: "X-Id", Value: "7"}},
			keys:   []string{"HTTP_HOST", "HTTP_X_ID"}, length: -1, rest: "NEXT",
		},
		{
			name: "leading empty lines", raw: "\r\n\r\nGET / HTTP/1.0\r\n\r\n",
			method: "GET", target: "/", version: "HTTP/1.0", major: 1, minor: 0, length: -1,
		},
		{
			name: "wire order and case kept, OWS trimmed", raw: "POST /p HTTP/1.1\r\nhost: h\r\nX-B: \t2 \t\r\ncontent-LENGTH: 3\r\nX-A: 1\r\nX-B: 3\r\n\r\nabc",
			method: "POST", target: "/p", version: "HTTP/1.1", major: 1, minor: 1,
			fields: headers.Headers{{Name: "host", Value: "h"}, {Name: "X-B", Value: "2"}, {Name: "content-LENGTH", Value: "3"}, {Name: "X-A", Value: "1"}, {Name: "X-B", Value: "3"}},
			keys:   []string{"HTTP_HOST", "HTTP_X_B", "CONTENT_LENGTH", "HTTP_X_A", "HTTP_X_B"}, length: 3, rest: "abc",
		},
		{
			name: "chunked, close, obs-text and empty value", raw: "PUT /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\nConnection: keep-alive, close\r\nX-L: caf\xe9\r\nX-E:\r\n\r\n",
			method: "PUT", target: "/u", version: "HTTP/1.1", major: 1, minor: 1,
			fields: headers.Headers{{Name: "Host", Value: "h"}, {Name: "Transfer-Encoding", Value: "Chunked"}, {Name: "Connection", Value: "keep-alive, close"}, {Name: "X-L", Value: "caf\xe9"}, {Name: "X-E", Value: ""}},
			keys:   []string{"HTTP_HOST", "HTTP_TRANSFER_ENCODING", "HTTP_CONNECTION", "HTTP_X_L", "HTTP_X_E"}, length: -1, chunked: true, close: true,
		},
		{
			name: "HTTP/1.3 read as a 1.x minor", raw: "GET * HTTP/1.3\r\nHost: h\r\n\r\n",
			method: "GET", target: "*", version: "HTTP/1.3", major: 1, minor: 3, length: -1,
			fields: headers.Headers{{Name: "Host", Value: "h"}}, keys: []string{"HTTP_HOST"},
		},
		{
			name: "absolute form", raw: "GET http://example.org/p?q HTTP/1.1\r\nHost: example.org\r\n\r\n",
			method: "GET", target: "http://example.org/p?q", version: "HTTP/1.1", major: 1, minor: 1, length: -1,
			fields: headers.Headers{{Name: "Host", Value: "example.org"}}, keys: []string{"HTTP_HOST"},
		},
	} {
		if tt.target == "*" {
			tt.method = "OPTIONS"
			tt.raw = "OPTIONS" + tt.raw[3:]
		}
		for _, rd := range readers {
			h, r, err := readHead(t, tt.raw, Limits{}, rd.wrap)
			if err != nil {
				t.Errorf("%s/%s: %v", tt.name, rd.name, err)
				continue
			}
			if h.Method != tt.method || h.Target != tt.target || h.Version != tt.version || h.Major != tt.major || h.Minor != tt.minor {
				t.Errorf("%s/%s: request line %q %q %q %d.%d", tt.name, rd.name, h.Method, h.Target, h.Version, h.Major, h.Minor)
			}
			if h.Line != h.Method+" "+h.Target+" "+h.Version {
				t.Errorf("%s/%s: Line %q", tt.name, rd.name, h.Line)
			}
			if !slices.Equal(h.Fields, tt.fields) || !slices.Equal(h.Keys, tt.keys) {
				t.Errorf("%s/%s: fields %q keys %q", tt.name, rd.name, h.Fields, h.Keys)
			}
			if h.ContentLength != tt.length || h.Chunked != tt.chunked || h.Close != tt.close {
				t.Errorf("%s/%s: length %d chunked %v close %v", tt.name, rd.name, h.ContentLength, h.Chunked, h.Close)
			}
			rest, _ := io.ReadAll(r)
			if string(rest) != tt.rest {
				t.Errorf("%s/%s: rest %q, want %q", tt.name, rd.name, rest, tt.rest)
			}
		}
	}
}

// Every refusal: the bytes, the error (and so the status and the reason
// the server logs), and the request line kept for the log.
func TestReadHeadRefusals(t *testing.T) {
	long := strings.Repeat("a", DefaultMaxRequestLine)
	many := strings.Repeat("X: y\r\n", DefaultMaxFields)
	for _, tt := range []struct {
		name, raw string
		err       *Error
		status    int
		line      string
	}{
		{"bare LF ends the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", ErrBareLF, 400, "GET / HTTP/1.1"},
		{"bare LF inside the head", "GET / HTTP/1.1\r\nHost: x\r\nDummy: x\nContent-Length: 37\r\n\r\n", ErrBareLF, 400, "GET / HTTP/1.1"},
		{"bare LF ends the head", "GET / HTTP/1.1\r\nHost: x\r\n\n", ErrBareLF, 400, "GET / HTTP/1.1"},
		{"bare CR in a value", "GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", ErrBareCR, 400, "GET / HTTP/1.1"},
		{"bare CR in a name", "GET / HTTP/1.1\r\nHo\rst: x\r\n\r\n", ErrBareCR, 400, "GET / HTTP/1.1"},
		{"bare CR in the target", "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n", ErrBareCR, 400, "GET /\r HTTP/1.1"},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", ErrObsFold, 400, "GET / HTTP/1.1"},
		{"tab fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n", ErrObsFold, 400, "GET / HTTP/1.1"},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", ErrSpaceBefore, 400, "GET / HTTP/1.1"},
		{"empty name", "GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", ErrEmptyName, 400, "GET / HTTP/1.1"},
		{"no colon", "GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", ErrNoColon, 400, "GET / HTTP/1.1"},
		{"non-token name", "GET / HTTP/1.1\r\nHost: x\r\nX(y): v\r\n\r\n", ErrNameByte, 400, "GET / HTTP/1.1"},
		{"NUL in a name", "GET / HTTP/1.1\r\nHost: x\r\nX\x00: v\r\n\r\n", ErrNameByte, 400, "GET / HTTP/1.1"},
		{"NUL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n", ErrValueByte, 400, "GET / HTTP/1.1"},
		{"CTL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\x1bb\r\n\r\n", ErrValueByte, 400, "GET / HTTP/1.1"},
		{"DEL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX: a\x7fb\r\n\r\n", ErrValueByte, 400, "GET / HTTP/1.1"},
		{"non-ASCII in the target", "GET /caf\xe9 HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetByte, 400, "GET /caf\xe9 HTTP/1.1"},
		{"CTL in the target", "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetByte, 400, "GET /a\x01 HTTP/1.1"},
		{"malformed escape", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", ErrEscape, 400, "GET /%zz HTTP/1.1"},
		{"short escape", "GET /a%2 HTTP/1.1\r\nHost: x\r\n\r\n", ErrEscape, 400, "GET /a%2 HTTP/1.1"},
		{"escape decoding to CR LF", "GET /%0d%0aSet-Cookie:x HTTP/1.1\r\nHost: x\r\n\r\n", ErrPathControl, 400, "GET /%0d%0aSet-Cookie:x HTTP/1.1"},
		{"escape decoding to NUL", "GET /a%00 HTTP/1.1\r\nHost: x\r\n\r\n", ErrPathControl, 400, "GET /a%00 HTTP/1.1"},
		{"two spaces", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", ErrRequestLine, 400, "GET  / HTTP/1.1"},
		{"no version", "GET /\r\nHost: x\r\n\r\n", ErrRequestLine, 400, "GET /"},
		{"trailing space", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", ErrVersion, 400, "GET / HTTP/1.1 "},
		{"method not a token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", ErrMethod, 400, "G(T / HTTP/1.1"},
		{"version HTTP/1.32", "GET / HTTP/1.32\r\nHost: x\r\n\r\n", ErrVersion, 400, "GET / HTTP/1.32"},
		{"version HTTP/01.1", "GET / HTTP/01.1\r\nHost: x\r\n\r\n", ErrVersion, 400, "GET / HTTP/01.1"},
		{"version http/1.1", "GET / http/1.1\r\nHost: x\r\n\r\n", ErrVersion, 400, "GET / http/1.1"},
		{"version HTTP/2", "GET / HTTP/2\r\nHost: x\r\n\r\n", ErrVersion, 400, "GET / HTTP/2"},
		{"version HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", ErrMajor, 505, "GET / HTTP/2.0"},
		{"version HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", ErrMajor, 505, "GET / HTTP/0.9"},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ErrMajor, 505, "PRI * HTTP/2.0"},
		{"duplicate Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na", ErrDupLength, 400, "POST / HTTP/1.1"},
		{"list Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\na", ErrContentLength, 400, "POST / HTTP/1.1"},
		{"signed Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na", ErrContentLength, 400, "POST / HTTP/1.1"},
		{"empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", ErrContentLength, 400, "POST / HTTP/1.1"},
		{"overflowing Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", ErrContentLength, 400, "POST / HTTP/1.1"},
		{"Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", ErrLengthAndTE, 400, "POST / HTTP/1.1"},
		{"Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ErrTE10, 400, "POST / HTTP/1.0"},
		{"gzip coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", ErrTransferCode, 501, "POST / HTTP/1.1"},
		{"gzip then chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ErrTransferCode, 501, "POST / HTTP/1.1"},
		{"chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", ErrTransferCode, 501, "POST / HTTP/1.1"},
		{"duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ErrDupHost, 400, "GET / HTTP/1.1"},
		{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", ErrNoHost, 400, "GET / HTTP/1.1"},
		{"absolute form without Host", "GET http://a/ HTTP/1.1\r\n\r\n", ErrNoHost, 400, "GET http://a/ HTTP/1.1"},
		{"CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", ErrConnect, 501, "CONNECT a:443 HTTP/1.1"},
		{"asterisk without OPTIONS", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET * HTTP/1.1"},
		{"non-http absolute URI", "GET a:?x HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET a:?x HTTP/1.1"},
		{"absolute URI without authority", "GET http:/p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http:/p HTTP/1.1"},
		{"empty authority", "GET http:///p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http:///p HTTP/1.1"},
		{"escape in the authority", "GET http://h%00/p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http://h%00/p HTTP/1.1"},
		{"brace in the authority", "GET http://} HTTP/1.0\r\n\r\n", ErrTargetForm, 400, "GET http://} HTTP/1.0"},
		{"userinfo in the authority", "GET http://u@h/p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http://u@h/p HTTP/1.1"},
		{"port not digits", "GET http://h:x/p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http://h:x/p HTTP/1.1"},
		{"open IP literal", "GET http://[::1/p HTTP/1.1\r\nHost: x\r\n\r\n", ErrTargetForm, 400, "GET http://[::1/p HTTP/1.1"},
		{"request line at the limit plus one", "GET /" + long[:DefaultMaxRequestLine-len("GET / HTTP/1.1")+1] + " HTTP/1.1\r\nHost: x\r\n\r\n", ErrRequestLineTooLong, 414, ""},
		{"request line without end", "GET /" + long + long, ErrRequestLineTooLong, 414, ""},
		{"field line over the limit", "GET / HTTP/1.1\r\nHost: x\r\nX: " + long[:DefaultMaxFieldLine-2] + "\r\n\r\n", ErrFieldLineTooLong, 431, "GET / HTTP/1.1"},
		{"101 fields", "GET / HTTP/1.1\r\nHost: x\r\n" + many + "\r\n", ErrTooManyFields, 431, "GET / HTTP/1.1"},
	} {
		for _, rd := range readers {
			h, _, err := readHead(t, tt.raw, Limits{}, rd.wrap)
			var e *Error
			if !errors.As(err, &e) || e != tt.err {
				t.Errorf("%s/%s: err %v, want %v", tt.name, rd.name, err, tt.err)
				continue
			}
			if e.Status != tt.status || e.Reason == "" {
				t.Errorf("%s/%s: status %d reason %q, want %d", tt.name, rd.name, e.Status, e.Reason, tt.status)
			}
			if h.Line != tt.line {
				t.Errorf("%s/%s: Line %q, want %q", tt.name, rd.name, h.Line, tt.line)
			}
		}
	}
}

// The limits are inclusive: a request line, a field line, the field count
// and the head size at the limit are read, one more is refused.
func TestReadHeadLimits(t *testing.T) {
	lim := Limits{MaxRequestLine: 40, MaxFieldLine: 20, MaxFields: 3, MaxHeaderBytes: 50}
	line := func(n int) string { return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.1")) + " HTTP/1.1\r\n" }
	field := func(n int) string { return "X: " + strings.Repeat("b", n-3) + "\r\n" }
	for _, tt := range []struct {
		name, raw string
		err       error
	}{
		{"request line at the limit", line(40) + "Host: h\r\n\r\n", nil},
		{"request line over", line(41) + "Host: h\r\n\r\n", ErrRequestLineTooLong},
		{"field line at the limit", line(20) + "Host: h\r\n" + field(20) + "\r\n", nil},
		{"field line over", line(20) + "Host: h\r\n" + field(21) + "\r\n", ErrFieldLineTooLong},
		{"fields at the limit", line(20) + "Host: h\r\n" + field(4) + field(4) + "\r\n", nil},
		{"fields over", line(20) + "Host: h\r\n" + field(4) + field(4) + field(4) + "\r\n", ErrTooManyFields},
		// The head after the request line: 9 + 2*20 = 49 bytes, + the
		// empty line's CRLF 51.
		{"head over", line(20) + "Host: h\r\n" + field(18) + field(18) + "\r\n", ErrHeadTooLarge},
		{"head at the limit", line(20) + "Host: h\r\n" + field(18) + field(17) + "\r\n", nil},
		{"empty lines before do not count", strings.Repeat("\r\n", 100) + line(40) + "Host: h\r\n\r\n", nil},
	} {
		for _, rd := range readers {
			_, _, err := readHead(t, tt.raw, lim, rd.wrap)
			if err != tt.err {
				t.Errorf("%s/%s: err %v, want %v", tt.name, rd.name, err, tt.err)
			}
		}
	}
}

func TestReadHeadEOF(t *testing.T) {
	for _, tt := range []struct {
		raw     string
		err     error
		started bool
		line    string
	}{
		{"", io.EOF, false, ""},
		{"\r\n", io.EOF, false, ""},
		{"GE", io.ErrUnexpectedEOF, true, "GE"},
		{"GET / HTTP/1.1\r\nHost: h\r\n", io.ErrUnexpectedEOF, true, "GET / HTTP/1.1"},
	} {
		h, _, err := readHead(t, tt.raw, Limits{}, readers[0].wrap)
		if err != tt.err || h.Started != tt.started || h.Line != tt.line {
			t.Errorf("%q: err %v started %v line %q", tt.raw, err, h.Started, h.Line)
		}
	}
}

// Pipelined heads come one after the other from the same buffer, and the
// strings of one stay intact when the buffer is reused for the next.
func TestReadHeadPipelined(t *testing.T) {
	raw := strings.Repeat("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n", 3) + "\r\nGET /2 HTTP/1.1\r\nHost: b\r\nX-Unknown-Name: v\r\n\r\n"
	r := NewReader(strings.NewReader(raw))
	var kept []string
	for i := 0; i < 4; i++ {
		var h Head
		if err := r.ReadHead(&h, Limits{}); err != nil {
			t.Fatal(i, err)
		}
		kept = append(kept, h.Target+" "+h.Fields[0].Value)
	}
	if want := []string{"/1 a", "/1 a", "/1 a", "/2 b"}; !slices.Equal(kept, want) {
		t.Errorf("got %q, want %q", kept, want)
	}
	var h Head
	if err := r.ReadHead(&h, Limits{}); err != io.EOF {
		t.Errorf("after the last: %v", err)
	}
}

// One allocation per head, for known and for already seen unknown names.
func TestReadHeadAllocs(t *testing.T) {
	raw := "GET /hello?name=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\nX-Made-Up: 1\r\nx-made-up: 2\r\n\r\n"
	src := strings.NewReader(raw)
	r := NewReader(src)
	var h Head
	allocs := testing.AllocsPerRun(100, func() {
		src.Reset(raw)
		r.Reset(src)
		if err := r.ReadHead(&h, Limits{}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("%v allocations per head, want 1", allocs)
	}
}

// TestValidAuthority: the hosts real clients send pass; what becomes a
// refusal in TestReadHeadRefusals does not.
func TestValidAuthority(t *testing.T) {
	for _, tc := range []struct {
		authority string
		want      bool
	}{
		{"example.org", true}, {"example.org:8080", true}, {"h:", true}, {"127.0.0.1:80", true},
		{"[::1]", true}, {"[::1]:8000", true}, {"[2001:db8::7]:443", true}, {"xn--caf-dma.example", true},
		{"a!$&'()*+,;=b", true},
		{"u@h", false}, {"h%41", false}, {"}", false}, {"h:x", false}, {"h:1:2", false},
		{"[::1", false}, {"[::1]x", false}, {"[zz::1]", false}, {"a b", false}, {"<h>", false}, {`"h"`, false},
	} {
		if got := validAuthority(tc.authority); got != tc.want {
			t.Errorf("validAuthority(%q) = %v, want %v", tc.authority, got, tc.want)
		}
	}
}

// TestHeadReset fills every field of a Head, resets it and checks that it
// equals the empty Head but for its lists' storage. reset clears field by
// field, so the count of fields is checked too: a new field must be added
// here and to reset.
func TestHeadReset(t *testing.T) {
	if n := reflect.TypeFor[Head]().NumField(); n != 13 {
		t.Fatalf("Head has %d fields, this test and reset know 13: add the new ones to both", n)
	}
	if n := reflect.TypeFor[lineMemo]().NumField(); n != 7 {
		t.Fatalf("lineMemo has %d fields, cutLine sets 7: set the new ones there", n)
	}
	h := Head{Line: "GET / HTTP/1.1", Method: "GET", Target: "/", Version: "HTTP/1.1", Major: 1, Minor: 1,
		Fields: headers.Headers{{Name: "Host", Value: "h"}}, Keys: []string{"HTTP_HOST"},
		Framing:        Framing{ContentLength: 5, Chunked: true, Close: true, Expect: "100-continue", Expects: 1, HasHost: true, lengths: 1, codings: 1, hosts: 1},
		FieldsRepeated: true, Started: true, sp1: 3, sp2: 5}
	fields, keys := h.Fields, h.Keys
	h.reset()
	want := Head{Fields: fields[:0], Keys: keys[:0], Framing: Framing{ContentLength: -1}}
	if !reflect.DeepEqual(h, want) || cap(h.Fields) == 0 || cap(h.Keys) == 0 {
		t.Fatalf("after reset: %+v", h)
	}
}
