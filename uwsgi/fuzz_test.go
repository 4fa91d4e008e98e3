package uwsgi

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
)

// nginxRequest is the packet nginx's uwsgi_pass sends for a GET with the
// stock uwsgi_params and a browser's headers: the typical request the
// parser sees.
var nginxRequest = request("",
	"REQUEST_METHOD", "GET", "REQUEST_URI", "/app/items/42?sort=asc&page=2", "QUERY_STRING", "sort=asc&page=2",
	"CONTENT_TYPE", "", "DOCUMENT_URI", "/app/items/42", "DOCUMENT_ROOT", "/usr/share/nginx/html",
	"SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_SCHEME", "http", "REMOTE_ADDR", "127.0.0.1", "REMOTE_PORT", "51234",
	"SERVER_PORT", "8080", "SERVER_NAME", "localhost", "SCRIPT_NAME", "/app", "PATH_INFO", "/items/42",
	"HTTP_HOST", "localhost:8080", "HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
	"HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	"HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5", "HTTP_ACCEPT_ENCODING", "gzip, deflate, br",
	"HTTP_COOKIE", "session=0123456789abcdef; theme=dark", "HTTP_CONNECTION", "keep-alive")

// FuzzReadRequest feeds arbitrary bytes to the packet reader and the
// variable parser. Every failure must be one of the package's errors;
// every success must hold exactly what the bytes say: the data is the
// datasize bytes after the header, encoding the environ again gives it back
// (when no HTTP_* variable was joined), and the returned length is
// CONTENT_LENGTH's.
func FuzzReadRequest(f *testing.F) {
	f.Add(nginxRequest)
	f.Add(request("abc", "HTTP_X", "1", "HTTP_X", "2"))
	f.Add(packet(5, 0, "CONTENT_LENGTH", "0"))
	for _, s := range []string{"", "\x00\x00\x00\x00", "\x00\x05", "\x00\x04\x00\x00\x09\x00ab", "\x00\xff\xff\x00"} {
		f.Add([]byte(s))
	}
	const max = 4096
	var buf []byte
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bufio.NewReader(bytes.NewReader(in))
		data, err := readPacket(r, max, &buf)
		if err != nil {
			if !oneOf(err, ErrModifier, ErrHeaderTooLarge, ErrTruncated) && !(len(in) == 0 && err.Error() == "EOF") {
				t.Fatalf("readPacket: unexpected error %v", err)
			}
			if len(in) >= 4 && in[0] == 0 && in[3] == 0 {
				if n := int(in[1]) | int(in[2])<<8; n <= max && len(in) >= 4+n {
					t.Fatalf("a complete packet refused: %q: %v", in, err)
				}
			}
			return
		}
		if in[0] != 0 || in[3] != 0 || int(in[1])|int(in[2])<<8 != len(data) || !bytes.Equal(in[4:4+len(data)], data) {
			t.Fatalf("readPacket read %q from %q", data, in)
		}
		var env wsgiref.Environ
		n, err := parseVars(data, &env)
		if err != nil {
			if !oneOf(err, ErrMalformedVars, ErrDuplicateLength, ErrBadContentLength) {
				t.Fatalf("parseVars: unexpected error %v", err)
			}
			return
		}
		if v := env.Get("CONTENT_LENGTH"); v == "" && n != 0 {
			t.Fatalf("length %d without CONTENT_LENGTH", n)
		} else if u, err := strconv.ParseUint(v, 10, 63); v != "" && (err != nil || int64(u) != n) {
			t.Fatalf("length %d, CONTENT_LENGTH %q", n, v)
		}
		var again []byte
		pairs := 0
		for k, v := range env.All() {
			again = append(append(again, byte(len(k)), byte(len(k)>>8)), k...)
			again = append(append(again, byte(len(v)), byte(len(v)>>8)), v...)
		}
		for s := data; len(s) > 0; pairs++ {
			k := int(s[0]) | int(s[1])<<8
			s = s[2+k:]
			s = s[2+(int(s[0])|int(s[1])<<8):]
		}
		if pairs == env.Len() && !bytes.Equal(again, data) {
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
		data, err := readPacket(br, DefaultMaxHeaderBytes, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseVars(data, &env); err != nil {
			t.Fatal(err)
		}
	}
	parse()
	if env.Get("PATH_INFO") != "/items/42" || env.Len() != 22 {
		t.Fatalf("parsed %d variables, PATH_INFO %q", env.Len(), env.Get("PATH_INFO"))
	}
	if n := testing.AllocsPerRun(100, parse); n > 1 {
		t.Errorf("%v allocations per request, want 1", n)
	}
}

// BenchmarkReadRequest reads and parses nginx's packet for a typical GET;
// b.SetBytes makes the figure comparable with the SCGI netstring's.
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
		data, err := readPacket(br, DefaultMaxHeaderBytes, &buf)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := parseVars(data, &env); err != nil {
			b.Fatal(err)
		}
	}
}
