package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fileswrap"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func init() {
	servers["simple"] = func(ln net.Listener, file string) error { return serveSimple(ln, file, true) }
	servers["simple-quiet"] = func(ln net.Listener, file string) error { return serveSimple(ln, file, false) }
	servers["bridge"] = serveBridge
}

var helloLength = strconv.Itoa(len(helloBody))

// helloFields is the hello page's header list, one for every response:
// start_response copies the list it is given, so an application may pass
// the same one each time, as benchmarks/server_test.go's wsgiHello does.
var helloFields = headers.Headers{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: helloLength}}

// helloApp is the WSGI application of our contenders, written in the
// fast idiomatic form, like fasthttp's handler, which sets its fields on
// a reused response and writes a pre-built page: one shared header list
// (no allocation, where a list literal per call allocated 64 bytes a
// request) and the page as a one-block body, which gets a Content-Length,
// in the environ's own body (Environ.Blocks: no allocation).
// With a file, /file answers with that file through wsgi.file_wrapper.
func helloApp(file string) wsgiref.App {
	var size string
	if file != "" {
		if st, err := os.Stat(file); err == nil {
			size = strconv.FormatInt(st.Size(), 10)
		}
	}
	hello := []byte(helloBody)
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if file != "" && env.Get("PATH_INFO") == "/file" {
			f, err := os.Open(file)
			if err != nil {
				return nil, err
			}
			if _, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "application/octet-stream"}, {Name: "Content-Length", Value: size}}); err != nil {
				f.Close()
				return nil, err
			}
			wrap := env.FileWrapper
			if wrap == nil { // a server that offers none: wrap it ourselves
				wrap = func(r io.Reader, blksize int) wsgiref.Body { return fileswrap.New(r, blksize) }
			}
			return wrap(f, 0), nil
		}
		if _, err := start("200 OK", helloFields); err != nil {
			return nil, err
		}
		return env.Blocks(hello), nil
	})
}

// serveSimple runs this module's simpleserver. With log, it writes
// CPython's access log line per request to stderr, as it does by default
// (and as CPython's server does); without, the log is discarded.
func serveSimple(ln net.Listener, file string, log bool) error {
	opts := []simpleserver.Option{simpleserver.WithListener(ln)}
	if !log {
		opts = append(opts, simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	}
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, helloApp(file), opts...)
	if err != nil {
		return err
	}
	return srv.ServeForever()
}

// serveBridge runs the same application under net/http's server through
// the handlers bridge.
func serveBridge(ln net.Listener, file string) error {
	h := handlers.NewHTTPHandler(helloApp(file))
	h.Errors = io.Discard
	return (&http.Server{Handler: h}).Serve(ln)
}
