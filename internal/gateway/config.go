package gateway

import (
	"io"
	"log/slog"
	"os"
	"time"
)

// Defaults of the limits a protocol package's options change.
const (
	DefaultMaxHeaderBytes = 64 << 10
	DefaultHeaderTimeout  = 10 * time.Second
)

// Config is what a protocol package's options set.
type Config struct {
	// Protocol names the protocol in log messages ("scgi", "uwsgi").
	Protocol string
	// MaxHeaderBytes bounds the block of variables.
	MaxHeaderBytes int
	// MaxBodyBytes bounds CONTENT_LENGTH; 0 means no limit.
	MaxBodyBytes int64
	// HeaderTimeout bounds the time from the accept to the end of the
	// variables; 0 means none.
	HeaderTimeout time.Duration
	// ReadTimeout bounds the time from the end of the variables to the end
	// of the response for reads of the body; 0 means none.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time to write the response; 0 means none.
	WriteTimeout time.Duration
	// Logger receives one Warn record per refused request and per
	// failed response.
	Logger *slog.Logger
	// Errors is wsgi.errors, where application errors are logged.
	Errors io.Writer
	// Multiprocess is wsgi.multiprocess.
	Multiprocess bool
	// StatusLine makes responses start with an HTTP/1.1 status line
	// instead of a "Status:" header, as uWSGI answers: nginx's uwsgi
	// module reads either, but passes a Status header on to the client.
	StatusLine bool
}

// NewConfig returns the defaults for protocol.
func NewConfig(protocol string) Config {
	return Config{
		Protocol:       protocol,
		MaxHeaderBytes: DefaultMaxHeaderBytes,
		HeaderTimeout:  DefaultHeaderTimeout,
		Errors:         os.Stderr,
	}
}

func (c *Config) fill() {
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if c.Errors == nil {
		c.Errors = io.Discard
	}
}
