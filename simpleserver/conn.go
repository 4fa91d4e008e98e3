package simpleserver

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/simpleserver/internal/http1"
)

// This file is the life of a connection: accept to close, one request
// after the other. The head read into a Request is in request.go, the body
// (wsgi.input) in input.go, refusals in refuse.go, read timeouts in
// deadline.go; the reader itself is internal/http1.

// maxDiscard is how much of a request body the application left unread the
// server reads past to reach the next request; a longer rest closes the
// connection instead (net/http uses the same bound).
const maxDiscard = 256 << 10

// Connection states, for Shutdown.
const (
	stateNew    = iota // accepted, first request not started
	stateIdle          // kept alive, waiting for the next request
	stateActive        // reading or answering a request
	stateClosed
)

// defaultErrorBody is the handler's own 500 page, restored for each
// request after a body error replaced it.
var defaultErrorBody = []byte(handlers.DefaultErrorBody)

// newGrace is how long Shutdown lets a new connection send its first
// request: its client has just connected and is likely sending already.
const newGrace = time.Second

// conn is one client connection with everything its requests reuse.
type conn struct {
	s        *WSGIServer
	rwc      net.Conn
	raddr    net.Addr // the client's address, read once
	remote   string   // "host:port"
	remoteIP string   // REMOTE_ADDR, CPython's client_address[0]
	tls      *tls.ConnectionState
	rd       *http1.Reader
	poll     *pollReader // what rd reads through, when it is &pr; nil when rd reads rwc itself
	pr       pollReader
	yield    idleYield // whether to yield before an idle read (see idleyield.go)
	bw       *bufio.Writer
	out      responseWriter
	h        *handlers.Handler
	head     http1.Head
	in       input
	req      Request
	log      []byte
	envMemo  environMemo // the environ of the last request (see environmemo.go)
	repeats  []int       // GetEnviron's scratch: the indices of repeated fields
	join     joinScratch // and joinRepeats'

	linger bool // unread request bytes may remain: drain before closing

	timer  readTimer // the read deadline of the phase the connection is in
	active bool      // the connection is in stateActive (read by its own goroutine only)

	// state is one of the connection states; its own goroutine moves it
	// between new, active and idle, and Shutdown or the connection cap
	// closes it from idle (or new) with a compare-and-swap, so that a
	// connection is never closed as it starts a request.
	state    atomic.Int32
	accepted time.Time
	idleSeq  atomic.Uint64 // the server's idle count when the connection last became idle
}

func (s *WSGIServer) getConn(rwc net.Conn) *conn {
	c, _ := s.connPool.Get().(*conn)
	if c == nil {
		c = &conn{s: s}
		c.rd = http1.NewReader(c.readerFor(rwc))
		c.rd.BeforeBlock = c.beforeRead
		c.bw = bufio.NewWriterSize(rwc, 4096)
		c.out.c = c
		c.h = handlers.NewSimpleHandler(nil, nil, nil, nil, true, false)
		c.in.c = c
	} else {
		c.rd.Reset(c.readerFor(rwc))
		c.bw.Reset(rwc)
	}
	c.yield = idleYield{credit: startYieldCredit}
	c.rwc = rwc
	c.raddr = rwc.RemoteAddr()
	c.remote = c.raddr.String()
	c.remoteIP = hostOf(c.remote)
	c.envMemo.reset()
	c.tls = nil
	c.linger = false
	c.timer, c.active = readTimer{phase: phaseHead}, false
	c.state.Store(stateNew)
	c.accepted = time.Now()
	return c
}

func (s *WSGIServer) putConn(c *conn) {
	c.rwc, c.tls, c.raddr = nil, nil, nil
	c.rd.Reset(nil)
	c.pr.drop()
	c.poll = nil
	c.bw.Reset(nil)
	c.h.Reset()
	c.h.Stdin, c.h.Stdout, c.h.Stderr, c.h.Environ, c.h.OSEnviron = nil, nil, nil, nil, nil
	c.in.reset(nil)
	c.req = Request{}
	c.head = http1.Head{Fields: c.head.Fields[:0], Keys: c.head.Keys[:0]}
	s.connPool.Put(c)
}

// readerFor returns what the connection's Reader reads rwc through: the
// poll reader where rwc has a descriptor it can read, else rwc.
func (c *conn) readerFor(rwc net.Conn) io.Reader {
	if c.pr.reset(rwc) {
		c.poll = &c.pr
		return c.poll
	}
	c.poll = nil
	return rwc
}

// responseWriter is the handler's Stdout: the connection's buffered
// writer, whose flushes wait while the next request is already buffered.
// Pipelined responses then leave in one write; the held bytes go out before
// the server next waits for the client (flushHeld), so none waits on a
// client that has nothing more to send.
type responseWriter struct{ c *conn }

func (w *responseWriter) Write(p []byte) (int, error) { return w.c.bw.Write(p) }

// Flush flushes unless the bytes buffered on the read side lie past the
// current request (its body read or empty): the next request's.
func (w *responseWriter) Flush() error {
	c := w.c
	if c.rd.Buffered() > 0 && c.in.bodyDone() {
		return nil
	}
	return c.bw.Flush()
}

// flushHeld sends the responses held back, before a read that may block.
func (c *conn) flushHeld() {
	if c.bw.Buffered() > 0 {
		c.bw.Flush()
	}
}

// setIdle marks the connection as waiting for its next request, which
// Shutdown and the connection cap may close it in. It reports false when
// the connection was closed meanwhile.
func (c *conn) setIdle() bool {
	// An order, not a time: the clock costs more than the counter.
	c.idleSeq.Store(c.s.idleSeq.Add(1))
	return c.state.CompareAndSwap(stateActive, stateIdle)
}

// setActive marks the connection as serving a request. It reports false
// when the connection was closed, or the server is shutting down and the
// connection is not new: a new connection still gets its first request
// (see newGrace), as its client connected before Shutdown and is sending
// it.
func (c *conn) setActive() bool {
	from := c.state.Load()
	if from == stateClosed || from != stateNew && c.s.closing.Load() {
		return false
	}
	// Fails only if Shutdown or the cap closed the connection since.
	return c.state.CompareAndSwap(from, stateActive)
}

// idleSince reports when, in the order of the server's connections
// becoming idle, the connection began to wait for its next request, if it
// waits.
func (c *conn) idleSince() (uint64, bool) {
	return c.idleSeq.Load(), c.state.Load() == stateIdle
}

// closeIfIdle closes the connection if it waits for its next request, and
// with shutdown also if it is new and had its grace period. The server's
// mu is held: the connection is not put back in the pool meanwhile.
func (c *conn) closeIfIdle(shutdown bool) {
	if c.state.CompareAndSwap(stateIdle, stateClosed) ||
		shutdown && c.state.Load() == stateNew && time.Since(c.accepted) > newGrace && c.state.CompareAndSwap(stateNew, stateClosed) {
		c.rwc.Close()
	}
}

// serve runs the connection's request loop; maxRequests > 0 bounds the
// number of requests (HandleRequest serves one).
func (c *conn) serve(maxRequests int) {
	s := c.s
	defer func() {
		if p := recover(); p != nil {
			// The handler recovers application panics; this is a bug in a
			// RequestHandler or in the server. Keep serving the others.
			s.logPanic(c, p)
		}
		c.bw.Flush()
		if c.linger {
			c.lingerClose()
		}
		c.state.Store(stateClosed)
		c.rwc.Close()
		s.untrack(c)
		s.putConn(c)
	}()
	if tc, ok := c.rwc.(*tls.Conn); ok {
		if d := s.cfg.readHeaderTimeout; d > 0 {
			tc.SetDeadline(time.Now().Add(d))
		}
		if err := tc.Handshake(); err != nil {
			return
		}
		tc.SetDeadline(time.Time{})
		st := tc.ConnectionState()
		c.tls = &st
	}
	for n := 1; ; n++ {
		last := maxRequests > 0 && n >= maxRequests
		if !c.serveOne(n == 1, last) || last {
			return
		}
	}
}

// serveOne reads and answers one request, and reports whether the
// connection may serve another.
func (c *conn) serveOne(first, last bool) bool {
	s := c.s
	cfg := &s.cfg
	if first {
		// The read-header timeout of a new connection runs from the accept.
		c.timer.phase, c.timer.armed = phaseHead, true
		if d := cfg.readHeaderTimeout; d > 0 {
			c.setReadDeadline(c.accepted.Add(d))
		}
	}
	if c.rd.Buffered() == 0 {
		yielded := false
		if !first {
			// Idle until the request starts: Shutdown may close the
			// connection.
			c.enter(phaseIdle)
			c.active = false
			if !c.setIdle() {
				return false
			}
			yielded = c.waitTurn()
		}
		if err := c.rd.Wait(); err != nil {
			// Nothing of a request arrived: an idle or speculative
			// connection that timed out or closed is normal, not logged,
			// and has nothing to answer.
			return false
		}
		if yielded {
			c.yield.learn(c.poll.waited)
		}
	}
	if !c.active {
		if !c.setActive() {
			return false
		}
		c.active = true
	} else if s.closing.Load() {
		return false // a pipelined request after Shutdown
	}
	if !first {
		c.enter(phaseHead)
	}
	if err := c.rd.ReadHead(&c.head, cfg.limits); err != nil {
		c.readError(err)
		return false
	}
	c.enter(phaseBody)
	if d := cfg.writeTimeout; d > 0 {
		c.rwc.SetWriteDeadline(time.Now().Add(d))
	}
	hd := &c.head
	if code, reason := c.check(); code != 0 {
		c.refuse(code, reason)
		return false
	}
	c.in.reset(hd)
	c.h.ErrorStatus, c.h.ErrorBody = handlers.DefaultErrorStatus, defaultErrorBody
	r := &c.req
	c.fillRequest(r)
	r.keepAlive = hd.Minor >= 1 && !hd.Close && !last && !s.closing.Load() && !s.atCap()
	err := cfg.handler.Handle(r)
	keep := err == nil && r.keepAlive && r.reusable && !s.closing.Load()
	if keep {
		if c.in.unread() {
			// What the application left of the body is read past under
			// the read-header timeout: it stands before the next request.
			c.enter(phaseHead)
		}
		keep = c.in.finish()
		c.linger = !keep
	} else if c.in.unread() || c.in.failed {
		c.linger = true
	}
	if !keep || c.rd.Buffered() == 0 {
		if ferr := c.bw.Flush(); ferr != nil {
			keep = false
		}
	}
	// r is refilled whole for the next request and cleared by putConn:
	// clearing it here too would cost a write barrier a field. The input
	// only stops reading: the next request resets it.
	c.in.end()
	return keep
}

// lingerTime and lingerBytes bound the drain of a connection closed with
// request bytes unread.
const (
	lingerTime  = time.Second
	lingerBytes = 1 << 20
)

// lingerClose closes the sending side, then reads what the client still
// sends for a moment. Closing a socket with unread input makes the kernel
// reset the connection, and a reset can destroy the response (an error
// page, a final answer) before the client reads it.
func (c *conn) lingerClose() {
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		if cw.CloseWrite() != nil {
			return
		}
	}
	c.rwc.SetReadDeadline(time.Now().Add(lingerTime))
	io.CopyN(io.Discard, c.rwc, lingerBytes)
}
