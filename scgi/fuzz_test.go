package scgi

import (
	"bufio"
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"
)

// nginxRequest is the header netstring nginx's scgi_pass sends for a GET
// with the stock scgi_params and a browser's headers: the typical request
// the parser sees.
var nginxRequest = protocol.NginxRequest()

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
			if !gatewaytesting.OneOf(err, ErrMalformedNetstring, ErrHeaderTooLarge, ErrTruncated) && !(len(in) == 0 && err.Error() == "EOF") {
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
			if !gatewaytesting.OneOf(err, ErrMalformedHeaders, ErrNoContentLength, ErrNotSCGI, ErrDuplicateLength, ErrBadContentLength) {
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
