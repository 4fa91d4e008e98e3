// Package fastcgi is a FastCGI 1.0 responder: [Serve] runs a WSGI
// application for a front end (nginx fastcgi_pass, lighttpd mod_fastcgi,
// Apache mod_proxy_fcgi) over TCP or a Unix socket, in the way flup's
// WSGIServer does for Python.
//
// Each request's environ is the FCGI_PARAMS the front end sends, as it sends
// them (CGI variables in its order; HTTPS=on makes wsgi.url_scheme "https");
// wsgi.input streams the FCGI_STDIN records as the application reads them,
// without buffering the body; wsgi.errors goes out as FCGI_STDERR. The
// response is written by [handlers.Handler] in its CGI form ("Status: 200
// OK", headers, body) as FCGI_STDOUT records, then FCGI_END_REQUEST.
//
// What the server does with the protocol:
//   - Requests on separate connections run concurrently; a connection opened
//     with FCGI_KEEP_CONN serves one request after another, otherwise it is
//     closed after the request.
//   - A connection carries one request at a time. A BEGIN_REQUEST for
//     another id while one is active is answered FCGI_CANT_MPX_CONN and the
//     active request goes on; FCGI_GET_VALUES says FCGI_MPXS_CONNS=0, and
//     FCGI_MAX_CONNS and FCGI_MAX_REQS when [WithMaxConns] sets a limit.
//   - FCGI_ABORT_REQUEST (or the front end closing the connection) ends the
//     application's request: wsgi.input and the response writes fail with
//     [ErrAborted], and the request ends with FCGI_END_REQUEST. The reader
//     takes the record after an FCGI_STDIN record only once the application
//     has read that one (or its request is over), so an abort or a second
//     BEGIN_REQUEST queued behind unread body is seen then.
//   - Roles other than FCGI_RESPONDER are answered FCGI_UNKNOWN_ROLE,
//     unknown management records FCGI_UNKNOWN_TYPE; records for an id that is
//     not active are ignored, as the specification asks.
//   - [Server.Shutdown] closes the listeners and the connections between
//     requests, and waits for the requests in progress; [Server.Close] ends
//     them too.
//   - Bad input (a truncated record, a version other than 1, a parameter
//     block over [WithMaxParamsBytes], a malformed name-value pair, a record
//     out of order, a front end that goes away mid-body) is logged with the
//     reason and closes that connection; the server keeps serving the others.
//     The limits are options: [WithMaxParamsBytes], [WithMaxConns],
//     [WithParamsTimeout], [WithIdleTimeout], [WithWriteTimeout].
//
// Read the body before answering. wsgi.input hands the application one
// FCGI_STDIN record at a time and reads the next only when that one is
// consumed, so a large body is never held in memory. nginx, though, stops
// sending the request body once the response headers arrive: an
// application that starts its response before it has read a body larger
// than the socket buffers (a streaming echo of a few hundred KiB over a
// Unix socket, for one) waits for the rest until fastcgi_read_timeout.
// Reading the body first, as PEP 3333 applications normally do, is safe.
//
// Parsing allocates nothing per request beyond the environ's strings, and
// those are one allocation: the parameter block is copied once into a
// string that every name and value slices. Connection state (buffers, the
// handler, the environ's lists) is pooled.
package fastcgi
