// Package uwsgi is a server of the uwsgi protocol for WSGI applications:
// what nginx's uwsgi_pass speaks to a backend process, so a Go WSGI
// application can take the place of a uWSGI worker.
//
// The protocol (uwsgi-docs.readthedocs.io, "The uwsgi protocol") sends one
// request per connection: a four-byte header (modifier1, the size of the
// variables as a little-endian uint16, modifier2), the CGI variables as
// length-prefixed pairs, then CONTENT_LENGTH bytes of body. Only modifier1
// 0 (a WSGI request) with modifier2 0 is served. The variables become the
// environ as the front end sent them (HTTPS "on" makes wsgi.url_scheme
// "https"); the response goes back through [handlers.Handler] in the CGI
// form, but with an HTTP/1.1 status line in place of the "Status:" header,
// as uWSGI answers: nginx's uwsgi module would pass a Status header on to
// the client. The server closes the connection after the response.
//
// A malformed or oversized packet is logged (one Warn record with the
// reason), answered with 400, 413 or 431 when the front end can still read,
// and its connection closed; the server goes on serving. An application
// error after the headers resets a TCP connection, which nginx passes on as
// a cut response. A Unix socket cannot be reset (and lighttpd ends the
// response cleanly either way): there a failed response without a
// Content-Length ends like a complete one.
//
//	l, _ := net.Listen("unix", "/run/app.sock")
//	log.Fatal(uwsgi.Serve(l, app))
package uwsgi
