package uwsgi

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

// DefaultMaxHeaderBytes is the default limit on a packet's variables. The
// protocol's own limit is 65535 bytes, which this default admits.
const DefaultMaxHeaderBytes = 65535

// WithMaxHeaderBytes bounds a packet's variables (the CGI variables); a
// larger packet is refused with 431 from its header. n <= 0 means
// [DefaultMaxHeaderBytes].
func WithMaxHeaderBytes(n int) Option { return gateway.MaxHeaderBytes(n) }

// WithMaxBodyBytes bounds CONTENT_LENGTH, the body after the packet: a
// larger request gets 413 and the application does not run. n <= 0 means
// no limit, the default.
func WithMaxBodyBytes(n int64) Option { return gateway.MaxBodyBytes(n) }

// WithHeaderTimeout bounds the time from the accept to the end of the
// packet's variables (408 after it). The default is 10 s; d <= 0 means none.
func WithHeaderTimeout(d time.Duration) Option { return gateway.HeaderTimeout(d) }

// WithReadTimeout bounds the reads of the body, counted from the end of
// the packet. The default, 0, means none.
func WithReadTimeout(d time.Duration) Option { return gateway.ReadTimeout(d) }

// WithWriteTimeout bounds the writing of the response, counted from the
// end of the packet. The default, 0, means none.
func WithWriteTimeout(d time.Duration) Option { return gateway.WriteTimeout(d) }

// WithLogger receives one Warn record per refused packet or failed
// response, with the reason in the message ("uwsgi: refused request:
// unsupported packet modifiers 5 and 0"). The default logs text to
// os.Stderr.
func WithLogger(l *slog.Logger) Option { return gateway.Logger(l) }

// WithErrors sets wsgi.errors, where the uwsgi applications' errors are
// written; the default is os.Stderr.
func WithErrors(w io.Writer) Option { return gateway.Errors(w) }

// WithMultiprocess sets wsgi.multiprocess, for an application served by
// several uwsgi processes at once (see package listen), as uWSGI's
// workers are. The default is false.
func WithMultiprocess(on bool) Option { return gateway.Multiprocess(on) }
