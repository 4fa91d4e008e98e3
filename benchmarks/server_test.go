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
	"strings"
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
//
// start starts the server; with a watch, its handler records what it read
// of each request before it answers (see watch).
type pipeServer struct {
	name  string
	start func(tb testing.TB, w *watch) (serve func(c *pipeConn), stop func())
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
	{"wsgiref", func(tb testing.TB, w *watch) (func(c *pipeConn), func()) {
		ln := newPipeListener()
		var app wsgiref.App = wsgiHello
		if w != nil {
			app = wsgiWatched(w)
		}
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
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
	{"fasthttp", func(tb testing.TB, w *watch) (func(c *pipeConn), func()) {
		body := []byte(serverHello)
		handler := func(ctx *fasthttp.RequestCtx) {
			ctx.SetContentType("text/plain")
			ctx.Write(body)
		}
		if w != nil {
			hello := handler
			handler = func(ctx *fasthttp.RequestCtx) {
				w.add(string(ctx.URI().QueryString()), string(ctx.Request.Header.Peek("X-Request-Id")),
					lastOf(ctx.Request.Header.PeekAll(w.field)))
				hello(ctx)
			}
		}
		s := &fasthttp.Server{Handler: handler}
		return func(c *pipeConn) {
			s.ServeConn(c)
			c.Close()
		}, func() {}
	}},
	{"nethttp", func(tb testing.TB, w *watch) (func(c *pipeConn), func()) {
		body := []byte(serverHello)
		var handler http.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			h := rw.Header()
			h["Content-Type"] = []string{"text/plain"}
			h["Content-Length"] = []string{"13"}
			rw.Write(body)
		})
		if w != nil {
			hello := handler
			handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				last := ""
				if vs := r.Header.Values(w.field); len(vs) > 0 {
					last = vs[len(vs)-1]
				}
				w.add(r.URL.RawQuery, r.Header.Get("X-Request-Id"), last)
				hello.ServeHTTP(rw, r)
			})
		}
		s := &http.Server{Handler: handler}
		return viaListener(tb, s.Serve, func() { s.Close() })
	}},
}

// A watch records what a server read of each request, for the tests: the
// query of its target, its X-Request-Id field and the last value of one
// field. Servers started with a watch answer as the benchmarks' do, after
// recording; the benchmarks start them without one.
type watch struct {
	field string // whose last value is kept
	mu    sync.Mutex
	seen  []seenRequest
}

// seenRequest is what a server read of one request.
type seenRequest struct{ query, id, last string }

func (w *watch) add(query, id, last string) {
	w.mu.Lock()
	w.seen = append(w.seen, seenRequest{query, id, last})
	w.mu.Unlock()
}

// wsgiWatched is wsgiHello recording what the environ holds. A repeated
// field's values are joined (",", or "; " for Cookie): the last is after
// the last separator.
func wsgiWatched(w *watch) wsgiref.App {
	key := "HTTP_" + strings.ToUpper(strings.ReplaceAll(w.field, "-", "_"))
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		last := env.Get(key)
		if i := strings.LastIndexAny(last, ",;"); i >= 0 {
			last = strings.TrimSpace(last[i+1:])
		}
		w.add(env.Get("QUERY_STRING"), env.Get("HTTP_X_REQUEST_ID"), last)
		return wsgiHello.ServeWSGI(env, start)
	})
}

// lastOf returns the last of a field's values, "" for none.
func lastOf(values [][]byte) string {
	if len(values) == 0 {
		return ""
	}
	return string(values[len(values)-1])
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
// bytes each, to a connection. Beside ns/op it reports cpu-ns/op, the
// process's CPU time per request (the servers' goroutines and the garbage
// collector's included): on a machine shared with other work, it leaves
// out the time the benchmark waited for a core, which ns/op counts.
func benchBatch(b *testing.B, s pipeServer, all []byte, reqLen, perConn int) {
	serve, stop := s.start(b, nil)
	defer stop()
	b.SetBytes(int64(reqLen))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ok0 := processCPU()
	for n := b.N; n > 0; n -= perConn {
		batch := all
		if n < perConn {
			batch = all[:n*reqLen]
		}
		serve(newPipeConn(batch))
	}
	b.StopTimer()
	if cpu1, ok1 := processCPU(); ok0 && ok1 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
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
// Fetch): ones servers have tables for. X-Request-Id is not among them:
// every request of the field benchmarks has one of its own (fieldRequests).
var knownFieldNames = []string{"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Cookie", "Referer",
	"User-Agent", "Origin", "Pragma", "If-None-Match", "If-Modified-Since", "Authorization", "Dnt", "Upgrade-Insecure-Requests",
	"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Via", "Forwarded", "X-Forwarded-For",
	"X-Forwarded-Proto", "Accept-Charset", "X-Real-Ip", "Te", "Priority"}

// fieldRequests returns count pipelined GETs with n extra fields of a
// shape, no two alike: each has its own id in its target and in an
// X-Request-Id field before the extras, as a client's successive requests
// differ, so that no memo of a head (ours: http1's memo.go, the environ
// memo) applies and every request is parsed in full. The eighth with two
// extra Unknown fields is
//
//	GET /index.html?q=1&id=00000007 HTTP/1.1\r\n
//	Host: example.com\r\n
//	X-Request-Id: 00000007\r\n
//	X-Custom-Field-0: value-0\r\n
//	X-Custom-Field-1: value-1\r\n
//	\r\n
//
// The baseline, n = 0, differs from request to request in the same way,
// so that ns/request at n minus ns/request at 0 is the extra fields' cost
// only. All requests have the same length.
func fieldRequests(count, n int, name func(int) string) []byte {
	var extra bytes.Buffer
	for i := range n {
		extra.WriteString(name(i) + ": value-" + strconv.Itoa(i) + "\r\n")
	}
	var b bytes.Buffer
	for i := range count {
		id := fmt.Sprintf("%08d", i)
		b.WriteString("GET /index.html?q=1&id=" + id + " HTTP/1.1\r\nHost: example.com\r\nX-Request-Id: " + id + "\r\n")
		b.Write(extra.Bytes())
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// FieldCounts are the sizes of issue 15's field-growth curve; 0 is the
// baseline the per-field cost is measured from.
var FieldCounts = []int{0, 10, 50, 100}

// fieldsPerConn is the number of pipelined requests a connection of
// BenchmarkServerFields carries.
const fieldsPerConn = 1000

// BenchmarkServerFields is issue 15's server field-growth benchmark:
// ServerFields/<Kind><N>/<server>, ns per request with N extra fields,
// pipelined 1,000 to a connection, no two requests alike (fieldRequests):
// the cost of a full parse, as a real client's requests get.
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
			all := fieldRequests(fieldsPerConn, n, shape.name)
			for _, s := range pipeServers {
				b.Run(kind+strconv.Itoa(n)+"/"+s.name, func(b *testing.B) {
					benchBatch(b, s, all, len(all)/fieldsPerConn, fieldsPerConn)
				})
			}
		}
	}
}

// TestPipeServers checks what the benchmarks measure: every server answers
// every pipelined request, in order, with the page, reads them all, and
// reads each one's own target and fields (not a stale copy of the one
// before): the query, the X-Request-Id and the last extra field's value
// it saw are the ones sent.
func TestPipeServers(t *testing.T) {
	const count = 50
	type sent struct {
		name  string
		reqs  []byte
		field string // the last extra field's name
		query func(id string) string
		id    func(id string) string
		last  func(id string) string
	}
	none := func(string) string { return "" }
	same := func(id string) string { return id }
	is := func(v string) func(string) string { return func(string) string { return v } }
	cases := []sent{
		{"same GET", pipelined(getRequest, count), "User-Agent", none, none, is("gowsgi-bench")},
		{"distinct GET", distinctRequests(count), "User-Agent", func(id string) string { return "id=" + id }, same, is("gowsgi-bench")},
		{"None0", fieldRequests(count, 0, fieldShapes[0].name), "X-Request-Id", func(id string) string { return "q=1&id=" + id }, same, same},
	}
	for _, shape := range fieldShapes {
		for _, n := range FieldCounts[1:] {
			cases = append(cases, sent{shape.kind + strconv.Itoa(n), fieldRequests(count, n, shape.name), shape.name(n - 1),
				func(id string) string { return "q=1&id=" + id }, same, is("value-" + strconv.Itoa(n-1))})
		}
	}
	for _, s := range pipeServers {
		for _, tc := range cases {
			w := &watch{field: tc.field}
			serve, stop := s.start(t, w)
			c := newPipeConn(tc.reqs)
			c.keep = new(bytes.Buffer)
			serve(c)
			stop()
			if c.r.Len() > 0 {
				t.Errorf("%s, %s: %d bytes of the requests not read", s.name, tc.name, c.r.Len())
			}
			br := bufio.NewReader(c.keep)
			for i := range count {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("%s, %s: response %d: %v", s.name, tc.name, i, err)
				}
				body, err := io.ReadAll(resp.Body)
				if err != nil || resp.StatusCode != 200 || string(body) != serverHello {
					t.Fatalf("%s, %s: response %d: %d %q %v", s.name, tc.name, i, resp.StatusCode, body, err)
				}
			}
			if rest, _ := io.ReadAll(br); len(rest) > 0 {
				t.Errorf("%s, %s: %d bytes after the %d responses: %q", s.name, tc.name, len(rest), count, rest)
			}
			if len(w.seen) != count {
				t.Fatalf("%s, %s: the handler saw %d requests, want %d", s.name, tc.name, len(w.seen), count)
			}
			for i, got := range w.seen {
				id := fmt.Sprintf("%08d", i)
				if want := (seenRequest{tc.query(id), tc.id(id), tc.last(id)}); got != want {
					t.Errorf("%s, %s: request %d read as %+v, want %+v", s.name, tc.name, i, got, want)
					break
				}
			}
		}
	}
}

// TestFieldRequests checks the shape of the field benchmarks' requests:
// the same length each, the extra fields counted, and no head equal to
// the one before it.
func TestFieldRequests(t *testing.T) {
	for _, shape := range fieldShapes {
		for _, n := range FieldCounts {
			all := fieldRequests(10, n, shape.name)
			heads := strings.SplitAfter(string(all), "\r\n\r\n")
			heads = heads[:len(heads)-1] // after the last head: ""
			if len(heads) != 10 {
				t.Fatalf("%s%d: %d heads, want 10", shape.kind, n, len(heads))
			}
			for i, h := range heads {
				if len(h) != len(heads[0]) {
					t.Errorf("%s%d: request %d is %d bytes, the first %d", shape.kind, n, i, len(h), len(heads[0]))
				}
				if lines := strings.Count(h, "\r\n") - 2; lines != 2+n { // the request line and the blank one
					t.Errorf("%s%d: request %d has %d fields, want Host, X-Request-Id and %d", shape.kind, n, i, lines, n)
				}
				if i > 0 && h == heads[i-1] {
					t.Errorf("%s%d: request %d repeats the one before", shape.kind, n, i)
				}
			}
		}
	}
}
