package stress

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/gowsgi/wsgiref/simpleserver"
)

// server is a simpleserver.WSGIServer running an EchoApp, with the counts
// the runs cross-check the clients against.
type server struct {
	*simpleserver.WSGIServer
	app    *EchoApp
	logged *countingHandler
	served chan error // ServeForever's result
}

// startServer serves a new EchoApp on a free loopback port.
func startServer(opts ...simpleserver.Option) (*server, error) {
	app := &EchoApp{}
	logged := &countingHandler{}
	opts = append([]simpleserver.Option{
		simpleserver.WithLogger(slog.New(logged)),
		simpleserver.WithErrors(io.Discard),
		simpleserver.WithServerName("stress.test"),
	}, opts...)
	s, err := simpleserver.MakeServer("127.0.0.1", 0, app, opts...)
	if err != nil {
		return nil, err
	}
	srv := &server{WSGIServer: s, app: app, logged: logged, served: make(chan error, 1)}
	go func() { srv.served <- s.ServeForever() }()
	return srv, nil
}

// countingHandler is a slog.Handler that counts the access-log records
// (Info, one per response the server finished) and the warnings, and
// writes nothing.
type countingHandler struct {
	info, warn atomic.Int64
}

// Enabled accepts every level, so that nothing is counted short.
func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }

// Handle counts the record by level.
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo {
		h.info.Add(1)
	} else if r.Level >= slog.LevelWarn {
		h.warn.Add(1)
	}
	return nil
}

// WithAttrs returns h: attributes do not change the count.
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup returns h.
func (h *countingHandler) WithGroup(string) slog.Handler { return h }
