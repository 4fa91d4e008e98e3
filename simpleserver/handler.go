package simpleserver

import (
	"io"
	"net"
	"net/http"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// RequestHandler serves the requests of a connection: the Go form of
// CPython's WSGIRequestHandler, whose documented customisation points are
// these three methods. To change one, embed [WSGIRequestHandler] and
// override it; the server calls the methods through the interface, so the
// default Handle uses an overridden GetEnviron or GetStderr.
//
// A RequestHandler is shared by all connections and must be safe for
// concurrent use.
type RequestHandler interface {
	// GetEnviron fills env, which is empty, with the CGI variables of the
	// request: the server's base environ, then what the request says.
	GetEnviron(r *Request, env *wsgiref.Environ)
	// GetStderr returns wsgi.errors for the request.
	GetStderr(r *Request) io.Writer
	// Handle runs the application for the request and writes the response.
	// A non-nil error closes the connection.
	Handle(r *Request) error
}

// Request is one parsed request on its connection: what a CPython request
// handler holds in self. It is valid during Handle only; the server reuses
// it for the connection's next request.
type Request struct {
	// HTTP is the request as net/http parsed it. Its Body is the raw body;
	// the application reads it through wsgi.input.
	HTTP *http.Request
	// Server is the server the request came to.
	Server *WSGIServer
	// Conn is the client connection. Write to it only from a Handle that
	// does not call the default one.
	Conn net.Conn

	c         *conn
	keepAlive bool
	reusable  bool
	status    string
	bytesSent int64
}

// KeepAlive reports whether the connection may serve another request after
// this one (HTTP/1.1, no "Connection: close", server not shutting down).
func (r *Request) KeepAlive() bool { return r.keepAlive }

// Handler returns the response writer of the connection, for a Handle that
// wraps the default one and wants to know what was sent (Status,
// BytesSent) or to adjust its fields before calling it.
func (r *Request) Handler() *handlers.Handler { return r.c.h }

// WSGIRequestHandler is the default [RequestHandler], CPython's
// WSGIRequestHandler. Its zero value is ready to use; embed it to override
// one method.
type WSGIRequestHandler struct{}

// GetEnviron copies the server's base environ into env, then adds the
// request's variables with [handlers.RequestEnviron].
func (WSGIRequestHandler) GetEnviron(r *Request, env *wsgiref.Environ) {
	s := r.Server
	for k, v := range s.base.All() {
		env.Set(k, v)
	}
	handlers.RequestEnviron(env, r.HTTP, s.info)
}

// GetStderr returns the server's wsgi.errors ([WithErrors]), os.Stderr by
// default.
func (WSGIRequestHandler) GetStderr(r *Request) io.Writer { return r.Server.cfg.stderr }

// Handle builds the environ through the server's RequestHandler, runs the
// server's application with the connection's [handlers.Handler] and logs
// the response, as CPython's handle runs a ServerHandler.
func (WSGIRequestHandler) Handle(r *Request) error {
	c, s := r.c, r.Server
	h := c.h
	h.Reset()
	// The environ is filled in place, in the handler's own: nothing is
	// copied per request.
	env := h.Env()
	s.cfg.handler.GetEnviron(r, env)
	h.Stdin = &c.in
	h.Stdout = c.bw
	h.Stderr = s.cfg.handler.GetStderr(r)
	h.Environ = env
	h.OSEnviron = s.cfg.osEnviron
	h.Multithread, h.Multiprocess, h.RunOnce = true, false, false
	h.OriginServer = true
	h.HTTPVersion = "1.0"
	if r.HTTP.ProtoAtLeast(1, 1) {
		h.HTTPVersion = "1.1"
	}
	h.ServerSoftware = SoftwareVersion
	h.KeepAlive = r.keepAlive
	if s.cfg.fileWrapper != nil {
		h.FileWrapper = *s.cfg.fileWrapper
	}
	err := h.Run(s.GetApp())
	r.reusable = err == nil && h.Reusable()
	r.status = h.Status()
	r.bytesSent = h.BytesSent()
	s.logRequest(r)
	return err
}
