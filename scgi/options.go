package scgi

import (
	"io"
	"log/slog"
	"time"

	"github.com/gowsgi/wsgiref/internal/gateway"
)

// Option configures a [Server].
type Option func(*config)

// config is what the options set, shared with the other gateways.
type config = gateway.Config

// DefaultMaxHeaderBytes is the default limit on the header netstring.
const DefaultMaxHeaderBytes = gateway.DefaultMaxHeaderBytes

// WithMaxHeaderBytes bounds the header netstring (the CGI variables); a
// longer one is refused with 431 from its length prefix. n <= 0 means
// [DefaultMaxHeaderBytes], 64 KiB.
func WithMaxHeaderBytes(n int) Option { return gateway.MaxHeaderBytes(n) }

// WithMaxBodyBytes bounds CONTENT_LENGTH, the body after the netstring: a
// larger request gets 413 and the application does not run. n <= 0 means
// no limit, the default.
func WithMaxBodyBytes(n int64) Option { return gateway.MaxBodyBytes(n) }

// WithHeaderTimeout bounds the time from the accept to the end of the
// header netstring (408 after it). The default is 10 s; d <= 0 means none.
func WithHeaderTimeout(d time.Duration) Option { return gateway.HeaderTimeout(d) }

// WithReadTimeout bounds the reads of the body, counted from the end of
// the netstring. The default, 0, means none.
func WithReadTimeout(d time.Duration) Option { return gateway.ReadTimeout(d) }

// WithWriteTimeout bounds the writing of the response, counted from the
// end of the netstring. The default, 0, means none.
func WithWriteTimeout(d time.Duration) Option { return gateway.WriteTimeout(d) }

// WithLogger receives one Warn record per refused request or failed
// response, with the reason in the message ("scgi: refused request:
// malformed netstring"). The default logs text to os.Stderr.
func WithLogger(l *slog.Logger) Option { return gateway.Logger(l) }

// WithErrors sets wsgi.errors, where the SCGI applications' errors are
// written; the default is os.Stderr.
func WithErrors(w io.Writer) Option { return gateway.Errors(w) }

// WithMultiprocess sets wsgi.multiprocess, for an application served by
// several SCGI processes at once (see package listen). The default is
// false.
func WithMultiprocess(on bool) Option { return gateway.Multiprocess(on) }
