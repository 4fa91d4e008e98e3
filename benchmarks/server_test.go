package benchmarks

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/valyala/fasthttp"
)

// The in-process server benchmarks are built like fasthttp's
// BenchmarkServerGet10KReqPerConn: a fake connection returns many
// pipelined requests, responses are discarded, and ns/op is the cost of one
// request through the server's whole path (read, parse, environ or request
// object, application, response), without the kernel's share. Each server
// answers the same 13-byte page with an explicit Content-Length and logs
// nothing.

const serverHello = "Hello world!\n"

// pipeConn is a net.Conn whose reads return its requests, then io.EOF,
// and whose writes are counted and dropped.
type pipeConn struct {
	r       bytes.Reader
	written int64
	closed  chan struct{}
	once    sync.Once
	keep    *bytes.Buffer // when set, writes are kept (for the tests)
}

func newPipeConn(requests []byte) *pipeConn {
	c := &pipeConn{closed: make(chan struct{})}
	c.r.Reset(requests)
	return c
}

func (c *pipeConn) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c *pipeConn) Write(p []byte) (int, error) {
	c.written += int64(len(p))
	if c.keep != nil {
		c.keep.Write(p)
	}
	return len(p), nil
}
func (c *pipeConn) Close() error                       { c.once.Do(func() { close(c.closed) }); return nil }
func (c *pipeConn) LocalAddr() net.Addr                { return pipeAddr }
func (c *pipeConn) RemoteAddr() net.Addr               { return pipeAddr }
func (c *pipeConn) SetDeadline(t time.Time) error      { return nil }
func (c *pipeConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { return nil }

var pipeAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}

// pipeListener hands the server the connections the benchmark makes.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}
func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr }

// A pipeServer serves one fake connection at a time until it closes.
type pipeServer struct {
	name  string
	start func(tb testing.TB) (serve func(c *pipeConn), stop func())
}

// viaListener serves connections through a server's own accept loop.
func viaListener(tb testing.TB, run func(ln net.Listener) error, stop func()) (func(c *pipeConn), func()) {
	ln := newPipeListener()
	go run(ln)
	return func(c *pipeConn) {
			ln.conns <- c
			<-c.closed
		}, func() {
			stop()
			ln.Close()
		}
}

// wsgiHello is the page as a WSGI application written for speed, in the
// idiomatic fast form: one field list for every response (start_response
// copies it) and the page built once, returned in the environ's own body
// (Environ.Blocks), as fasthttp's handler writes a pre-built []byte. It
// allocates nothing per request (TestWSGIHelloAllocs), so the wsgiref
// rows' allocs/op are the server's own.
var wsgiHello = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("200 OK", helloFields); err != nil {
		return nil, err
	}
	return env.Blocks(helloBlock), nil
})

var (
	helloFields = headers.Headers{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "13"}}
	helloBlock  = []byte(serverHello)
)

// wsgiHelloAllocs is what wsgiHello allocates per request on an environ
// the server reuses: the part of the wsgiref rows' allocs/op that is the
// application's, not the server's.
const wsgiHelloAllocs = 0

func TestWSGIHelloAllocs(t *testing.T) {
	var env wsgiref.Environ
	start := func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }
	n := testing.AllocsPerRun(100, func() {
		env.Reset() // what a server does between requests
		body, _ := wsgiHello.ServeWSGI(&env, start)
		if block, err := body.Next(); string(block) != serverHello || err != nil {
			t.Fatalf("wsgiHello's body: %q %v", block, err)
		}
	})
	if n != wsgiHelloAllocs {
		t.Errorf("wsgiHello allocates %v per call, the docs say %d", n, wsgiHelloAllocs)
	}
}

var pipeServers = []pipeServer{
	{"wsgiref", func(tb testing.TB) (func(c *pipeConn), func()) {
		ln := newPipeListener()
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, wsgiHello,
			simpleserver.WithListener(ln), simpleserver.WithLogger(slog.New(slog.DiscardHandler)),
			// 100 extra fields and Host are past the reader's default of
			// 100 fields (Apache's); the peers have no such limit.
			simpleserver.WithMaxFields(2*simpleserver.DefaultMaxFields))
		if err != nil {
			tb.Fatal(err)
		}
		go srv.ServeForever()
		return func(c *pipeConn) {
				ln.conns <- c
				<-c.closed
			}, func() {
				srv.Close()
			}
	}},
	{"fasthttp", func(tb testing.TB) (func(c *pipeConn), func()) {
		body := []byte(serverHello)
		s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
			ctx.SetContentType("text/plain")
			ctx.Write(body)
		}}
		return func(c *pipeConn) {
			s.ServeConn(c)
			c.Close()
		}, func() {}
	}},
	{"nethttp", func(tb testing.TB) (func(c *pipeConn), func()) {
		body := []byte(serverHello)
		s := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["Content-Type"] = []string{"text/plain"}
			h["Content-Length"] = []string{"13"}
			w.Write(body)
		})}
		return viaListener(tb, s.Serve, func() { s.Close() })
	}},
}

// pipelined repeats a request n times, as one client write.
func pipelined(req string, n int) []byte { return bytes.Repeat([]byte(req), n) }

// getRequest is the request of fasthttp's BenchmarkServerGet10KReqPerConn,
// with the User-Agent a client sends.
const getRequest = "GET / HTTP/1.1\r\nHost: google.com\r\nUser-Agent: gowsgi-bench\r\n\r\n"

// benchPipelined serves b.N requests, perConn to a connection.
func benchPipelined(b *testing.B, s pipeServer, req []byte, perConn int) {
	benchBatch(b, s, pipelined(string(req), perConn), len(req), perConn)
}

// benchBatch serves b.N requests from all, perConn requests of reqLen
// bytes each, to a connection.
func benchBatch(b *testing.B, s pipeServer, all []byte, reqLen, perConn int) {
	serve, stop := s.start(b)
	defer stop()
	b.SetBytes(int64(reqLen))
	b.ReportAllocs()
	b.ResetTimer()
	for n := b.N; n > 0; n -= perConn {
		batch := all
		if n < perConn {
			batch = all[:n*reqLen]
		}
		serve(newPipeConn(batch))
	}
}

// BenchmarkServerPipelined is issue 11's in-process benchmark:
// ServerPipelined/Get10KReqPerConn/<server>, ns and allocs per request.
//
// Get10KDistinctPerConn is the same with no two requests alike: each has
// its own target and its own X-Request-Id, as a client's successive
// requests differ. A server that recognises a head equal to the one
// before it (ours does: http1's memo) gains nothing here, so the two
// rows together show what that memo buys and what a parse costs.
func BenchmarkServerPipelined(b *testing.B) {
	for _, s := range pipeServers {
		b.Run("Get10KReqPerConn/"+s.name, func(b *testing.B) {
			benchPipelined(b, s, []byte(getRequest), 10000)
		})
	}
	distinct := distinctRequests(10000)
	for _, s := range pipeServers {
		b.Run("Get10KDistinctPerConn/"+s.name, func(b *testing.B) {
			benchBatch(b, s, distinct, len(distinct)/10000, 10000)
		})
	}
}

// distinctRequests returns n pipelined GETs, each unlike the one before
// it in its request line and its field section:
// "GET /?id=00000007 HTTP/1.1\r\nHost: google.com\r\nUser-Agent:
// gowsgi-bench\r\nX-Request-Id: 00000007\r\n\r\n" for the eighth. All
// have the same length.
func distinctRequests(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		id := fmt.Sprintf("%08d", i)
		b.WriteString("GET /?id=" + id + " HTTP/1.1\r\nHost: google.com\r\nUser-Agent: gowsgi-bench\r\nX-Request-Id: " + id + "\r\n\r\n")
	}
	return b.Bytes()
}

// fieldShapes are issue 15's kinds of extra request fields: names every
// server knows, names none knows, and one name repeated.
var fieldShapes = []struct {
	kind string
	name func(i int) string
}{
	{"Known", func(i int) string { return knownFieldNames[i%len(knownFieldNames)] }},
	{"Unknown", func(i int) string { return "X-Custom-Field-" + strconv.Itoa(i) }},
	{"Repeated", func(int) string { return "X-Forwarded-For" }},
}

// knownFieldNames are registered request field names (RFC 9110, 9111,
// Fetch): ones servers have tables for.
var knownFieldNames = []string{"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Cookie", "Referer",
	"User-Agent", "Origin", "Pragma", "If-None-Match", "If-Modified-Since", "Authorization", "Dnt", "Upgrade-Insecure-Requests",
	"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Via", "Forwarded", "X-Forwarded-For",
	"X-Forwarded-Proto", "X-Request-Id", "X-Real-Ip", "Te", "Priority"}

// fieldRequest is a GET with n extra fields of a shape.
func fieldRequest(n int, name func(int) string) string {
	var b bytes.Buffer
	b.WriteString("GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n")
	for i := range n {
		b.WriteString(name(i) + ": value-" + strconv.Itoa(i) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// FieldCounts are the sizes of issue 15's field-growth curve; 0 is the
// baseline the per-field cost is measured from.
var FieldCounts = []int{0, 10, 50, 100}

// BenchmarkServerFields is issue 15's server field-growth benchmark:
// ServerFields/<Kind><N>/<server>, ns per request with N extra fields,
// pipelined 1,000 to a connection.
func BenchmarkServerFields(b *testing.B) {
	for _, shape := range fieldShapes {
		for _, n := range FieldCounts {
			if n == 0 && shape.kind != "Known" {
				continue
			}
			kind := shape.kind
			if n == 0 {
				kind = "None"
			}
			req := []byte(fieldRequest(n, shape.name))
			for _, s := range pipeServers {
				b.Run(kind+strconv.Itoa(n)+"/"+s.name, func(b *testing.B) {
					benchPipelined(b, s, req, 1000)
				})
			}
		}
	}
}

// TestPipeServers checks what the benchmarks measure: every server answers
// every pipelined request, in order, with the page, and reads the fields.
func TestPipeServers(t *testing.T) {
	for _, s := range pipeServers {
		distinct := distinctRequests(50)
		for _, reqs := range [][]byte{pipelined(getRequest, 50), pipelined(fieldRequest(100, fieldShapes[1].name), 50),
			pipelined(fieldRequest(100, fieldShapes[2].name), 50), distinct} {
			serve, stop := s.start(t)
			c := newPipeConn(reqs)
			c.keep = new(bytes.Buffer)
			serve(c)
			stop()
			br := bufio.NewReader(c.keep)
			for i := range 50 {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("%s: response %d: %v", s.name, i, err)
				}
				body, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != 200 || string(body) != serverHello {
					t.Fatalf("%s: response %d: %d %q %v", s.name, i, resp.StatusCode, body, err)
				}
			}
			if rest, _ := io.ReadAll(br); len(rest) > 0 {
				t.Errorf("%s: %d bytes after the 50 responses: %q", s.name, len(rest), rest)
			}
		}
	}
}
