// Command cgi is a WSGI application served as a CGI script, the Go
// counterpart of
//
//	from wsgiref.handlers import CGIHandler
//	CGIHandler().run(app)
//
// Build it and point any CGI host at the binary (lighttpd's mod_cgi,
// Apache's mod_cgi, Go's net/http/cgi). app.py next to it is the same
// application for CPython; the tests run both under lighttpd and compare
// their bytes.
//
//	GET  /anything?q=1  echoes the request variables
//	POST /anything      echoes them and the request body
//	GET  /stream        answers in three blocks (no Content-Length)
//	GET  /error         fails: the handler sends its error page
package main

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
)

// echoKeys are the variables the application echoes, in order.
var echoKeys = []string{"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "HTTP_X_DEMO"}

func app(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	switch env.Get("PATH_INFO") {
	case "/error":
		return nil, errors.New("boom")
	case "/stream":
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
			return nil, err
		}
		return wsgiref.Strings("one\n", "two\n", "three\n"), nil
	}
	var body []byte
	if n, err := strconv.Atoi(env.Get("CONTENT_LENGTH")); err == nil && n > 0 {
		body = make([]byte, n)
		if _, err := io.ReadFull(env.Input, body); err != nil {
			return nil, err
		}
	}
	lines := make([]string, 0, len(echoKeys)+1)
	for _, k := range echoKeys {
		lines = append(lines, k+"="+env.Get(k))
	}
	lines = append(lines, string(body))
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain; charset=utf-8", "X-Gateway", "wsgiref")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(strings.Join(lines, "\n")), nil
}

func main() {
	if err := handlers.NewCGIHandler().Run(wsgiref.AppFunc(app)); err != nil {
		os.Exit(1)
	}
}
