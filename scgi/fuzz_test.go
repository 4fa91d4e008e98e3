package scgi

import (
	"bufio"
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
)

// nginxRequest is the header netstring nginx's scgi_pass sends for a GET
// with the stock scgi_params and a browser's headers: the typical request
// the parser sees.
var nginxRequest = request("",
	"REQUEST_METHOD", "GET", "REQUEST_URI", "/app/items/42?sort=asc&page=2", "QUERY_STRING", "sort=asc&page=2",
	"CONTENT_TYPE", "", "DOCUMENT_URI", "/app/items/42", "DOCUMENT_ROOT", "/usr/share/nginx/html",
	"SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_SCHEME", "http", "REMOTE_ADDR", "127.0.0.1", "REMOTE_PORT", "51234",
	"SERVER_PORT", "8080", "SERVER_NAME", "localhost", "SCRIPT_NAME", "/app", "PATH_INFO", "/items/42",
	"HTTP_HOST", "localhost:8080", "HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
	"HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	"HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5", "HTTP_ACCEPT_ENCODING", "gzip, deflate, br",
	"HTTP_COOKIE", "session=0123456789abcdef; theme=dark", "HTTP_CONNECTION", "keep-alive")

// netstringModel is the netstring grammar as a pattern, independent of
// readLength: the length prefix and its colon.
var netstringModel = regexp.MustCompile(`^(0|[1-9][0-9]*):`)

// FuzzReadRequest feeds arbitrary bytes to the reader and the header
// parser. Every failure must be one of the package's errors; every success
// must hold exactly what the bytes say: encoding the environ again gives
// back the netstring read (when no HTTP_* variable was joined), and the
// returned length is CONTENT_LENGTH's.
func FuzzReadRequest(f *testing.F) {
	f.Add(nginxRequest)
	f.Add(request("abc", "HTTP_X", "1", "HTTP_X", "2"))
	for _, s := range []string{"", "0:,", "01:x,", "3:abc;", "99999999999:", "12", "CONTENT_LENGTH\x000\x00SCGI\x001\x00"} {
		f.Add([]byte(s))
	}
	const max = 4096
	var buf []byte
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bufio.NewReader(bytes.NewReader(in))
		data, err := readNetstring(r, max, &buf)
		m := netstringModel.FindSubmatch(in)
		if err != nil {
			if !oneOf(err, ErrMalformedNetstring, ErrHeaderTooLarge, ErrTruncated) && !(len(in) == 0 && err.Error() == "EOF") {
				t.Fatalf("readNetstring: unexpected error %v", err)
			}
			if m != nil && errors.Is(err, ErrMalformedNetstring) {
				n, _ := strconv.Atoi(string(m[1]))
				if n <= max && len(in) > len(m[0])+n && in[len(m[0])+n] == ',' {
					t.Fatalf("a valid netstring refused: %q", in)
				}
			}
			return
		}
		if m == nil || !bytes.Equal(in[len(m[0]):len(m[0])+len(data)], data) || in[len(m[0])+len(data)] != ',' {
			t.Fatalf("readNetstring read %q from %q", data, in)
		}
		var env wsgiref.Environ
		n, err := parseHeaders(data, &env)
		if err != nil {
			if !oneOf(err, ErrMalformedHeaders, ErrNoContentLength, ErrNotSCGI, ErrDuplicateLength, ErrBadContentLength) {
				t.Fatalf("parseHeaders: unexpected error %v", err)
			}
			return
		}
		if v, err := strconv.ParseUint(env.Get("CONTENT_LENGTH"), 10, 63); err != nil || int64(v) != n {
			t.Fatalf("length %d, CONTENT_LENGTH %q", n, env.Get("CONTENT_LENGTH"))
		}
		if env.Get("SCGI") != "1" {
			t.Fatalf("SCGI %q accepted", env.Get("SCGI"))
		}
		var again []byte
		for k, v := range env.All() {
			again = append(append(append(append(again, k...), 0), v...), 0)
		}
		if pairs := bytes.Count(data, []byte{0}) / 2; pairs == env.Len() && !bytes.Equal(again, data) {
			t.Fatalf("environ encodes to %q, read %q", again, data)
		}
	})
}

func oneOf(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// TestParseAllocs: reading and parsing a request allocates only the one
// string the variables are sliced from, once the environ and the buffer
// have grown.
func TestParseAllocs(t *testing.T) {
	var env wsgiref.Environ
	var buf []byte
	br := bufio.NewReader(nil)
	rd := bytes.NewReader(nil)
	parse := func() {
		env.Reset()
		rd.Reset(nginxRequest)
		br.Reset(rd)
		data, err := readNetstring(br, DefaultMaxHeaderBytes, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseHeaders(data, &env); err != nil {
			t.Fatal(err)
		}
	}
	parse()
	if env.Get("PATH_INFO") != "/items/42" || env.Len() != 23 {
		t.Fatalf("parsed %d variables, PATH_INFO %q", env.Len(), env.Get("PATH_INFO"))
	}
	if n := testing.AllocsPerRun(100, parse); n > 1 {
		t.Errorf("%v allocations per request, want 1", n)
	}
}

// BenchmarkReadRequest reads and parses nginx's netstring for a typical
// GET; b.SetBytes makes the figure comparable with the uwsgi packet's.
func BenchmarkReadRequest(b *testing.B) {
	var env wsgiref.Environ
	var buf []byte
	br := bufio.NewReader(nil)
	rd := bytes.NewReader(nil)
	b.ReportAllocs()
	b.SetBytes(int64(len(nginxRequest)))
	for b.Loop() {
		env.Reset()
		rd.Reset(nginxRequest)
		br.Reset(rd)
		data, err := readNetstring(br, DefaultMaxHeaderBytes, &buf)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := parseHeaders(data, &env); err != nil {
			b.Fatal(err)
		}
	}
}
