// Package scgi is an SCGI server for WSGI applications: what nginx's
// scgi_pass and lighttpd's mod_scgi speak to a backend process.
//
// SCGI (python.ca/scgi/protocol.txt) sends one request per connection: a
// netstring of NUL-separated CGI variables, CONTENT_LENGTH first and SCGI
// "1" among them, then the body. The variables become the environ as the
// front end sent them (HTTPS "on" makes wsgi.url_scheme "https"); the
// response goes back through [handlers.Handler] in the CGI "Status:" form,
// and the server closes the connection.
//
// A malformed or oversized request is logged (one Warn record with the
// reason), answered with 400, 413 or 431 when the front end can still read,
// and its connection closed; the server goes on serving. An application
// error after the headers resets a TCP connection, which nginx passes on as
// a cut response. A Unix socket cannot be reset (and lighttpd ends the
// response cleanly either way): there a failed response without a
// Content-Length ends like a complete one.
//
//	l, _ := net.Listen("unix", "/run/app.sock")
//	log.Fatal(scgi.Serve(l, app))
package scgi
