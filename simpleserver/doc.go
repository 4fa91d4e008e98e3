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
// # Hardening
//
// CPython's server believes what it reads. This one refuses, with 400 and a
// closed connection, the request shapes that let a proxy in front and the
// server disagree about where a request ends (request smuggling): obsolete
// line folding, whitespace between a field name and its colon, a
// Content-Length together with Transfer-Encoding (net/http alone would
// quietly drop the length), Transfer-Encoding in an HTTP/1.0 request, and,
// through net/http, differing Content-Lengths, bare CRs and NULs. A transfer
// coding other than chunked gets 501, as does CONNECT. Bare LF line ends
// are accepted, as RFC 9112 allows and CPython does. The asterisk form
// ("*") is accepted with OPTIONS only. A request-target in absolute form
// ("GET http://host/p") gives PATH_INFO "/p" and HTTP_HOST "host", where
// CPython would put the whole URI in PATH_INFO. A path that decodes to CR,
// LF or NUL ("/%0d%0a") gets 400, so that no CGI variable holds one; ".."
// and "%2e%2e" reach PATH_INFO as sent, never resolved: that is the
// application's business.
//
// [WithMaxBodyBytes] bounds request bodies (413). When reading wsgi.input
// fails because of the client (a malformed chunk, a body over the limit, the
// read timeout of [WithReadTimeout]) and the application passes the error
// on, the client gets 400, 413 or 408 rather than the handler's 500, and
// the connection closes. [WithWriteTimeout] drops a client that does not
// read its response. At the [WithMaxConns] cap a new client makes the server
// close the connection that has been idle longest. A slow request, one
// whose head does not arrive within the read-header timeout, is logged as
// CPython logs "Request timed out". RELIABILITY.md at the module root lists
// each case and its test.
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
