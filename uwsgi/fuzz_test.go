package uwsgi

import (
	"bufio"
	"bytes"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"
)

// nginxRequest is the packet nginx's uwsgi_pass sends for a GET with the
// stock uwsgi_params and a browser's headers: the typical request the
// parser sees.
var nginxRequest = protocol.NginxRequest()

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
			if !gatewaytesting.OneOf(err, ErrModifier, ErrHeaderTooLarge, ErrTruncated) && !(len(in) == 0 && err.Error() == "EOF") {
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
			if !gatewaytesting.OneOf(err, ErrMalformedVars, ErrDuplicateLength, ErrBadContentLength) {
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
