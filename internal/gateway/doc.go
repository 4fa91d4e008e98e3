// Package gateway is what the SCGI and uwsgi servers share, so that each
// protocol package holds only its own reader: the accept loop with graceful
// shutdown ([Server]), the response through [handlers.Handler] in the
// "Status:" form, the request body bounded by CONTENT_LENGTH, the log of
// refused requests, how a repeated variable is read ([AddVar]), and the
// setters behind each package's options ([MaxHeaderBytes] and the rest,
// [Configure]). Its tests for every protocol are in gatewaytesting.
//
// Both protocols carry one request per connection: the front end sends a
// block of CGI variables, then the body; the server answers and closes.
package gateway
