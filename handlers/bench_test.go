package handlers

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// BenchmarkRun is the steady state of a pooled origin-server handler:
// hello world, environ filled in place, response into a *bufio.Writer.
func BenchmarkRun(b *testing.B) {
	// A server holds the Date line fresh from a timer; so does this.
	defer httpdate.Hold()()
	for _, tc := range []struct {
		name    string
		version string
		app     wsgiref.App
	}{
		{"hello-1.0", "1.0", wsgiref.AppFunc(benchHelloPooled)},
		{"hello-1.1", "1.1", wsgiref.AppFunc(benchHelloPooled)},
		{"hello-fresh-list", "1.1", wsgiref.AppFunc(benchHelloFreshList)},
		{"stream-chunked", "1.1", wsgiref.AppFunc(benchStream)},
		{"error-page", "1.0", wsgiref.AppFunc(benchFail)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bw := bufio.NewWriter(io.Discard)
			h := NewSimpleHandler(nil, bw, io.Discard, nil, true, false)
			h.HTTPVersion = tc.version
			h.ServerSoftware = "WSGIServer/0.2"
			h.LogError = func(*wsgiref.Environ, error) {}
			in := strings.NewReader("")
			b.ReportAllocs()
			for b.Loop() {
				h.Reset()
				env := h.Env()
				env.Set("REQUEST_METHOD", "GET")
				env.Set("SERVER_PROTOCOL", "HTTP/1.1")
				env.Set("PATH_INFO", "/")
				env.Set("QUERY_STRING", "")
				env.Set("wsgi.url_scheme", "http")
				h.Environ, h.Stdin, h.KeepAlive = env, in, true
				h.Run(tc.app)
				bw.Flush()
			}
		})
	}
}

var (
	streamBlocks = [][]byte{[]byte("one "), []byte("two "), []byte("three")}
	streamBody   = &countless{wsgiref.Blocks()}
	errFail      = io.ErrUnexpectedEOF
)

func benchStream(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	s("200 OK", helloHeaders)
	streamBody.Body.(*wsgiref.SliceBody).Reset(streamBlocks...)
	return streamBody, nil
}

// countless hides the block count: a body of unknown length.
type countless struct{ wsgiref.Body }

func benchFail(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	return nil, errFail
}

// BenchmarkFormatDateTime formats an HTTP date.
func BenchmarkFormatDateTime(b *testing.B) {
	var buf [64]byte
	now := time.Date(2006, 6, 5, 18, 49, 54, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		httpdate.Append(buf[:0], now)
	}
}

var (
	helloBody   = wsgiref.Blocks()
	helloBlocks = [][]byte{[]byte("Hello, world!")}
)

// benchHelloPooled answers hello world without allocating, so that the
// benchmark shows the handler's own allocations.
func benchHelloPooled(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	s("200 OK", helloHeaders)
	helloBody.Reset(helloBlocks...)
	return helloBody, nil
}

// benchHelloFreshList is benchHelloPooled written as many applications
// are (and as benchmarks/cmd/hello was before it shared one list): a new
// field list per response, which escapes (the start_response it goes to
// is a func value), so it is the application's one allocation of 64
// bytes. The handler's part is what hello-1.1 costs: the check cache
// finds the list made of the same strings as the last one.
func benchHelloFreshList(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	s("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: helloLength}})
	return e.Blocks(helloBlocks[0]), nil
}

var helloLength = strconv.Itoa(len(helloBlocks[0]))
