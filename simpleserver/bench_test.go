package simpleserver

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

var helloBody = []byte("Hello, World!")

// benchApp is a hello world written as an application author would.
var benchApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}}); err != nil {
		return nil, err
	}
	return wsgiref.Blocks(helloBody), nil
})

const benchRequest = "GET /hello?name=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"

// benchConn sends the request n times on one kept-alive connection, depth
// requests at a time, and reads the fixed-size responses: the client side
// allocates nothing, so allocs/op are the server's.
func benchConn(b *testing.B, addr string, depth int) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	// Learn the response size from one request (the Date header has a
	// fixed width).
	io.WriteString(c, benchRequest)
	buf := make([]byte, 64<<10)
	n, err := c.Read(buf)
	if err != nil || !bytes.HasSuffix(buf[:n], helloBody) {
		b.Fatalf("first response %q, %v", buf[:n], err)
	}
	size := n
	reqs := bytes.Repeat([]byte(benchRequest), depth)
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += depth {
		k := min(depth, b.N-sent)
		if _, err := c.Write(reqs[:k*len(benchRequest)]); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf[:k*size]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHello: one connection, request then response, the access log
// off (as the net/http server has none).
func BenchmarkHello(b *testing.B) {
	srv := startServer(b, benchApp, WithLogger(slog.New(slog.DiscardHandler)))
	benchConn(b, srv.Addr().String(), 1)
}

// BenchmarkHelloPipelined: 16 requests in flight on one connection.
func BenchmarkHelloPipelined(b *testing.B) {
	srv := startServer(b, benchApp, WithLogger(slog.New(slog.DiscardHandler)))
	benchConn(b, srv.Addr().String(), 16)
}

// BenchmarkHelloAccessLog: the default CPython-format access log, written
// to a discarding writer.
func BenchmarkHelloAccessLog(b *testing.B) {
	srv := startServer(b, benchApp, WithLogger(slog.New(NewLogHandler(io.Discard))))
	benchConn(b, srv.Addr().String(), 1)
}

// BenchmarkHelloPipelinedAccessLog: 16 requests in flight, the default
// access log to a discarding writer: the log line's own cost per request.
func BenchmarkHelloPipelinedAccessLog(b *testing.B) {
	srv := startServer(b, benchApp, WithLogger(slog.New(NewLogHandler(io.Discard))))
	benchConn(b, srv.Addr().String(), 16)
}

// BenchmarkNetHTTPHello is the same exchange with net/http's server, for
// comparison in the same run.
func BenchmarkNetHTTPHello(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	length := strconv.Itoa(len(helloBody))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain"}
		h["Content-Length"] = []string{length}
		w.Write(helloBody)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	benchConn(b, ln.Addr().String(), 1)
}
