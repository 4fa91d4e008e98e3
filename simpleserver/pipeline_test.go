package simpleserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// countingListener counts the writes and the read deadlines set of the
// connections it accepts.
type countingListener struct {
	net.Listener
	writes, deadlines atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, l: l}, nil
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.l.writes.Add(1)
	return c.Conn.Write(p)
}

func (c *countingConn) SetReadDeadline(t time.Time) error {
	c.l.deadlines.Add(1)
	return c.Conn.SetReadDeadline(t)
}

// TestPipelinedResponsesBatched: 16 requests sent in one write get their 16
// responses in order, in far fewer writes than 16 (one per request was the
// old behaviour): a response waits while the next request is buffered.
func TestPipelinedResponsesBatched(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	ts := startServer(t, inspectApp, WithListener(cl))
	c, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var reqs strings.Builder
	for i := range 16 {
		reqs.WriteString("GET /" + string(rune('a'+i)) + " HTTP/1.1\r\nHost: h\r\n\r\n")
	}
	if _, err := c.Write([]byte(reqs.String())); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i := range 16 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body := make([]byte, resp.ContentLength)
		if _, err := io.ReadFull(resp.Body, body); err != nil {
			t.Fatal(err)
		}
		if want := `PATH_INFO="/` + string(rune('a'+i)) + `"`; !strings.Contains(string(body), want) {
			t.Errorf("response %d out of order: %q", i, body)
		}
	}
	// The 16 requests may reach the server in more than one read; each
	// read ends a batch. Loopback delivers one write whole almost always.
	if n := cl.writes.Load(); n > 4 {
		t.Errorf("%d writes for 16 pipelined responses", n)
	}
}

// TestNoResponseHeld: a response goes out while the next request is still
// incomplete: the server never holds a response while it waits for the
// client.
func TestNoResponseHeld(t *testing.T) {
	ts := startServer(t, inspectApp)
	c, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// The first request whole, the second's start: a pipelining client
	// that has not written the rest yet.
	if _, err := c.Write([]byte("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTT")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("first response held: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	if _, err := c.Write([]byte("P/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `PATH_INFO="/two"`) {
		t.Errorf("second response %q", body)
	}
}

// wireApp answers with the environ's CGI variables in order, one per line.
var wireApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	var b strings.Builder
	for k, v := range env.All() {
		if strings.HasPrefix(k, "HTTP_") || k == "CONTENT_TYPE" || k == "CONTENT_LENGTH" {
			b.WriteString(k + "=" + v + "\n")
		}
	}
	_, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
	return wsgiref.Strings(b.String()), err
})

// TestEnvironWireOrder: HTTP_* come in wire order, repeated fields join
// with "," in wire order, nothing is invented (no HTTP_CACHE_CONTROL for a
// Pragma), names with "_" are dropped unless WithUnderscoreFields(true),
// and a field whose bare key is set already is skipped, as in CPython
// (Server-Name against SERVER_NAME, Http-Z-Last against HTTP_Z_LAST).
func TestEnvironWireOrder(t *testing.T) {
	raw := "GET / HTTP/1.0\r\nZ-Last: 1\r\nPragma: no-cache\r\nX-Foo: a\r\nHost: h\r\nX_Foo: u\r\nx-foo: b\r\n" +
		"Content-Type: text/x\r\nServer-Name: evil\r\nHttp-Z-Last: 2\r\n\r\n"
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{nil, "CONTENT_LENGTH=\nCONTENT_TYPE=text/x\nHTTP_Z_LAST=1\nHTTP_PRAGMA=no-cache\nHTTP_X_FOO=a,b\nHTTP_HOST=h\n"},
		{[]Option{WithUnderscoreFields(true)}, "CONTENT_LENGTH=\nCONTENT_TYPE=text/x\nHTTP_Z_LAST=1\nHTTP_PRAGMA=no-cache\nHTTP_X_FOO=a,u,b\nHTTP_HOST=h\n"},
	} {
		ts := startServer(t, wireApp, tc.opts...)
		out := roundTrip(t, ts.Addr(), raw)
		_, body, _ := strings.Cut(out, "\r\n\r\n")
		if body != tc.want {
			t.Errorf("environ\n got %q\nwant %q", body, tc.want)
		}
	}
}

// TestEnvironJoins: interleaved repeats of several names join per name in
// wire order, each variable where its name first came.
func TestEnvironJoins(t *testing.T) {
	ts := startServer(t, wireApp)
	out := roundTrip(t, ts.Addr(), "GET / HTTP/1.0\r\nA: 1\r\nB: x\r\na: 2\r\nC: only\r\nB:  y \r\nA: 3\r\n\r\n")
	_, body, _ := strings.Cut(out, "\r\n\r\n")
	if want := "CONTENT_LENGTH=\nCONTENT_TYPE=text/plain\nHTTP_A=1,2,3\nHTTP_B=x,y\nHTTP_C=only\n"; body != want {
		t.Errorf("environ\n got %q\nwant %q", body, want)
	}
}

// TestIdleTimeoutNotLogged: a kept-alive connection that sends nothing
// more is closed at the idle timeout without a "Request timed out" line:
// only a started request that does not finish is logged.
func TestIdleTimeoutNotLogged(t *testing.T) {
	ts := startServer(t, inspectApp, WithIdleTimeout(100*time.Millisecond))
	c, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /idle HTTP/1.1\r\nHost: h\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after the idle timeout: %v, want the server's close", err)
	}
	time.Sleep(50 * time.Millisecond)
	if log := ts.log.String(); strings.Contains(log, "timed out") {
		t.Errorf("idle close logged:\n%s", log)
	}
}

// TestHTTP12ServedAs11: a later HTTP/1.x minor is served as HTTP/1.1
// (RFC 9110 section 6.2): a body of unknown length goes chunked and the
// connection stays open; SERVER_PROTOCOL says what the client sent.
func TestHTTP12ServedAs11(t *testing.T) {
	stream := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", nil)
		return wsgiref.Strings(env.Get("SERVER_PROTOCOL"), "!"), nil
	})
	ts := startServer(t, stream)
	out := roundTrip(t, ts.Addr(), "GET / HTTP/1.2\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Transfer-Encoding: chunked\r\n") ||
		!strings.Contains(out, "8\r\nHTTP/1.2\r\n") || strings.Count(out, "HTTP/1.1 200 OK") != 2 {
		t.Errorf("got %q", out)
	}
}
