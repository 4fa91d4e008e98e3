// Package simpleserver is wsgiref.simple_server: a small HTTP server that
// serves one WSGI application, for development, tests and demos.
//
//	srv, err := simpleserver.MakeServer("127.0.0.1", 8000, simpleserver.DemoApp)
//	if err != nil { ... }
//	log.Fatal(srv.ServeForever())
//
// It is thin by design. Requests are read by the server's own HTTP/1.1
// reader (a small internal package): one pass over the connection's buffer
// from the request line to the empty line, driven by tables gen/tablegen
// writes, the head copied at most once (into a block shared with the
// connection's other heads; a part that repeats the previous head's is not
// copied again), the fields kept in wire order.
// The environ is built from it as CPython's WSGIRequestHandler.get_environ
// builds it ([WSGIRequestHandler.GetEnviron]), and every byte of the
// response, error pages and "100 Continue" included, is written by the same
// [handlers.Handler] that serves CGI. What the server adds is the
// connection loop, its limits and its log.
//
// # Compared with CPython
//
// An HTTP/1.0 request gets CPython's bytes: the same status line, the same
// header order, the connection closed after the response. HTTP/1.1 goes
// further than CPython's server, which answers every request as HTTP/1.0:
// connections are kept alive and pipelined requests answered in order (the
// responses to requests already buffered leave together, and nothing is
// held back while the server waits for the client), a response without a
// known length is sent chunked, HEAD responses carry no body,
// "Expect: 100-continue" is honoured when the application first reads
// wsgi.input, and a chunked request body reaches the application through
// wsgi.input (CONTENT_LENGTH stays the base environ's "", as in CPython).
// HTTP/1.2 and later 1.x minors are served as HTTP/1.1 (RFC 9110 section
// 6.2) with SERVER_PROTOCOL as sent.
//
// The environ matches CPython's key for key and in order: HTTP_* variables
// in wire order, a repeated field joined with "," in wire order, nothing
// added or moved. Two deliberate differences: a field name containing "_"
// is dropped ([WithUnderscoreFields] keeps CPython's behaviour), and an
// absolute-form target gives its path as PATH_INFO and its host as
// HTTP_HOST, as RFC 9112 section 3.2.2 asks.
//
// CPython serves one connection at a time; this server runs one goroutine
// per connection (wsgi.multithread is true) with an optional cap on
// concurrent connections ([WithMaxConns]). Nothing else runs per request:
// the connection keeps its buffers, environ and handler from one request to
// the next, so a steady stream of requests allocates the copy of its head
// and little beyond what the application does. The price: the environ,
// its wsgi.input and wsgi.errors belong to one request, until its body is
// closed. An application that hands them to a goroutine outliving the
// response must copy what it needs first (as net/http's Request.Body is
// closed after ServeHTTP); a kept wsgi.input would read the next
// request's body on the same connection, which behind a front end's
// upstream keep-alive can be another client's.
//
// A kept-alive connection that has answered its request and has nothing
// more buffered lets the server's other goroutines run once before it reads
// again, when the server has other connections: a client sending one
// request at a time has usually sent the next by then, and one read takes
// it instead of an empty read, a park and a wake. Each connection learns
// from its reads whether the yield pays (over a network it does not) and
// stops yielding when it does not.
//
// CPython's ServerHandler copies os.environ into every request environ, so
// its demo_app shows the process environment (tokens, keys, paths) to any
// client. This server does not; [WithOSEnviron] restores the behaviour when
// it is wanted.
//
// SERVER_SOFTWARE and the Server header are both "WSGIServer/0.2
// Go/<version>" ([SoftwareVersion], read once by [MakeServer]). CPython's
// Server header says "CPython/<version>" there and its SERVER_SOFTWARE only
// "WSGIServer/0.2"; naming the runtime in the environ too tells an
// application which server it really runs under.
//
// # Limits
//
// Bad input gets an answer in CPython's error-page format (its fields in
// the handler's order) with the reason in the log, the connection closes,
// and the server keeps serving. The head limits are Apache httpd's: a
// request line over 8190 bytes gets 414 ([WithMaxRequestLine]), a field
// line over 8190 bytes or more than 100 fields 431 ([WithMaxFieldLine],
// [WithMaxFields]), a header block over the configured size 431
// ([WithMaxHeaderBytes]). An HTTP/2 preface or any major version other than
// 1 gets 505, an Expect other than 100-continue 417 (as net/http; CPython
// ignores it). Read-header and idle timeouts ([WithReadHeaderTimeout],
// [WithIdleTimeout]) drop slowloris clients. An application that panics
// gets the handler's 500 error page. A client that goes away mid-request
// ends its connection goroutine once the application returns.
//
// # Hardening
//
// CPython's server believes what it reads. This one refuses what RFC 9112
// refuses, with the status below, the reason in the log and a closed
// connection, so that a proxy in front and the server cannot disagree about
// where a request ends or what it addresses (request smuggling):
//
//   - 400: a bare LF or a bare CR as a line end anywhere in the head or in
//     a chunk line; obsolete line folding; whitespace between a field name
//     and its colon; an empty or non-token field name; a control character
//     or NUL in a name or a value; a control character, space or byte above
//     0x7E in the target; a malformed percent escape in the path, or one
//     that decodes to CR, LF or NUL; a malformed request line or version
//     ("HTTP/1.32", "HTTP/01.1"); a target that is not origin form, an
//     http(s) URI with a host, or "*" with OPTIONS.
//   - 400: a duplicate, list-form, signed or empty Content-Length; a
//     Content-Length together with Transfer-Encoding; Transfer-Encoding in
//     HTTP/1.0; a duplicate Host; HTTP/1.1 without Host, absolute form
//     included.
//   - 501: a transfer coding other than a single "chunked", and CONNECT.
//
// Chunked bodies are read as strictly: hex digits only for the size (no
// sign, "0x", whitespace or overflow), extensions as ";name[=value]", the
// CRLF after each chunk's data required, trailers read, checked and
// dropped. At least one empty line before a request line is skipped (RFC
// 9112 section 2.2). ".." and "%2e%2e" reach PATH_INFO as sent, never
// resolved: that is the application's business.
//
// [WithMaxBodyBytes] bounds request bodies (413). When reading wsgi.input
// fails because of the client (a malformed chunk, a body over the limit, a
// [*MaxBytesError], the read timeout of [WithReadTimeout]) and the
// application passes the error on, the client gets 400, 413 or 408 rather
// than the handler's 500, and the connection closes. [WithWriteTimeout]
// drops a client that does not read its response. At the [WithMaxConns]
// cap a new client makes the server close the connection that has been
// idle longest. A slow request, one whose head does not arrive within the
// read-header timeout, is logged as CPython logs "Request timed out".
// RELIABILITY.md at the module root lists each case and its test.
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
