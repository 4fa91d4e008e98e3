package fastcgi

import (
	"errors"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// The worker side of a connection: it runs the application for each
// request the reader (conn.go) hands over and ends the request.

// logError is the handler's LogError: the error goes to FCGI_STDERR (the
// front end's error log) as the default one writes it, and one that comes
// after the headers marks the response cut.
func (c *conn) logError(env *wsgiref.Environ, err error) {
	if c.h.HeadersSent() {
		c.cut = true
	}
	handlers.WriteError(&c.errs, err)
}

// work is the worker: it runs each request the reader hands over, until
// told to quit.
func (c *conn) work() {
	for <-c.start {
		c.serveRequest()
	}
	c.exited <- struct{}{}
}

// serveRequest runs the application for the request in c.h's environ and
// ends the request: the last of stdout, the ends of the streams and
// FCGI_END_REQUEST go out in one write. A connection without FCGI_KEEP_CONN
// is closed after it.
func (c *conn) serveRequest() {
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()
	c.out.begin(id)
	c.errs.begin(id)
	c.cut = false
	h := c.h
	h.Environ = h.Env()
	err := h.Run(c.srv.app)
	if err != nil && !handlers.IsClientGone(err) && !errors.Is(err, ErrAborted) {
		c.srv.logf("fastcgi: %s: request %d: %v", c.rwc.RemoteAddr(), id, err)
	}
	c.out.Flush()
	c.mu.Lock()
	c.phase = idle
	keep := c.keepConn
	if keep && c.srv.idleTimeout > 0 {
		c.setDeadline(time.Now().Add(c.srv.idleTimeout))
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	if c.broken.Load() {
		return // the reader ends the connection
	}
	if c.cut && !c.aborted.Load() {
		c.closing.Store(true)
		c.rwc.Close()
		return
	}
	b := appendHeader(c.out.buf[:0], typeStdout, id, 0)
	if c.errs.wrote {
		b = appendHeader(b, typeStderr, id, 0)
	}
	b = appendEndRequest(b, id, 0, statusRequestComplete)
	c.out.buf = b[:headerLen]
	if werr := c.write(b); werr != nil || !keep || c.srv.shuttingDown.Load() {
		c.closing.Store(true)
		c.rwc.Close()
	}
}
