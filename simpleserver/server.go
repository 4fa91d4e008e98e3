package simpleserver

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
	"github.com/gowsgi/wsgiref/simpleserver/internal/http1"
)

// Version is the version of the server, simple_server.__version__.
const Version = "0.2"

// ServerVersion is the server's own name and version, CPython's
// WSGIRequestHandler.server_version.
const ServerVersion = "WSGIServer/" + Version

// SysVersion names the runtime in the Server header where CPython puts
// "CPython/3.x.y".
var SysVersion = "Go/" + strings.TrimPrefix(runtime.Version(), "go")

// SoftwareVersion is the Server header of every response, CPython's
// simple_server.software_version, and SERVER_SOFTWARE in every environ.
// MakeServer reads it once, for both: a change made later reaches the
// servers made after it, and the two always agree.
// CPython's environ says only "WSGIServer/0.2" there; naming the runtime
// too tells an application which server it really runs under.
var SoftwareVersion = ServerVersion + " " + SysVersion

// Defaults of the limits that [Option]s change. The head limits are Apache
// httpd's (LimitRequestLine, LimitRequestFieldSize, LimitRequestFields):
// CPython's server takes a 65536-byte request line and any number of
// 65536-byte fields up to 100.
const (
	DefaultMaxRequestLine    = http1.DefaultMaxRequestLine // bytes without CRLF; longer gets 414
	DefaultMaxFieldLine      = http1.DefaultMaxFieldLine   // bytes of one field line without CRLF; longer gets 431
	DefaultMaxFields         = http1.DefaultMaxFields      // field lines in a head; more get 431
	DefaultMaxHeaderBytes    = 1 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
)

// ErrServerClosed is returned by ServeForever and HandleRequest once
// Shutdown or Close has been called.
var ErrServerClosed = errors.New("simpleserver: server closed")

// WSGIServer serves one WSGI application on one listening socket. Make one
// with [MakeServer]; its methods are safe to call from any goroutine.
type WSGIServer struct {
	ln       net.Listener
	app      atomic.Value // appBox
	base     wsgiref.Environ
	info     handlers.ServerInfo
	port     int
	cfg      config
	sem      chan struct{}
	done     chan struct{}
	closing  atomic.Bool
	closed   bool // Close was called; guarded by mu
	mu       sync.Mutex
	conns    map[*conn]struct{}
	active   sync.WaitGroup
	live     atomic.Int32 // connections being served
	waiting  atomic.Bool  // an accepted connection waits for a slot
	stopOnce sync.Once
	connPool sync.Pool

	// idleSeq counts connections becoming idle, for closeOldestIdle. Every
	// kept-alive request's end adds to it, from whichever core serves
	// it: the padding keeps it off the cache line of the flags every
	// request reads (closing, waiting), which its writes would otherwise
	// take from the other cores each time.
	_       [cacheLine]byte
	idleSeq atomic.Uint64
	_       [cacheLine - 8]byte
}

// cacheLine is the size of a CPU cache line on the common 64-bit
// processors (amd64, most arm64): the unit that writes move between cores.
const cacheLine = 64

type appBox struct{ app wsgiref.App }

// config is what the options set.
type config struct {
	handler           RequestHandler
	ownEnviron        bool // handler is WSGIRequestHandler, whose GetEnviron sets wsgi.url_scheme and SERVER_SOFTWARE
	tls               *tls.Config
	limits            http1.Limits
	underscoreFields  bool
	maxConns          int
	maxBodyBytes      int64
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	logger            *slog.Logger
	lines             *LogHandler // logger's handler when it is a *LogHandler (see logLine)
	silent            bool        // logger's handler is slog.DiscardHandler: no line is built or offered
	stderr            io.Writer
	osEnviron         *wsgiref.Environ
	serverName        *string
	fileWrapper       *wsgiref.FileWrapperFunc
	listener          net.Listener
}

// Option changes how [MakeServer] builds the server; options replace
// make_server's server_class and handler_class arguments.
type Option func(*config)

// WithRequestHandler replaces the request handler, the Go form of passing a
// WSGIRequestHandler subclass: embed [WSGIRequestHandler] in a type and
// override GetEnviron, GetStderr or Handle.
func WithRequestHandler(h RequestHandler) Option {
	return func(c *config) { c.handler = h }
}

// WithTLS serves HTTPS with cfg: wsgi.url_scheme is then "https" and HTTPS
// is "on" in every environ. cfg needs a certificate.
func WithTLS(cfg *tls.Config) Option {
	return func(c *config) { c.tls = cfg }
}

// WithMaxHeaderBytes bounds the header block of a request (the field
// lines after the request line, CRLFs included); a larger one gets 431.
// n <= 0 means the default, 1 MiB.
func WithMaxHeaderBytes(n int) Option {
	return func(c *config) { c.limits.MaxHeaderBytes = n }
}

// WithMaxRequestLine bounds the request line, without its CRLF; a longer
// one gets 414. n <= 0 means the default, [DefaultMaxRequestLine].
func WithMaxRequestLine(n int) Option {
	return func(c *config) { c.limits.MaxRequestLine = n }
}

// WithMaxFieldLine bounds one header field line, without its CRLF; a
// longer one gets 431. n <= 0 means the default, [DefaultMaxFieldLine].
func WithMaxFieldLine(n int) Option {
	return func(c *config) { c.limits.MaxFieldLine = n }
}

// WithMaxFields bounds the number of header field lines of a request (and
// of a chunked body's trailer); more get 431. n <= 0 means the default,
// [DefaultMaxFields].
func WithMaxFields(n int) Option {
	return func(c *config) { c.limits.MaxFields = n }
}

// WithUnderscoreFields(true) keeps CPython's behaviour for header field
// names containing "_": "X_Forwarded_For: x" becomes HTTP_X_FORWARDED_FOR
// like "X-Forwarded-For" does, so the two alias and a client can pass one
// for the other past a proxy that checks only the dashed name. By default
// such fields are left out of the environ (they stay in
// [Request.Headers]), as gunicorn, nginx and Django's runserver do.
func WithUnderscoreFields(keep bool) Option {
	return func(c *config) { c.underscoreFields = keep }
}

// WithMaxBodyBytes bounds a request body. A request whose Content-Length
// is larger gets 413 before the application runs; a chunked body that grows
// past n makes wsgi.input fail, and if the application passes that error
// on the client gets 413. n <= 0 means no limit, the default (CPython has
// none either): an application that reads bodies should set one.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) { c.maxBodyBytes = n }
}

// WithMaxConns caps the connections served at once, and so the memory they
// hold. A client arriving at the cap is accepted and waits for a slot: the
// server closes the kept-alive connection that has waited longest for its
// next request, and responses stop keeping their connection alive until the
// newcomer is served, so idle clients cannot keep others out. Further
// clients wait in the listen backlog. n <= 0 means no cap.
func WithMaxConns(n int) Option {
	return func(c *config) { c.maxConns = n }
}

// WithReadHeaderTimeout bounds the time a client may take to send the
// request line and headers, counted from the first byte of the request (or
// from the accept for a connection's first request): slow senders are
// dropped. d <= 0 means no limit.
func WithReadHeaderTimeout(d time.Duration) Option {
	return func(c *config) { c.readHeaderTimeout = d }
}

// WithReadTimeout bounds the time from the end of the headers until the
// response is done for reads of the body. The default, 0, lets a large
// upload take its time.
func WithReadTimeout(d time.Duration) Option {
	return func(c *config) { c.readTimeout = d }
}

// WithWriteTimeout bounds the time to write each response, counted from the
// end of its headers. The default, 0, lets a large download take its time.
func WithWriteTimeout(d time.Duration) Option {
	return func(c *config) { c.writeTimeout = d }
}

// WithIdleTimeout bounds the wait for the next request on a kept-alive
// connection. d <= 0 means no limit.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.idleTimeout = d }
}

// WithLogger sends the access log (one Info record per response, with
// CPython's line as the message) and the request errors (Warn records) to
// logger. slog.New(slog.DiscardHandler) silences them.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithErrors sets wsgi.errors, where the application and the handler's
// tracebacks write; the default is os.Stderr, as CPython's get_stderr.
func WithErrors(w io.Writer) Option {
	return func(c *config) { c.stderr = w }
}

// WithOSEnviron copies env into every request environ before the CGI
// variables, as CPython's ServerHandler does with os.environ. A nil env
// means the process environment. Off by default: the environ of a request
// is visible to whatever the application echoes (DemoApp prints all of it),
// and the process environment often holds secrets.
func WithOSEnviron(env *wsgiref.Environ) Option {
	return func(c *config) {
		if env == nil {
			env = &wsgiref.Environ{}
			for _, kv := range os.Environ() {
				k, v, _ := strings.Cut(kv, "=")
				env.Set(k, v)
			}
		}
		c.osEnviron = env
	}
}

// WithServerName sets SERVER_NAME instead of the host's fully qualified
// name, which CPython finds with socket.getfqdn and which may need DNS.
func WithServerName(name string) Option {
	return func(c *config) { c.serverName = &name }
}

// WithFileWrapper sets wsgi.file_wrapper; nil offers none. The default is
// the handler's, whose bodies go out with sendfile(2) when the response
// has a Content-Length.
func WithFileWrapper(fw wsgiref.FileWrapperFunc) Option {
	return func(c *config) { c.fileWrapper = &fw }
}

// WithListener serves on ln instead of listening on host and port (a
// socket passed in by systemd, a test's listener). MakeServer takes the
// port from ln's address.
func WithListener(ln net.Listener) Option {
	return func(c *config) { c.listener = ln }
}

// MakeServer listens on host and port and returns a server for app, as
// make_server does. Port 0 picks a free port ([WSGIServer.Addr] tells which);
// host "" means every interface. The server does not serve until
// [WSGIServer.ServeForever] or [WSGIServer.HandleRequest] is called.
func MakeServer(host string, port int, app wsgiref.App, opts ...Option) (*WSGIServer, error) {
	cfg := config{
		handler:           WSGIRequestHandler{},
		readHeaderTimeout: DefaultReadHeaderTimeout,
		idleTimeout:       DefaultIdleTimeout,
		stderr:            os.Stderr,
	}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.limits = http1.Limits{
		MaxRequestLine: cmp.Or(max(cfg.limits.MaxRequestLine, 0), DefaultMaxRequestLine),
		MaxFieldLine:   cmp.Or(max(cfg.limits.MaxFieldLine, 0), DefaultMaxFieldLine),
		MaxFields:      cmp.Or(max(cfg.limits.MaxFields, 0), DefaultMaxFields),
		MaxHeaderBytes: cmp.Or(max(cfg.limits.MaxHeaderBytes, 0), DefaultMaxHeaderBytes),
	}
	if cfg.handler == nil {
		cfg.handler = WSGIRequestHandler{}
	}
	switch cfg.handler.(type) {
	case WSGIRequestHandler, *WSGIRequestHandler:
		cfg.ownEnviron = true
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(NewLogHandler(os.Stderr))
	}
	cfg.lines, _ = cfg.logger.Handler().(*LogHandler)
	cfg.silent = cfg.logger.Handler() == slog.DiscardHandler
	if cfg.stderr == nil {
		cfg.stderr = io.Discard
	}
	if port < 0 || port > 65535 {
		return nil, errors.New("simpleserver: port " + strconv.Itoa(port) + " out of range 0-65535")
	}
	ln := cfg.listener
	if ln == nil {
		var err error
		ln, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, err
		}
	}
	if cfg.tls != nil {
		ln = tls.NewListener(ln, cfg.tls)
	}
	s := &WSGIServer{
		ln:    ln,
		cfg:   cfg,
		done:  make(chan struct{}),
		conns: make(map[*conn]struct{}),
	}
	if cfg.maxConns > 0 {
		s.sem = make(chan struct{}, cfg.maxConns)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
		s.port = tcp.Port
	}
	name := ""
	if cfg.serverName != nil {
		name = *cfg.serverName
	} else {
		name = getFQDN(host)
	}
	s.info = handlers.ServerInfo{Name: name, Port: strconv.Itoa(s.port), Software: SoftwareVersion}
	s.setupEnviron()
	s.SetApp(app)
	return s, nil
}

// setupEnviron fills the base environ, WSGIServer.setup_environ.
func (s *WSGIServer) setupEnviron() {
	env := &s.base
	env.Set("SERVER_NAME", s.info.Name)
	env.Set("GATEWAY_INTERFACE", "CGI/1.1")
	env.Set("SERVER_PORT", s.info.Port)
	env.Set("REMOTE_HOST", "")
	env.Set("CONTENT_LENGTH", "")
	env.Set("SCRIPT_NAME", "")
}

// SetApp sets the application that serves the requests from now on.
func (s *WSGIServer) SetApp(app wsgiref.App) { s.app.Store(appBox{app}) }

// GetApp returns the application that serves the requests.
func (s *WSGIServer) GetApp() wsgiref.App { return s.app.Load().(appBox).app }

// BaseEnviron returns the variables copied first into every request
// environ: SERVER_NAME, GATEWAY_INTERFACE, SERVER_PORT, REMOTE_HOST,
// CONTENT_LENGTH and SCRIPT_NAME, CPython's base_environ. Add to it before
// serving; it must not change while requests are served.
func (s *WSGIServer) BaseEnviron() *wsgiref.Environ { return &s.base }

// ServerName returns SERVER_NAME, CPython's server_name.
func (s *WSGIServer) ServerName() string { return s.info.Name }

// ServerPort returns the port the server listens on, CPython's
// server_port.
func (s *WSGIServer) ServerPort() int { return s.port }

// Addr returns the listening address, CPython's socket.getsockname().
func (s *WSGIServer) Addr() net.Addr { return s.ln.Addr() }

// ServeForever accepts connections and serves each on its own goroutine
// until Shutdown or Close, then returns ErrServerClosed. Another error means
// the listener failed.
func (s *WSGIServer) ServeForever() error {
	// Responses copy the Date line a timer keeps fresh while the server
	// runs, instead of reading the clock each.
	defer httpdate.Hold()()
	var backoff time.Duration
	for {
		if !s.beginAccept() {
			return ErrServerClosed
		}
		rwc, err := s.ln.Accept()
		if err != nil {
			s.active.Done()
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.warn("accept error", err, backoff)
				select {
				case <-time.After(backoff):
				case <-s.done:
					return ErrServerClosed
				}
				continue
			}
			return err
		}
		backoff = 0
		if !s.acquire() {
			rwc.Close()
			s.active.Done()
			return ErrServerClosed
		}
		c := s.track(rwc)
		if c == nil {
			s.release()
			continue
		}
		go func() {
			defer s.release()
			c.serve(0)
		}()
	}
}

// acquire takes a connection slot for a connection just accepted. At the
// cap it closes the connection that has waited longest for its next
// request, so that kept-alive clients cannot keep a new one out, and marks
// the server as having a client waiting, so that responses stop keeping
// their connection alive until the newcomer has a slot. It reports false
// when the server closes meanwhile.
func (s *WSGIServer) acquire() bool {
	if s.sem == nil {
		return true
	}
	select {
	case s.sem <- struct{}{}:
		return true
	default:
	}
	s.waiting.Store(true)
	defer s.waiting.Store(false)
	s.closeOldestIdle()
	select {
	case s.sem <- struct{}{}:
		return true
	case <-s.done:
		return false
	}
}

// HandleRequest waits for one connection, serves one request on it and
// closes it, as CPython's handle_request does. It returns the error of the
// accept, or nil once the request was served (whatever its status).
func (s *WSGIServer) HandleRequest() error {
	if !s.beginAccept() {
		return ErrServerClosed
	}
	rwc, err := s.ln.Accept()
	if err != nil {
		s.active.Done()
		if s.closing.Load() {
			return ErrServerClosed
		}
		return err
	}
	c := s.track(rwc)
	if c == nil {
		return ErrServerClosed
	}
	c.serve(1)
	return nil
}

func (s *WSGIServer) release() {
	if s.sem != nil {
		<-s.sem
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

func (s *WSGIServer) warn(msg string, err error, backoff time.Duration) {
	s.cfg.logger.LogAttrs(context.Background(), slog.LevelWarn, msg+": "+err.Error(),
		slog.Any("error", err), slog.Duration("retry", backoff))
}

// beginAccept counts an Accept about to run as active, so that Shutdown
// waits for the connection it may return; false once the server closes.
func (s *WSGIServer) beginAccept() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.active.Add(1)
	return true
}

// track registers a connection just accepted, taking over the count of
// its beginAccept. A connection accepted as Shutdown begins is served all
// the same: its client (a load balancer, on a socket other processes
// share) has already passed it a request. It returns nil only when Close
// was called.
func (s *WSGIServer) track(rwc net.Conn) *conn {
	c := s.getConn(rwc)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		rwc.Close()
		s.putConn(c)
		s.active.Done()
		return nil
	}
	s.conns[c] = struct{}{}
	s.live.Add(1)
	return c
}

func (s *WSGIServer) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.live.Add(-1)
	s.mu.Unlock()
	s.active.Done()
}

// Shutdown stops the server gracefully: it closes the listener and the idle
// connections, lets the requests in progress finish (their connections
// close after the response), and returns when all connections are closed or
// ctx is done, with ctx's error in the latter case. ServeForever returns
// ErrServerClosed.
func (s *WSGIServer) Shutdown(ctx context.Context) error {
	err := s.stop()
	finished := make(chan struct{})
	go func() {
		s.active.Wait()
		close(finished)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeIdle()
		select {
		case <-finished:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close stops the server at once: it closes the listener and every
// connection, cutting off requests in progress. CPython's server_close.
func (s *WSGIServer) Close() error {
	err := s.stop()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.rwc.Close()
	}
	s.mu.Unlock()
	return err
}

func (s *WSGIServer) stop() error {
	var err error
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.closing.Store(true)
		s.mu.Unlock()
		close(s.done)
		err = s.ln.Close()
	})
	return err
}

// closeOldestIdle closes the kept-alive connection that has waited
// longest for its next request, if there is one.
func (s *WSGIServer) closeOldestIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest *conn
	var since uint64
	for c := range s.conns {
		if seq, ok := c.idleSince(); ok && (oldest == nil || seq < since) {
			oldest, since = c, seq
		}
	}
	if oldest != nil {
		oldest.closeIfIdle(false)
	}
}

// closeIdle closes, for Shutdown, the connections that wait for a request
// and the new ones past their grace period (see conn.closeIfIdle).
func (s *WSGIServer) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.closeIfIdle(true)
	}
}

// atCap reports whether a new client waits for a slot: responses then
// close their connection, so that it gets its turn.
func (s *WSGIServer) atCap() bool { return s.waiting.Load() }

// ActiveConns returns the number of open connections, for monitoring and
// for tests that check nothing is left behind.
func (s *WSGIServer) ActiveConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
