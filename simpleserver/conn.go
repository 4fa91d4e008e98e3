package simpleserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gowsgi/wsgiref/handlers"
)

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

// newGrace is how long Shutdown lets a new connection send its first
// request: its client has just connected and is likely sending already.
const newGrace = time.Second

// conn is one client connection with everything its requests reuse.
type conn struct {
	s      *WSGIServer
	rwc    net.Conn
	remote string
	tls    *tls.ConnectionState
	cr     connReader
	br     *bufio.Reader
	bw     *bufio.Writer
	h      *handlers.Handler
	in     input
	req    Request
	log    []byte

	linger bool // unread request bytes may remain: drain before closing

	mu       sync.Mutex
	state    int
	accepted time.Time
}

func (s *WSGIServer) getConn(rwc net.Conn) *conn {
	c, _ := s.connPool.Get().(*conn)
	if c == nil {
		c = &conn{s: s}
		c.br = bufio.NewReaderSize(&c.cr, 4096)
		c.bw = bufio.NewWriterSize(rwc, 4096)
		c.h = handlers.NewSimpleHandler(nil, nil, nil, nil, true, false)
		c.in.c = c
	} else {
		c.br.Reset(&c.cr)
		c.bw.Reset(rwc)
	}
	c.rwc = rwc
	c.cr.rwc = rwc
	c.cr.phase = phaseBody
	c.remote = rwc.RemoteAddr().String()
	c.tls = nil
	c.linger = false
	c.state = stateNew
	c.accepted = time.Now()
	return c
}

func (s *WSGIServer) putConn(c *conn) {
	c.rwc, c.cr.rwc, c.tls = nil, nil, nil
	c.br.Reset(nil)
	c.bw.Reset(nil)
	c.h.Reset()
	c.h.Stdin, c.h.Stdout, c.h.Stderr, c.h.Environ, c.h.OSEnviron = nil, nil, nil, nil, nil
	c.in.reset(nil, false)
	c.req = Request{}
	s.connPool.Put(c)
}

// setState moves the connection between idle and active. It reports false
// when the server is shutting down and the connection must not start a
// request.
func (c *conn) setState(state int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == stateClosed {
		return false
	}
	if state == stateActive && c.s.closing.Load() {
		return false
	}
	c.state = state
	return true
}

// closeIfIdle closes the connection if it waits for its next request, and
// with shutdown also if it is new and had its grace period.
func (c *conn) closeIfIdle(shutdown bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == stateIdle || shutdown && c.state == stateNew && time.Since(c.accepted) > newGrace {
		c.state = stateClosed
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
		if c.linger {
			c.lingerClose()
		}
		c.mu.Lock()
		c.state = stateClosed
		c.mu.Unlock()
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
	c.cr.begin(c.br, cfg.maxHeaderBytes)
	if first {
		// The read-header timeout of a new connection runs from the accept.
		if d := cfg.readHeaderTimeout; d > 0 {
			c.rwc.SetReadDeadline(time.Now().Add(d))
		}
	}
	if c.br.Buffered() == 0 {
		// Idle until the request starts: Shutdown may close the connection.
		if !first {
			if d := cfg.idleTimeout; d > 0 {
				c.rwc.SetReadDeadline(time.Now().Add(d))
			} else {
				c.rwc.SetReadDeadline(time.Time{})
			}
		}
		if _, err := c.br.Peek(1); err != nil {
			c.readError(err)
			return false
		}
		if !first {
			c.headerDeadline()
		}
	} else if !first {
		c.headerDeadline() // a pipelined request, already in the buffer
	}
	if !c.setState(stateActive) {
		return false
	}
	defer c.setState(stateIdle)

	req, err := http.ReadRequest(c.br)
	if err == nil && c.cr.tripped != nil {
		err = c.cr.tripped // a pipelined request over the limits, read from the buffer
	}
	if err != nil {
		c.readError(err)
		return false
	}
	c.cr.phase = phaseBody
	now := time.Now()
	if d := cfg.readTimeout; d > 0 {
		c.rwc.SetReadDeadline(now.Add(d))
	} else {
		c.rwc.SetReadDeadline(time.Time{})
	}
	if d := cfg.writeTimeout; d > 0 {
		c.rwc.SetWriteDeadline(now.Add(d))
	}
	req.RemoteAddr = c.remote
	req.TLS = c.tls

	if code, explain := check(req); code != 0 {
		c.sendError(req, code, explain)
		return false
	}
	expect := false
	if e, ok := req.Header["Expect"]; ok && req.ProtoAtLeast(1, 1) {
		if len(e) != 1 || !strings.EqualFold(e[0], "100-continue") {
			c.sendError(req, http.StatusExpectationFailed, "Expectation not supported")
			return false
		}
		expect = req.Body != http.NoBody
	}

	c.in.reset(req.Body, expect)
	r := &c.req
	*r = Request{HTTP: req, Server: s, Conn: c.rwc, c: c}
	r.keepAlive = req.ProtoAtLeast(1, 1) && !req.Close && !last && !s.closing.Load() && !s.atCap()
	err = cfg.handler.Handle(r)
	if ferr := c.bw.Flush(); err == nil {
		err = ferr
	}
	keep := err == nil && r.keepAlive && r.reusable && !s.closing.Load()
	if keep {
		if c.in.unread() {
			// What the application left of the body is read past under
			// the read-header timeout: it stands before the next request.
			c.headerDeadline()
		}
		keep = c.in.finish()
		c.linger = !keep
	} else if c.in.unread() {
		c.linger = true
	}
	*r = Request{}
	c.in.reset(nil, false)
	return keep
}

// headerDeadline starts the read-header timeout.
func (c *conn) headerDeadline() {
	if d := c.s.cfg.readHeaderTimeout; d > 0 {
		c.rwc.SetReadDeadline(time.Now().Add(d))
	} else {
		c.rwc.SetReadDeadline(time.Time{})
	}
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

// check answers what net/http's parser accepts but the server does not:
// HTTP/2 and later (CPython's 505), an HTTP/1.1 request without Host (RFC
// 9112 requires 400).
func check(req *http.Request) (code int, explain string) {
	if req.ProtoMajor != 1 {
		return http.StatusHTTPVersionNotSupported, "Invalid HTTP version (" + strings.TrimPrefix(req.Proto, "HTTP/") + ")"
	}
	if req.ProtoMinor >= 1 && req.Host == "" {
		return http.StatusBadRequest, "Missing required Host header"
	}
	return 0, ""
}

// readError answers a request that could not be read. A client that closed
// the connection or timed out gets nothing; CPython's limits get its error
// pages; anything else net/http rejects gets 400.
func (c *conn) readError(err error) {
	switch c.cr.tripped {
	case errLineTooLong:
		c.sendError(nil, http.StatusRequestURITooLong, "")
		return
	case errHeaderTooLarge:
		c.sendError(nil, http.StatusRequestHeaderFieldsTooLarge, "")
		return
	}
	var ne net.Error
	if err == io.EOF || errors.As(err, &ne) && ne.Timeout() || handlers.IsClientGone(err) || errors.Is(err, net.ErrClosed) {
		return
	}
	c.sendError(nil, http.StatusBadRequest, err.Error())
}

// connReader sits under the connection's bufio.Reader and enforces the
// request-line and header limits while http.ReadRequest reads, so that the
// right status goes out (net/http's parser has no such limits itself). It
// counts what it hands up: the bytes of the request line until its LF, then
// the bytes after it.
type connReader struct {
	rwc       net.Conn
	phase     int
	line      int // bytes of the request line so far
	header    int // bytes after the request line so far
	maxHeader int
	tripped   error
	lineBuf   []byte // the request line as read, for the log
	cur       int    // bytes of the current header line so far
	onlyCR    bool   // the current header line so far is a lone CR
}

const (
	phaseBody   = iota // no limits: the body and anything after
	phaseLine          // reading the request line
	phaseHeader        // reading the header block
)

var (
	errLineTooLong    = errors.New("request line too long")
	errHeaderTooLarge = errors.New("request header fields too large")
)

// begin starts the limits of a new request. Bytes of it already in br (a
// pipelined request) count too.
func (cr *connReader) begin(br *bufio.Reader, maxHeader int) {
	cr.tripped, cr.maxHeader, cr.line, cr.header = nil, maxHeader, 0, 0
	cr.lineBuf = cr.lineBuf[:0]
	cr.phase = phaseLine
	if n := br.Buffered(); n > 0 {
		b, _ := br.Peek(n)
		cr.scan(b)
	}
}

func (cr *connReader) Read(p []byte) (int, error) {
	if cr.tripped != nil {
		// Sticky: textproto may read again after an error it set aside.
		return 0, cr.tripped
	}
	if cr.phase == phaseBody {
		return cr.rwc.Read(p)
	}
	n, err := cr.rwc.Read(p)
	cr.scan(p[:n])
	if cr.tripped != nil {
		return 0, cr.tripped
	}
	return n, err
}

// scan counts b against the limits of the current phase: the request line
// up to its LF, then the header block up to the empty line that ends it.
// What follows (body, next request) is not counted.
func (cr *connReader) scan(b []byte) {
	if cr.phase == phaseLine {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			cr.keepLine(b)
			cr.line += len(b)
			if cr.line >= MaxRequestLine {
				cr.tripped = errLineTooLong
			}
			return
		}
		cr.keepLine(b[:i])
		cr.line += i + 1
		if cr.line > MaxRequestLine {
			cr.tripped = errLineTooLong
			return
		}
		cr.phase, cr.cur, cr.onlyCR = phaseHeader, 0, false
		b = b[i+1:]
	}
	for cr.phase == phaseHeader && len(b) > 0 {
		prev := cr.cur
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			cr.onlyCR = prev == 0 && len(b) == 1 && b[0] == '\r'
			cr.cur += len(b)
			cr.header += len(b)
			break
		}
		empty := prev+i == 0 || prev+i == 1 && (prev == 1 && cr.onlyCR || prev == 0 && b[0] == '\r')
		cr.header += i + 1
		cr.cur, cr.onlyCR = 0, false
		b = b[i+1:]
		if empty {
			cr.phase = phaseBody
		}
	}
	if cr.header > cr.maxHeader {
		cr.tripped = errHeaderTooLarge
	}
}

// keepLine keeps a piece of the request line for the log.
func (cr *connReader) keepLine(b []byte) {
	if room := MaxRequestLine - len(cr.lineBuf); room > 0 {
		cr.lineBuf = append(cr.lineBuf, b[:min(len(b), room)]...)
	}
}

// requestLine returns the request line as CPython's requestline: the bytes
// read, trailing CR and LF removed.
func (cr *connReader) requestLine() []byte {
	b := cr.lineBuf
	for len(b) > 0 && (b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// input is wsgi.input: the request body, which sends "100 Continue" before
// the first read when the client asked for it.
type input struct {
	c         *conn
	body      io.Reader
	expect    bool // the client waits for 100 Continue
	read      bool // the application read from the body
	eof       bool
	continued bool
}

func (in *input) reset(body io.Reader, expect bool) {
	in.body, in.expect, in.read, in.eof, in.continued = body, expect, false, false, false
}

// Read reads the request body.
func (in *input) Read(p []byte) (int, error) {
	if in.body == nil {
		return 0, io.EOF
	}
	if in.expect && !in.continued {
		in.continued = true
		if !in.c.h.HeadersSent() {
			bw := in.c.bw
			bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := bw.Flush(); err != nil {
				return 0, err
			}
		}
	}
	in.read = true
	n, err := in.body.Read(p)
	if err == io.EOF {
		in.eof = true
	}
	return n, err
}

// unread reports whether the body may hold bytes not read yet.
func (in *input) unread() bool {
	return in.body != nil && in.body != http.NoBody && !in.eof
}

// finish reads what the application left of the body so the next request
// can be read, and reports whether the connection may go on.
func (in *input) finish() bool {
	if !in.unread() {
		return true
	}
	if in.expect && !in.continued {
		// The client is still waiting to send the body it announced.
		return false
	}
	n, err := io.CopyN(io.Discard, in.body, maxDiscard+1)
	return err == io.EOF && n <= maxDiscard
}
