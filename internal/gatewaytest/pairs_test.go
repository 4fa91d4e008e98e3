package gatewaytest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
	"github.com/gowsgi/wsgiref/proxyfix"
	"github.com/gowsgi/wsgiref/scgi"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/uwsgi"
)

// pair is a gateway behind its front end.
type pair struct {
	name string
	// script is the SCRIPT_NAME the application sees under /app.
	script string
	// seesReset is true when the front end turns a reset from the
	// gateway into a visibly cut response. A Unix socket cannot be reset,
	// and lighttpd ends the response cleanly: a failed response of
	// unknown length then ends like a complete one.
	seesReset bool
	start     func(t *testing.T, app wsgiref.App) *frontend.Server
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// serve starts srv on l until the test ends.
func serve(t *testing.T, l net.Listener, serveFn func(net.Listener) error, closeFn func() error) {
	done := make(chan struct{})
	go func() { serveFn(l); close(done) }()
	t.Cleanup(func() { closeFn(); <-done })
}

func listenTCP(t *testing.T) net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func listenUnix(t *testing.T, name string) (net.Listener, string) {
	path := frontend.SocketPath(t, name)
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	return l, path
}

var pairs = []pair{
	{name: "nginx scgi_pass unix", script: "/app", start: func(t *testing.T, app wsgiref.App) *frontend.Server {
		l, path := listenUnix(t, "scgi.sock")
		s := scgi.NewServer(app, scgi.WithLogger(quiet()), scgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.Nginx(t, frontend.NginxConfig{Server: examplecmdtest.READMEBlock(t, "nginx scgi_pass", "unix:/run/app/scgi.sock", "unix:"+path)})
	}},
	{name: "nginx uwsgi_pass tcp", script: "/app", seesReset: true, start: func(t *testing.T, app wsgiref.App) *frontend.Server {
		l := listenTCP(t)
		s := uwsgi.NewServer(app, uwsgi.WithLogger(quiet()), uwsgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.Nginx(t, frontend.NginxConfig{Server: examplecmdtest.READMEBlock(t, "nginx uwsgi_pass", "127.0.0.1:8001", l.Addr().String())})
	}},
	{name: "lighttpd mod_scgi tcp", script: "/app", start: func(t *testing.T, app wsgiref.App) *frontend.Server {
		l := listenTCP(t)
		s := scgi.NewServer(app, scgi.WithLogger(quiet()), scgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		return frontend.Lighttpd(t, examplecmdtest.READMEBlock(t, "lighttpd mod_scgi", `"port" => 8002`, `"port" => `+port))
	}},
	{name: "lighttpd mod_scgi uwsgi unix", script: "/app", start: func(t *testing.T, app wsgiref.App) *frontend.Server {
		l, path := listenUnix(t, "uwsgi.sock")
		s := uwsgi.NewServer(app, uwsgi.WithLogger(quiet()), uwsgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.Lighttpd(t, examplecmdtest.READMEBlock(t, "lighttpd mod_scgi",
			`"host" => "127.0.0.1", "port" => 8002`, `"socket" => "`+path+`"`,
			`# scgi.protocol = "uwsgi"`, `scgi.protocol = "uwsgi"`))
	}},
	{name: "nginx proxy_pass simpleserver", script: "/app", seesReset: true, start: func(t *testing.T, app wsgiref.App) *frontend.Server {
		l := listenTCP(t)
		app, err := proxyfix.New(app, proxyfix.Config{Hops: proxyfix.Hops{Prefix: 1, Proto: 1}})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, app, simpleserver.WithListener(l),
			simpleserver.WithLogger(quiet()), simpleserver.WithErrors(io.Discard), simpleserver.WithServerName("localhost"))
		if err != nil {
			t.Fatal(err)
		}
		serve(t, l, func(net.Listener) error { return srv.ServeForever() }, srv.Close)
		return frontend.Nginx(t, frontend.NginxConfig{Server: examplecmdtest.READMEBlock(t, "nginx proxy_pass", "127.0.0.1:8000", l.Addr().String())})
	}},
}

// exchange is one request through a front end and what must come back.
type exchange struct {
	name    string
	method  string
	target  string // under /app
	body    []byte
	chunked bool // send the body with chunked coding, else Content-Length

	status  int
	xApp    string // the application's X-App header, "" when none
	ctype   string
	want    func(p pair) []byte // the body, byte for byte
	length  int                 // Content-Length the client must see, -1 for none expected
	partial partiality          // how the response must end
}

// partiality says whether a response must be seen to end early.
type partiality int

const (
	complete   partiality = iota
	cut                   // always: the front end knows the length it waits for
	cutOverTCP            // when the front end sees the gateway reset (pair.seesReset)
)

var upload = pattern(200 << 10)

func echoed(method, path, query string, body []byte) func(p pair) []byte {
	return func(p pair) []byte { return []byte(echo(method, p.script, path, query, "http", body)) }
}

var exchanges = []exchange{
	{name: "GET with query", method: "GET", target: "/app/x/caf%C3%A9/%7Euser?q=1&r=%20&s=a+b&t=%2F",
		status: 201, xApp: "echo", ctype: "text/plain; charset=utf-8", length: -2,
		want: echoed("GET", "/x/caf\xc3\xa9/~user", "q=1&r=%20&s=a+b&t=%2F", nil)},
	{name: "POST Content-Length", method: "POST", target: "/app/upload", body: upload,
		status: 201, xApp: "echo", ctype: "text/plain; charset=utf-8", length: -2,
		want: echoed("POST", "/upload", "", upload)},
	{name: "POST chunked", method: "POST", target: "/app/upload?chunked", body: upload, chunked: true,
		status: 201, xApp: "echo", ctype: "text/plain; charset=utf-8", length: -2,
		want: echoed("POST", "/upload", "chunked", upload)},
	{name: "large", method: "GET", target: "/app/large", status: 200, xApp: "large",
		ctype: "application/octet-stream", length: largeSize, want: func(pair) []byte { return largeBody }},
	{name: "stream", method: "GET", target: "/app/stream", status: 200, xApp: "stream",
		ctype: "application/octet-stream", length: -1, want: func(pair) []byte { return streamBody }},
	{name: "HEAD", method: "HEAD", target: "/app/large", status: 200, xApp: "large",
		ctype: "application/octet-stream", length: largeSize, want: func(pair) []byte { return nil }},
	{name: "error before headers", method: "GET", target: "/app/fail", status: 500, ctype: "text/plain",
		length: len(handlers.DefaultErrorBody), want: func(pair) []byte { return []byte(handlers.DefaultErrorBody) }},
	{name: "error after headers", method: "GET", target: "/app/late", status: 200, xApp: "late", ctype: "text/plain",
		length: -1, partial: cutOverTCP, want: func(pair) []byte { return []byte(strings.Repeat("partial ", 100)) }},
	{name: "error short of Content-Length", method: "GET", target: "/app/short", status: 200, xApp: "short", ctype: "text/plain",
		length: 1000, partial: cut, want: func(pair) []byte { return []byte(strings.Repeat("partial ", 100)) }},
}

// frontEndFields are the header fields a front end may add on its own.
var frontEndFields = map[string]bool{"Server": true, "Date": true, "Content-Length": true,
	"Transfer-Encoding": true, "Connection": true, "Content-Type": true, "X-App": true,
	"Accept-Ranges": true} // lighttpd's, on responses without Content-Encoding

func TestPairs(t *testing.T) {
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			fe := p.start(t, wsgiref.AppFunc(pairApp))
			for _, x := range exchanges {
				t.Run(x.name, func(t *testing.T) { x.check(t, p, fe) })
			}
		})
	}
}

func (x exchange) check(t *testing.T, p pair, fe *frontend.Server) {
	raw, err := roundTrip(fe.Addr, x.request())
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), &http.Request{Method: x.method})
	if err != nil {
		t.Fatalf("reading the response: %v\n%q", err, raw[:min(len(raw), 300)])
	}
	body, err := io.ReadAll(resp.Body)
	want := x.want(p)
	switch {
	case x.partial == cut || x.partial == cutOverTCP && p.seesReset:
		if err == nil {
			t.Errorf("a response that failed after its headers arrived as complete (%d bytes)", len(body))
		}
		if !bytes.HasPrefix(want, body) && !bytes.HasPrefix(body, want) {
			t.Errorf("partial body %q, want a prefix of %q", body[:min(len(body), 80)], want[:80])
		}
	case err != nil:
		t.Fatalf("reading the body: %v (%d bytes)", err, len(body))
	case !bytes.Equal(body, want): // a failed response the front end did not see cut: its bytes so far
		t.Errorf("body differs: %d bytes, want %d; first difference at %d\n got %q\nwant %q",
			len(body), len(want), firstDiff(body, want), clip(body), clip(want))
	}
	if resp.StatusCode != x.status || resp.Status != strconv.Itoa(x.status)+" "+http.StatusText(x.status) {
		t.Errorf("status %q, want %d %s", resp.Status, x.status, http.StatusText(x.status))
	}
	if got := resp.Header.Get("X-App"); got != x.xApp {
		t.Errorf("X-App %q, want %q", got, x.xApp)
	}
	if got := resp.Header.Get("Content-Type"); got != x.ctype {
		t.Errorf("Content-Type %q, want %q", got, x.ctype)
	}
	wantLength := x.length
	if wantLength == -2 {
		wantLength = len(want)
	}
	if wantLength >= 0 && resp.Header.Get("Content-Length") != strconv.Itoa(wantLength) {
		t.Errorf("Content-Length %q, want %d", resp.Header.Get("Content-Length"), wantLength)
	}
	for name, values := range resp.Header {
		if !frontEndFields[name] || len(values) != 1 {
			t.Errorf("unexpected field %s: %q", name, values)
		}
	}
}

// request is the raw HTTP/1.1 request of x.
func (x exchange) request() []byte {
	var b bytes.Buffer
	b.WriteString(x.method + " " + x.target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n")
	switch {
	case x.chunked:
		b.WriteString("Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
		for rest := x.body; len(rest) > 0; {
			n := min(len(rest), 70000)
			b.WriteString(strconv.FormatInt(int64(n), 16) + "\r\n")
			b.Write(rest[:n])
			b.WriteString("\r\n")
			rest = rest[n:]
		}
		b.WriteString("0\r\n\r\n")
	case x.body != nil:
		b.WriteString("Content-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(len(x.body)) + "\r\n\r\n")
		b.Write(x.body)
	default:
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// roundTrip sends raw on a new connection and reads until the front end
// closes it. A reset after some bytes is no error here: the response
// parser decides whether what came is complete.
func roundTrip(addr string, raw []byte) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	errc := make(chan error, 1)
	go func() { _, err := c.Write(raw); errc <- err }()
	out, err := io.ReadAll(c)
	if werr := <-errc; werr != nil && err == nil {
		err = werr
	}
	if err != nil && len(out) > 0 && !errors.Is(err, os.ErrDeadlineExceeded) {
		err = nil
	}
	return out, err
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func clip(b []byte) []byte { return b[:min(len(b), 120)] }
