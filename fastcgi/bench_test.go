package fastcgi

import (
	"bufio"
	"net"
	"net/http"
	"net/http/fcgi"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// nginxParams is the FCGI_PARAMS block nginx sends for
// "GET /app/hello?x=1" with examples/fcgi/nginx.conf and a curl-like
// client.
var nginxParams = pairs(
	"QUERY_STRING", "x=1", "REQUEST_METHOD", "GET", "CONTENT_TYPE", "", "CONTENT_LENGTH", "",
	"SCRIPT_NAME", "/app", "REQUEST_URI", "/app/hello?x=1", "DOCUMENT_URI", "/app/hello",
	"DOCUMENT_ROOT", "/usr/share/nginx/html", "SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_SCHEME", "http",
	"GATEWAY_INTERFACE", "CGI/1.1", "SERVER_SOFTWARE", "nginx/1.22.1", "REMOTE_ADDR", "127.0.0.1",
	"REMOTE_PORT", "51234", "SERVER_ADDR", "127.0.0.1", "SERVER_PORT", "8080", "SERVER_NAME", "localhost",
	"REDIRECT_STATUS", "200", "PATH_INFO", "/hello", "HTTP_HOST", "127.0.0.1:8080",
	"HTTP_USER_AGENT", "curl/7.88.1", "HTTP_ACCEPT", "*/*")

var helloBody = []byte("Hello, world!\n")

// helloWSGI is the hello application of the gateway benchmarks.
var helloWSGI = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	hdrs := headers.Headers{{Name: "Content-Type", Value: "text/plain"}}
	if _, err := start("200 OK", hdrs); err != nil {
		return nil, err
	}
	return wsgiref.Blocks(helloBody), nil
})

// helloHTTP is the same application for net/http/fcgi.
var helloHTTP = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write(helloBody)
})

// leanClient sends one prepared request at a time on a kept connection
// and reads the response up to FCGI_END_REQUEST, allocating nothing, so
// that the allocations counted are the server's.
type leanClient struct {
	c   net.Conn
	br  *bufio.Reader
	req []byte
	hdr [headerLen]byte
}

func newLeanClient(tb testing.TB, addr string) *leanClient {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	b := rec(typeBeginRequest, 1, beginBody(roleResponder, true))
	b = append(b, rec(typeParams, 1, nginxParams)...)
	b = append(b, rec(typeParams, 1, nil)...)
	b = append(b, rec(typeStdin, 1, nil)...)
	return &leanClient{c: c, br: bufio.NewReaderSize(c, 64<<10), req: b}
}

// do runs one request and returns the FCGI_STDOUT bytes received.
func (cl *leanClient) do() (int, error) {
	if _, err := cl.c.Write(cl.req); err != nil {
		return 0, err
	}
	n := 0
	for {
		hd, err := readHeader(cl.br, &cl.hdr)
		if err != nil {
			return n, err
		}
		if hd.typ == typeStdout {
			n += hd.length
		}
		if err := discard(cl.br, hd.length+hd.padding); err != nil {
			return n, err
		}
		if hd.typ == typeEndRequest {
			return n, nil
		}
	}
}

// gatewayServers are the two servers compared: this package and
// net/http/fcgi, each with the hello application.
var gatewayServers = []struct {
	name  string
	serve func(l net.Listener) error
}{
	{"wsgiref-fastcgi", func(l net.Listener) error { return Serve(l, helloWSGI) }},
	{"net-http-fcgi", func(l net.Listener) error { return fcgi.Serve(l, helloHTTP) }},
}

func listenServe(tb testing.TB, serve func(net.Listener) error) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go serve(l)
	tb.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

// BenchmarkRequest runs the hello request over a kept loopback connection,
// through this package and through net/http/fcgi: allocs/op are the
// server's per request (the client allocates nothing).
func BenchmarkRequest(b *testing.B) {
	for _, s := range gatewayServers {
		b.Run(s.name, func(b *testing.B) {
			cl := newLeanClient(b, listenServe(b, s.serve))
			b.ReportAllocs()
			for b.Loop() {
				if n, err := cl.do(); err != nil || n == 0 {
					b.Fatal(n, err)
				}
			}
		})
	}
}

// BenchmarkParseParams decodes nginx's parameter block into a reused
// environ: the one allocation is the block's string.
func BenchmarkParseParams(b *testing.B) {
	var env wsgiref.Environ
	b.ReportAllocs()
	b.SetBytes(int64(len(nginxParams)))
	for b.Loop() {
		env.Reset()
		if err := parseParams(string(nginxParams), &env); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllocsPerRequest counts the allocations of a whole request on a kept
// connection: record parsing, the environ, the handler and the response
// records, with an application that allocates nothing itself (helloWSGI
// makes its header list and body: 3 allocations of its own). The one
// allocation is the environ's string.
func TestAllocsPerRequest(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	hdrs := headers.Headers{{Name: "Content-Type", Value: "text/plain"}}
	blocks := [][]byte{helloBody}
	var body wsgiref.SliceBody
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", hdrs)
		body.Reset(blocks...)
		return &body, nil
	})
	cl := newLeanClient(t, listenServe(t, func(l net.Listener) error { return Serve(l, app) }))
	cl.do() // the pooled buffers fill
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := cl.do(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("%.1f allocations per request, want at most 1 (the parameter block's string)", allocs)
	}
	var env wsgiref.Environ
	block := string(nginxParams)
	if a := testing.AllocsPerRun(100, func() { env.Reset(); parseParams(block, &env) }); a != 0 {
		t.Errorf("parseParams allocates %.1f times, want 0", a)
	}
}
