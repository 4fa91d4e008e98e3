package gateway

import (
	"io"
	"log/slog"
	"time"

	"github.com/gowsgi/wsgiref"
)

// The setters behind each protocol package's options: scgi.WithReadTimeout
// and uwsgi.WithReadTimeout both return ReadTimeout(d), as their own
// Option type, and document it in their protocol's words.

// MaxHeaderBytes bounds the block of variables: a longer one is refused
// with 431 from its announced size, before its bytes are read. n <= 0
// means DefaultMaxHeaderBytes.
func MaxHeaderBytes(n int) func(*Config) { return func(c *Config) { c.MaxHeaderBytes = n } }

// MaxBodyBytes bounds CONTENT_LENGTH: a larger request gets 413 and the
// application does not run. n <= 0 means no limit, the default.
func MaxBodyBytes(n int64) func(*Config) { return func(c *Config) { c.MaxBodyBytes = n } }

// HeaderTimeout bounds the time from the accept to the end of the block
// of variables (408 after it). The default is DefaultHeaderTimeout; d <= 0
// means none.
func HeaderTimeout(d time.Duration) func(*Config) { return func(c *Config) { c.HeaderTimeout = d } }

// ReadTimeout bounds the reads of the body, counted from the end of the
// variables. The default, 0, means none.
func ReadTimeout(d time.Duration) func(*Config) { return func(c *Config) { c.ReadTimeout = d } }

// WriteTimeout bounds the writing of the response, counted from the end
// of the variables. The default, 0, means none.
func WriteTimeout(d time.Duration) func(*Config) { return func(c *Config) { c.WriteTimeout = d } }

// Logger receives one Warn record per refused request or failed
// response, with the reason in the message. The default logs text to
// os.Stderr.
func Logger(l *slog.Logger) func(*Config) { return func(c *Config) { c.Logger = l } }

// Errors sets wsgi.errors, where application errors are written; the
// default is os.Stderr.
func Errors(w io.Writer) func(*Config) { return func(c *Config) { c.Errors = w } }

// Multiprocess sets wsgi.multiprocess, for an application served by
// several processes at once. The default is false.
func Multiprocess(on bool) func(*Config) { return func(c *Config) { c.Multiprocess = on } }

// Configure returns the server of a protocol package: cfg (the protocol's
// defaults) changed by opts in order, serving app with read.
//
//	gateway.Configure(app, readRequest, gateway.NewConfig("scgi"), opts)
func Configure[O ~func(*Config)](app wsgiref.App, read ReadRequest, cfg Config, opts []O) *Server {
	for _, o := range opts {
		o(&cfg)
	}
	return NewServer(app, read, cfg)
}
