package uwsgi

import (
	"context"
	"net"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// Server is a uwsgi server for one application. Make one with
// [NewServer]; it may serve several listeners at once, and its methods are
// safe to call from any goroutine.
type Server struct {
	g *gateway.Server
}

// NewServer returns a server for app configured by opts.
func NewServer(app wsgiref.App, opts ...Option) *Server {
	cfg := gateway.NewConfig("uwsgi")
	cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	cfg.StatusLine = true // as uWSGI answers
	return &Server{g: gateway.Configure(app, readRequest, cfg, opts)}
}

// Serve serves uwsgi requests for app on l (TCP or Unix) until l fails:
// NewServer(app, opts...).Serve(l).
func Serve(l net.Listener, app wsgiref.App, opts ...Option) error {
	return NewServer(app, opts...).Serve(l)
}

// Serve accepts connections on l and serves each on its own goroutine. It
// returns ErrServerClosed after Shutdown or Close, another error when the
// listener fails; l is closed on return.
func (s *Server) Serve(l net.Listener) error { return s.g.Serve(l) }

// Shutdown stops accepting connections, waits for the requests in progress
// to finish and returns, or returns ctx's error when ctx is done first.
func (s *Server) Shutdown(ctx context.Context) error { return s.g.Shutdown(ctx) }

// Close stops accepting connections and closes those being served.
func (s *Server) Close() error { return s.g.Close() }

// readRequest reads the packet of one request into the environ.
func readRequest(c *gateway.Conn) (int64, error) {
	data, err := readPacket(c.R, c.MaxHeaderBytes, &c.Buf)
	if err != nil {
		return 0, err
	}
	return parseVars(data, c.Env)
}
