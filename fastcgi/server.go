package fastcgi

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref"
)

// DefaultMaxParamsBytes is the default limit of a request's FCGI_PARAMS
// stream: far above what nginx sends for a request with large headers
// (its own header buffers are 4 x 8 KiB by default).
const DefaultMaxParamsBytes = 128 << 10

// Server serves a WSGI application to FastCGI front ends. Create it with
// [NewServer]; the zero value is not usable.
type Server struct {
	app       wsgiref.App
	maxParams int
	maxConns  int
	logger    *slog.Logger
	multiproc bool

	idleTimeout, paramsTimeout, writeTimeout time.Duration

	pool sync.Pool // of *conn

	shuttingDown atomic.Bool
	mu           sync.Mutex
	listeners    map[net.Listener]struct{}
	active       map[*conn]struct{}
}

// ErrServerClosed is what Serve returns after Shutdown or Close.
var ErrServerClosed = errors.New("fastcgi: Server closed")

// Option configures a [Server].
type Option func(*Server)

// WithMaxParamsBytes sets the longest FCGI_PARAMS stream a request may send
// (default [DefaultMaxParamsBytes]); a longer one is [ErrParamsTooLarge] and
// closes the connection.
func WithMaxParamsBytes(n int) Option { return func(s *Server) { s.maxParams = n } }

// WithMaxConns limits the connections served at once to n: the listener is
// not accepted from while n are open. FCGI_GET_VALUES then answers n for
// FCGI_MAX_CONNS and FCGI_MAX_REQS. The default, 0, is no limit (and those
// two values are left out of the answer).
func WithMaxConns(n int) Option { return func(s *Server) { s.maxConns = n } }

// WithLogger sets where connection errors go (bad records, a front end
// gone mid-request, an error page that failed): one Warn record each, the
// remote address and the reason in the message. The default logs text to
// os.Stderr. Application errors go to wsgi.errors, which is FCGI_STDERR:
// the front end's error log.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.logger = l } }

// WithMultiprocess sets wsgi.multiprocess, for an application served by
// several processes at once (see package listen). The default is false.
func WithMultiprocess(on bool) Option { return func(s *Server) { s.multiproc = on } }

// WithIdleTimeout closes a kept connection that carries no request for d
// (default 0, never). nginx notices a closed idle upstream connection and
// opens another.
func WithIdleTimeout(d time.Duration) Option { return func(s *Server) { s.idleTimeout = d } }

// WithParamsTimeout bounds the time from a request's FCGI_BEGIN_REQUEST
// to the end of its FCGI_PARAMS (default 0, no bound); a slower front end
// gets [ErrTimeout] logged and the connection closed. The body and the
// application are not bounded: the application may read at its own pace.
func WithParamsTimeout(d time.Duration) Option { return func(s *Server) { s.paramsTimeout = d } }

// WithWriteTimeout bounds each write of the response to the front end
// (default 0, no bound); a front end that stops reading then ends the
// request as a client gone.
func WithWriteTimeout(d time.Duration) Option { return func(s *Server) { s.writeTimeout = d } }

// NewServer returns a server of app configured by opts.
func NewServer(app wsgiref.App, opts ...Option) *Server {
	s := &Server{app: app, maxParams: DefaultMaxParamsBytes}
	for _, o := range opts {
		o(s)
	}
	if s.logger == nil {
		s.logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return s
}

// Serve serves app on every connection accepted from l (TCP or Unix
// socket) until l fails, as in
//
//	l, _ := net.Listen("unix", "/run/app.sock")
//	log.Fatal(fastcgi.Serve(l, app))
//
// It returns the listener's error; each connection runs in goroutines of its
// own.
func Serve(l net.Listener, app wsgiref.App, opts ...Option) error {
	return NewServer(app, opts...).Serve(l)
}

// Serve accepts connections on l and serves them until l fails, and
// returns the failure (net.ErrClosed after l.Close), or ErrServerClosed
// after Shutdown or Close. Temporary accept errors (out of file
// descriptors) are logged and retried after a pause.
func (s *Server) Serve(l net.Listener) error {
	if !s.track(l, true) {
		return ErrServerClosed
	}
	defer s.track(l, false)
	var slots chan struct{}
	if s.maxConns > 0 {
		slots = make(chan struct{}, s.maxConns)
	}
	var pause time.Duration
	for {
		if slots != nil {
			slots <- struct{}{}
		}
		rwc, err := l.Accept()
		if err != nil {
			if s.shuttingDown.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				pause = min(max(2*pause, 5*time.Millisecond), time.Second)
				s.logf("fastcgi: accept: %v; retrying in %v", err, pause)
				time.Sleep(pause)
				if slots != nil {
					<-slots
				}
				continue
			}
			return err
		}
		pause = 0
		go func() {
			s.serveConn(rwc)
			if slots != nil {
				<-slots
			}
		}()
	}
}

// isTemporary reports an accept error that passes (EMFILE, ENFILE,
// ECONNABORTED), the kind net/http retries.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// serveConn serves one connection with a pooled conn.
func (s *Server) serveConn(rwc net.Conn) {
	c, _ := s.pool.Get().(*conn)
	if c == nil {
		c = newConn(s)
	}
	c.reset(rwc)
	if !s.trackConn(c, true) {
		rwc.Close()
		s.pool.Put(c)
		return
	}
	c.serve()
	s.trackConn(c, false)
	c.rwc = nil
	c.br.Reset(nil)
	if cap(c.params) > 64<<10 {
		c.params = nil // one huge request does not pin its buffer
	}
	s.pool.Put(c)
}

// appendValues appends the FCGI_GET_VALUES_RESULT record answering the
// names in query: the ones this server knows, each once, in the order asked.
//
// For example, with WithMaxConns(64), a query for FCGI_MPXS_CONNS and
// FCGI_MAX_CONNS is answered "FCGI_MPXS_CONNS" "0", "FCGI_MAX_CONNS" "64".
func (s *Server) appendValues(dst []byte, query string) ([]byte, error) {
	start := len(dst)
	dst = appendHeader(dst, typeGetValuesResult, 0, 0)
	var mpxs, conns, reqs bool // answered already
	for len(query) > 0 {
		name, _, rest, err := nextPair(query)
		if err != nil {
			return dst[:start], err
		}
		query = rest
		switch {
		case name == "FCGI_MPXS_CONNS" && !mpxs:
			mpxs = true
			dst = appendPair(dst, name, "0")
		case name == "FCGI_MAX_CONNS" && !conns && s.maxConns > 0:
			conns = true
			dst = appendPair(dst, name, strconv.Itoa(s.maxConns))
		case name == "FCGI_MAX_REQS" && !reqs && s.maxConns > 0:
			reqs = true
			dst = appendPair(dst, name, strconv.Itoa(s.maxConns))
		}
	}
	appendHeader(dst[:start], typeGetValuesResult, 0, len(dst)-start-headerLen)
	return dst, nil
}

func (s *Server) logf(format string, args ...any) {
	s.logger.Warn(fmt.Sprintf(format, args...))
}
