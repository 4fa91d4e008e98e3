// Package handlers is wsgiref.handlers: the one response writer that runs a
// WSGI application for an origin server, a CGI script or any other gateway,
// plus [ReadEnviron], [FormatDateTime] and a net/http bridge
// ([HTTPHandler]).
//
// A [Handler] is CPython's BaseHandler and SimpleHandler in one type. Its
// exported fields are BaseHandler's customisation points (wsgi.multithread
// and friends, OriginServer, HTTPVersion, ServerSoftware, the file wrapper,
// the error page, the error logger, the sendfile hook); the constructors
// [NewSimpleHandler], [NewBaseCGIHandler], [NewCGIHandler] and
// [NewIISCGIHandler] set them as CPython's classes do. [Handler.Run] is
// BaseHandler.run: it builds the environ, calls the application, enforces
// start_response's rules, sends the status and headers before the first
// body byte, sets Content-Length when the body is one known block (or 0 for
// no body at all), sends the error page when the application fails before
// any header went out, logs when it fails after, and closes the body
// whatever happens. Output is CPython's byte for byte: "Status: 200 OK" for
// CGI, "HTTP/1.0 200 OK" with Date and Server for an origin server, nothing
// but the body for an HTTP/0.9 client.
//
// A server pools Handlers: after [Handler.Reset] it fills [Handler.Env]
// with [RequestEnviron], sets Environ to it, and calls Run, which then
// allocates nothing for a plain response. Stdout is usually a *bufio.Writer
// over the connection; the handler flushes it where CPython flushes (after
// each write() call, after each block of a body produced on demand, at the
// end of Run).
//
// What differs from CPython, on purpose:
//   - Header injection is impossible: a status or header holding CR, LF or
//     NUL (or another control byte in the status), or a header name that
//     is not an RFC 9110 token, is an application error. The application's
//     start_response call returns the error, it is logged, the error page
//     goes out; the bad bytes never reach the wire.
//   - The fields sent are the fields as passed to start_response: the
//     handler copies them (into a buffer it reuses), so edits of the
//     application's list after the call never reach the wire. CPython
//     reads its Headers object when the first body byte goes out.
//   - An application error is an error value or a panic (recovered in the
//     application, in the body's Next and in its Close); the default logger
//     writes the error, and a panic's stack, to wsgi.errors. Messages of
//     start_response's rules are CPython's assertion messages.
//   - An application that ignores start_response's error, or calls it
//     wrongly, still gets the error page: the handler remembers the failure.
//     The error page app ([Handler.ErrorOutput]) may call start_response
//     without excInfo; the failed status is replaced, as excInfo would do,
//     and the error is in the environ under [ExcInfoKey].
//   - With HTTPVersion "1.1" on an origin server, a body of unknown length
//     to an HTTP/1.1 client is sent chunked, and a response that leaves the
//     connection closing says "Connection: close"; with [Handler.KeepAlive]
//     an HTTP/1.0 response of known length says "Connection: keep-alive".
//     A chunked body that fails half-way is left unterminated, so the client
//     sees it incomplete. [Handler.Reusable] tells the server whether the
//     connection may serve another request. With HTTPVersion "1.0" and
//     KeepAlive false (the defaults) the bytes are CPython's.
//   - On an origin server, a HEAD request gets the headers (Content-Length
//     included) and no body bytes; CPython sends whatever the application
//     yields.
//   - The process environment is not copied into each request's environ
//     (OSEnviron is nil in every constructor): CPython's SimpleHandler leaks
//     os.environ, secrets included, into every request. Set OSEnviron to
//     ReadEnviron() for CPython's behaviour.
//   - A wsgi.url_scheme of "https" in the base environ (set by a TLS server)
//     is kept even without HTTPS=on; CPython always recomputes it.
//   - The default sendfile hook ([SendfileWriterTo]) sends io.WriterTo
//     bodies, such as wsgi.file_wrapper's over a file, with sendfile(2), and
//     gives a regular file a Content-Length; CPython's does nothing and
//     iterates.
//   - A client that went away (EPIPE, ECONNRESET, ECONNABORTED) ends the
//     request silently, as in CPython, and Run returns the error so the
//     server drops the connection ([IsClientGone]). A writer that reports a
//     short write without an error is called again with the rest.
//   - ReadEnviron needs no transcoding on Unix, where a Go string already
//     holds the environment's bytes; the Windows rules use x/text charmaps.
package handlers
