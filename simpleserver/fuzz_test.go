package simpleserver

import (
	"bufio"
	"bytes"
	"github.com/gowsgi/wsgiref/internal/pyrepr"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
)

// FuzzServe sends arbitrary bytes to a real server over loopback. Whatever
// arrives, the server answers with well-formed HTTP responses or closes
// the connection, never hangs past its timeouts, and keeps serving.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.0\r\n\r\n",
		"GET /p%61th/?query=test HTTP/1.0\nX-Test-Header: a\nX-Test-Header: b\n\n",
		"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
		"HEAD /stream HTTP/1.1\r\nHost: h\r\n\r\nGET /stream HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET /\x80%80 HTTP/1.0\r\n\r\n",
		"\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("y", 3000) + "\r\n\r\n",
		// A HEAD response has a Content-Length and no body: read as a GET
		// response it swallows the next response's bytes.
		"HEAD / HTTP/1.1\nHost:0\n\n0 / HTTP/1.0\n0000:0\n\n",
	} {
		f.Add([]byte(seed))
	}
	var methods methodLog
	ts := startServer(f, methods.wrap(routeApp),
		WithLogger(slog.New(slog.DiscardHandler)), WithErrors(io.Discard),
		WithMaxHeaderBytes(2048), WithReadHeaderTimeout(time.Second), WithReadTimeout(time.Second))
	addr := ts.Addr().String()
	f.Fuzz(func(t *testing.T, raw []byte) {
		methods.reset()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write(raw)
		c.(*net.TCPConn).CloseWrite()
		out, err := io.ReadAll(c)
		if err != nil && !isReset(err) {
			t.Fatalf("reading: %v (server hung?) after %q", err, out)
		}
		// Each final response answers one request the application saw, in
		// order, but the last, which may be a refusal the application never
		// saw (a refusal closes the connection). The method says whether a
		// body follows the head: none after a HEAD response.
		served := methods.get()
		br := bufio.NewReader(bytes.NewReader(out))
		for n := 0; ; {
			if _, err := br.Peek(1); err != nil {
				break
			}
			line, _ := br.Peek(9)
			if s := string(line); s != "HTTP/1.0 " && s != "HTTP/1.1 " {
				t.Fatalf("response %d starts %q for %q (methods served %q)", n, line, raw, served)
			}
			req := &http.Request{Method: "GET"}
			if n < len(served) {
				req.Method = served[n]
			}
			resp, err := http.ReadResponse(br, req)
			if err != nil {
				// The last response may be cut by a reset or be a
				// read-to-close body: fine as long as it began well.
				break
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
				n++ // not an interim response (100 Continue)
			}
		}
		// The server still answers.
		if got := roundTrip(t, ts.Addr(), "GET /header?q HTTP/1.0\r\nX-Test-Header: ok\r\n\r\n"); !strings.HasSuffix(got, "ok;q;/header") {
			t.Fatalf("server broken after %q: %q", raw, got)
		}
	})
}

// methodLog records the REQUEST_METHOD of every request that reaches the
// application, in order. The fuzz function runs one input at a time, so
// between reset and get it holds the methods of one connection.
type methodLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *methodLog) wrap(app wsgiref.App) wsgiref.App {
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		l.mu.Lock()
		l.seen = append(l.seen, env.Get("REQUEST_METHOD"))
		l.mu.Unlock()
		return app.ServeWSGI(env, start)
	})
}

func (l *methodLog) reset() {
	l.mu.Lock()
	l.seen = l.seen[:0]
	l.mu.Unlock()
}

func (l *methodLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// FuzzPyRepr checks the invariants of pyrepr.String, what DemoApp prints:
// quoted, printable ASCII or UTF-8 only, and reversible.
func FuzzPyRepr(f *testing.F) {
	for _, s := range []string{"", "GET", "it's", `"'`, "\x00\x7f\x80\xa0\xad\xff\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := pyrepr.String(s)
		if len(r) < 2 || r[0] != r[len(r)-1] || (r[0] != '\'' && r[0] != '"') {
			t.Fatalf("pyrepr.String(%q) = %q: not quoted", s, r)
		}
		if got := unrepr(t, r); got != s {
			t.Fatalf("pyrepr.String(%q) = %q reads back as %q", s, r, got)
		}
	})
}

// unrepr reads a pyrepr.String result back into bytes.
func unrepr(t *testing.T, r string) string {
	var b []byte
	body := []rune(r[1 : len(r)-1])
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c > 0xff {
			t.Fatalf("rune %U beyond Latin-1 in %q", c, r)
		}
		if c < 0x20 || c == 0x7f {
			t.Fatalf("raw control %q in %q", c, r)
		}
		if c != '\\' {
			b = append(b, byte(c))
			continue
		}
		i++
		switch body[i] {
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 'x':
			var v byte
			for _, h := range body[i+1 : i+3] {
				v = v<<4 | byte(strings.IndexRune("0123456789abcdef", h))
			}
			b = append(b, v)
			i += 2
		default:
			b = append(b, byte(body[i]))
		}
	}
	return string(b)
}
