package gateway

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref"
)

// Server serves one application over one protocol on any number of
// listeners. Its methods are safe to call from any goroutine.
type Server struct {
	cfg  Config
	app  wsgiref.App
	read ReadRequest
	pool sync.Pool

	mu        sync.Mutex
	closing   atomic.Bool
	closed    bool // Close was called; guarded by mu
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	active    sync.WaitGroup
}

// NewServer returns a server that reads requests with read and answers
// them with app.
func NewServer(app wsgiref.App, read ReadRequest, cfg Config) *Server {
	cfg.fill()
	s := &Server{cfg: cfg, app: app, read: read,
		listeners: map[net.Listener]struct{}{}, conns: map[net.Conn]struct{}{}}
	s.pool.New = func() any { return newConn(&s.cfg) }
	return s
}

// Serve accepts connections on l and serves each on its own goroutine
// until Shutdown or Close, then returns ErrServerClosed. Another error
// means the listener failed. l is closed when Serve returns.
func (s *Server) Serve(l net.Listener) error {
	if !s.trackListener(l) {
		l.Close()
		return ErrServerClosed
	}
	defer s.untrackListener(l)
	var backoff time.Duration
	for {
		if !s.beginAccept() {
			return ErrServerClosed
		}
		rwc, err := l.Accept()
		if err != nil {
			s.active.Done()
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if !s.track(rwc) {
			return ErrServerClosed
		}
		go s.serve(rwc)
	}
}

func (s *Server) serve(rwc net.Conn) {
	defer s.untrack(rwc)
	c := s.pool.Get().(*Conn)
	c.serve(rwc, s.read, s.app)
	s.pool.Put(c)
}

func (s *Server) trackListener(l net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.listeners[l] = struct{}{}
	return true
}

func (s *Server) untrackListener(l net.Listener) {
	s.mu.Lock()
	delete(s.listeners, l)
	s.mu.Unlock()
	l.Close()
}

// beginAccept counts an Accept about to run as active, so that Shutdown
// waits for the connection it may return; false once the server closes.
func (s *Server) beginAccept() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.active.Add(1)
	return true
}

// track registers a connection just accepted, taking over the count of its
// beginAccept. A connection accepted as Shutdown begins is served all the
// same: on a socket other processes share, the front end has already sent
// it a request. Only after Close is it closed, and track reports false.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		s.active.Done()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.active.Done()
}

// Shutdown stops accepting, lets every accepted connection finish its
// request, and returns when they are done or ctx is, with ctx's error then.
// Serve returns ErrServerClosed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop()
	done := make(chan struct{})
	go func() {
		s.active.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	s.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	return nil
}

func (s *Server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing.Store(true)
	for l := range s.listeners {
		l.Close()
	}
}

// ActiveConns returns the number of connections being served.
func (s *Server) ActiveConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}
