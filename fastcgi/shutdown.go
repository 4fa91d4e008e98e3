package fastcgi

import (
	"context"
	"net"
	"time"
)

// Shutdown and Close: the server tracks its listeners and connections so
// that it can stop them.

// track adds or removes a listener of Serve; it refuses to add one once
// the server is shutting down.
func (s *Server) track(l net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.listeners, l)
		return true
	}
	if s.shuttingDown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[l] = struct{}{}
	return true
}

// trackConn adds or removes a served connection; it refuses to add one
// once the server is shutting down.
func (s *Server) trackConn(c *conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !add {
		delete(s.active, c)
		return true
	}
	if s.shuttingDown.Load() {
		return false
	}
	if s.active == nil {
		s.active = map[*conn]struct{}{}
	}
	s.active[c] = struct{}{}
	return true
}

// closeListeners marks the server shutting down and closes its listeners.
func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shuttingDown.Store(true)
	for l := range s.listeners {
		l.Close()
	}
}

// closeConns closes the connections with no request in progress (all of
// them when idleOnly is false) and reports how many remain.
func (s *Server) closeConns(idleOnly bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := 0
	for c := range s.active {
		c.mu.Lock()
		idle := c.phase == idle
		c.mu.Unlock()
		if idle || !idleOnly {
			c.closing.Store(true)
			c.rwc.Close()
		}
		if !idle {
			left++
		}
	}
	return left
}

// Shutdown stops the server gracefully: the listeners close, connections
// between requests close, and a connection with a request in progress
// closes once the request has ended (FCGI_END_REQUEST sent, FCGI_KEEP_CONN
// or not). It returns when no connection is left, or with ctx's error
// when ctx ends first; the connections left then go on until they finish
// or Close. A front end holding kept connections (nginx's keepalive) opens
// new ones to the next server.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeConns(true)
		s.mu.Lock()
		n := len(s.active)
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close stops the server at once: the listeners and every connection
// close, requests in progress included (their applications' reads and
// writes fail).
func (s *Server) Close() error {
	s.closeListeners()
	s.closeConns(false)
	return nil
}
