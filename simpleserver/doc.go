// Package simpleserver is wsgiref.simple_server: a small HTTP server that
// serves one WSGI application, for development, tests and demos.
//
//	srv, err := simpleserver.MakeServer("127.0.0.1", 8000, simpleserver.DemoApp)
//	if err != nil { ... }
//	log.Fatal(srv.ServeForever())
//
// It is thin by design. Requests are parsed by the standard library
// ([net/http.ReadRequest], the same hardened parser net/http's server uses),
// the environ is built as CPython's WSGIRequestHandler.get_environ builds it
// ([handlers.RequestEnviron]), and the response is written by the same
// [handlers.Handler] that serves CGI. What the server adds is the connection
// loop, its limits and its log.
//
// # Compared with CPython
//
// An HTTP/1.0 request gets CPython's bytes: the same status line, the same
// header order, the connection closed after the response. HTTP/1.1 goes
// further than CPython's server, which answers every request as HTTP/1.0:
// connections are kept alive and pipelined requests answered in order, a
// response without a known length is sent chunked, HEAD responses carry no
// body, "Expect: 100-continue" is honoured when the application first reads
// wsgi.input, and a chunked request body reaches the application through
// wsgi.input with no CONTENT_LENGTH in the environ.
//
// CPython serves one connection at a time; this server runs one goroutine
// per connection (wsgi.multithread is true) with an optional cap on
// concurrent connections ([WithMaxConns]). Nothing else runs per request:
// the connection keeps its buffers, environ and handler from one request to
// the next, so a steady stream of requests allocates little beyond what
// http.ReadRequest itself allocates.
//
// CPython's ServerHandler copies os.environ into every request environ, so
// its demo_app shows the process environment (tokens, keys, paths) to any
// client. This server does not; [WithOSEnviron] restores the behaviour when
// it is wanted.
//
// SERVER_SOFTWARE and the Server header are both "WSGIServer/0.2
// Go/<version>" ([SoftwareVersion]). CPython's Server header says
// "CPython/<version>" there and its SERVER_SOFTWARE only "WSGIServer/0.2";
// naming the runtime in the environ too tells an application which server
// it really runs under.
//
// # Limits
//
// Bad input gets an answer in CPython's error-page format and the server
// keeps serving: a request line longer than 65536 bytes gets 414 (as in
// CPython), a header block over the configured size 431 ([WithMaxHeaderBytes]),
// anything net/http cannot parse 400, an HTTP/2 preface 505, an Expect
// other than 100-continue 417 (as net/http; CPython ignores it). Read-header and
// idle timeouts ([WithReadHeaderTimeout], [WithIdleTimeout]) drop slowloris
// clients. An application that panics gets the handler's 500 error page. A
// client that goes away mid-request ends its connection goroutine once the
// application returns.
//
// net/http's parser is stricter than CPython's: a malformed percent escape
// in the request-target ("/%zz") or an empty Content-Length is a 400 here,
// and an HTTP/1.1 request without Host is a 400 as RFC 9112 requires.
//
// # Logging
//
// Every response is logged in CPython's format,
//
//	127.0.0.1 - - [21/Nov/2026 09:44:34] "GET / HTTP/1.0" 200 13
//
// as the message of a [log/slog] record (with the parts as attributes), so
// the access log can go anywhere: [WithLogger]. The default logger prints
// the message alone to standard error, as CPython does.
package simpleserver
