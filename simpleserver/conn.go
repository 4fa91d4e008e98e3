package simpleserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/wsgiutil"
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

// defaultErrorBody is the handler's own 500 page, restored for each
// request after a body error replaced it.
var defaultErrorBody = []byte(handlers.DefaultErrorBody)

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
	idleAt   time.Time // when the connection last became idle
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
	if state == stateIdle {
		c.idleAt = time.Now()
	}
	return true
}

// idleSince reports when the connection began to wait for its next
// request, if it waits.
func (c *conn) idleSince() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.idleAt, c.state == stateIdle
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

	if code, explain := c.check(req); code != 0 {
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
	if max := cfg.maxBodyBytes; max > 0 && req.ContentLength < 0 {
		c.in.limit(max)
	}
	c.h.ErrorStatus, c.h.ErrorBody = handlers.DefaultErrorStatus, defaultErrorBody
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
	} else if c.in.unread() || c.in.failed {
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

// check answers what net/http's parser accepts but the server does not.
// CPython's server accepts all of these but HTTP/2; each is refused here
// because it lets a front proxy and this server disagree on where a request
// ends or what it addresses.
func (c *conn) check(req *http.Request) (code int, explain string) {
	switch {
	case req.ProtoMajor != 1:
		// CPython's answer to HTTP/2 and later.
		return http.StatusHTTPVersionNotSupported, "Invalid HTTP version (" + strings.TrimPrefix(req.Proto, "HTTP/") + ")"
	case req.ProtoMinor >= 1 && req.Host == "":
		return http.StatusBadRequest, "Missing required Host header" // RFC 9112 section 3.2
	case c.cr.sawTE && c.cr.sawCL:
		// net/http drops the Content-Length and reads chunks; a proxy in
		// front may have used the length (RFC 9112 section 6.1).
		return http.StatusBadRequest, "Content-Length together with Transfer-Encoding"
	case c.cr.sawTE && req.ProtoMinor == 0:
		// HTTP/1.0 has no Transfer-Encoding: net/http ignores it and
		// would read the chunks as the next request.
		return http.StatusBadRequest, "Transfer-Encoding in an HTTP/1.0 request"
	case req.Method == "CONNECT":
		// A tunnel cannot be a WSGI application's response.
		return http.StatusNotImplemented, "CONNECT is not supported"
	case req.RequestURI == "*" && req.Method != "OPTIONS":
		return http.StatusBadRequest, "Asterisk-form request-target without OPTIONS" // RFC 9112 section 3.2.4
	case !originOrHTTP(req.RequestURI):
		// net/url takes any absolute URI ("a:?x", "http:/p"); an origin
		// server only has a path for http and https ones with a host.
		return http.StatusBadRequest, "Absolute-form request-target not an http(s) URI with a host"
	case wsgiutil.PathHasControl(req.RequestURI):
		// PATH_INFO is the decoded path: a %0D, %0A or %00 there would put
		// a CR, LF or NUL into a CGI variable, from which an application
		// may build a header (Location) or a file name.
		return http.StatusBadRequest, "Control character in the path"
	case c.s.cfg.maxBodyBytes > 0 && req.ContentLength > c.s.cfg.maxBodyBytes:
		return http.StatusRequestEntityTooLarge, ""
	}
	return 0, ""
}

// originOrHTTP reports whether target is in origin form ("/p"), asterisk
// form, or an absolute http or https URI with an authority.
func originOrHTTP(target string) bool {
	if target == "" || target[0] == '/' || target == "*" {
		return true
	}
	scheme, rest, ok := strings.Cut(target, "://")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) && rest != "" && rest[0] != '/'
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
	if bad, ok := c.cr.tripped.(badHead); ok {
		c.sendError(nil, http.StatusBadRequest, "Bad request ("+string(bad)+")")
		return
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if c.cr.line > 0 {
			// A client that started a request and did not finish it in
			// time, as CPython's "Request timed out". A connection that
			// times out before sending anything (idle keep-alive, a
			// browser's speculative connection) is normal and not logged.
			c.s.logError(c, "Request timed out: "+strconv.Quote(string(c.cr.requestLine())))
		}
		return
	}
	if err == io.EOF || handlers.IsClientGone(err) || errors.Is(err, net.ErrClosed) {
		return
	}
	if isUnsupportedTE(err) {
		// RFC 9112 section 6.1: a transfer coding the server does not
		// know gets 501, as net/http's own server answers.
		c.sendError(nil, http.StatusNotImplemented, err.Error())
		return
	}
	c.sendError(nil, http.StatusBadRequest, err.Error())
}

// isUnsupportedTE reports net/http's refusal of a Transfer-Encoding other
// than a single "chunked"; its error type is unexported, so the messages
// are matched (a test pins them).
func isUnsupportedTE(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unsupported transfer encoding") || strings.HasPrefix(msg, "too many transfer encodings")
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

	// The field name of the current header line, checked as it streams
	// by: net/http accepts obsolete line folding and whitespace before the
	// colon, and forgets a Content-Length that came with Transfer-Encoding,
	// each a request-smuggling shape (RFC 9112 sections 5.1, 5.2, 6.1).
	inName  bool // still in the field name of the current line
	nameLen int
	isCL    bool // the name so far is a prefix of "content-length"
	isTE    bool // the name so far is a prefix of "transfer-encoding"
	sawCL   bool // the head has a Content-Length field
	sawTE   bool // the head has a Transfer-Encoding field
}

const (
	phaseBody   = iota // no limits: the body and anything after
	phaseLine          // reading the request line
	phaseHeader        // reading the header block
)

var (
	errLineTooLong    = errors.New("request line too long")
	errHeaderTooLarge = errors.New("request header fields too large")
	errFolding        = badHead("obsolete line folding in the header")
	errSpaceBefore    = badHead("whitespace between a header field name and its colon")
)

// badHead is a malformed request head that net/http would accept.
type badHead string

func (e badHead) Error() string { return string(e) }

// begin starts the limits of a new request. Bytes of it already in br (a
// pipelined request) count too.
func (cr *connReader) begin(br *bufio.Reader, maxHeader int) {
	cr.tripped, cr.maxHeader, cr.line, cr.header = nil, maxHeader, 0, 0
	cr.sawCL, cr.sawTE = false, false
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
		cr.startName()
		b = b[i+1:]
	}
	for cr.phase == phaseHeader && len(b) > 0 {
		if cr.inName {
			n := cr.scanName(b)
			if cr.tripped != nil {
				if cr.header+n >= cr.maxHeader {
					// The offending byte is past the limit already.
					cr.tripped = errHeaderTooLarge
				}
				return
			}
			cr.cur += n
			cr.header += n
			b = b[n:]
			if cr.inName { // the name goes on in the next read
				break
			}
		}
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
		} else {
			cr.startName()
		}
	}
	if cr.header > cr.maxHeader {
		cr.tripped = errHeaderTooLarge
	}
}

func (cr *connReader) startName() {
	cr.inName, cr.nameLen, cr.isCL, cr.isTE = true, 0, true, true
}

// scanName reads the field name at the start of b and returns how many
// bytes it consumed: the name and its colon, or all of b when the name
// goes on. It stops before a CR or LF (an empty line, or a line without a
// colon that net/http rejects itself). A line that starts with whitespace
// (folding) or whitespace before the colon trips the reader.
func (cr *connReader) scanName(b []byte) int {
	for i, c := range b {
		switch c {
		case ':':
			cr.inName = false
			cr.sawCL = cr.sawCL || cr.isCL && cr.nameLen == len(nameCL)
			cr.sawTE = cr.sawTE || cr.isTE && cr.nameLen == len(nameTE)
			return i + 1
		case ' ', '\t':
			if cr.nameLen == 0 {
				cr.tripped = errFolding
			} else {
				cr.tripped = errSpaceBefore
			}
			return i
		case '\r', '\n':
			cr.inName = false
			return i
		}
		// ASCII letters fold to lower case with one bit; '-' stays '-'.
		lc := c | 0x20
		cr.isCL = cr.isCL && cr.nameLen < len(nameCL) && lc == nameCL[cr.nameLen]
		cr.isTE = cr.isTE && cr.nameLen < len(nameTE) && lc == nameTE[cr.nameLen]
		cr.nameLen++
	}
	return len(b)
}

const (
	nameCL = "content-length"
	nameTE = "transfer-encoding"
)

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
	limited   bool  // the body has no declared length and a limit applies
	left      int64 // bytes the limit still allows
	failed    bool  // a read failed: the connection cannot go on
}

func (in *input) reset(body io.Reader, expect bool) {
	in.body, in.expect, in.read, in.eof, in.continued = body, expect, false, false, false
	in.limited, in.failed = false, false
}

// limit bounds a body of unknown length (chunked) to n bytes; one with a
// Content-Length over the limit never gets this far.
func (in *input) limit(n int64) { in.limited, in.left = true, n }

// errBodyTooLarge is what wsgi.input returns past WithMaxBodyBytes.
var errBodyTooLarge = errors.New("simpleserver: request body larger than the server's limit")

// Error pages for a request body that fails while the application reads
// it: the handler sends one of these instead of its 500 page when the
// application passes the error on before starting its response.
var (
	bodyErrorMalformed = []byte("The request body is malformed.")
	bodyErrorTimeout   = []byte("The request body did not arrive in time.")
	bodyErrorTooLarge  = []byte("The request body is larger than the server accepts.")
)

// bodyError makes the handler's error page fit a failed body read: the
// fault is the client's, not the application's.
func (in *input) bodyError(err error) {
	h := in.c.h
	in.failed = true
	// Where the body ends is unknown now: the response says so.
	h.KeepAlive = false
	var ne net.Error
	switch {
	case err == errBodyTooLarge:
		h.ErrorStatus, h.ErrorBody = "413 Content Too Large", bodyErrorTooLarge
	case errors.As(err, &ne) && ne.Timeout():
		h.ErrorStatus, h.ErrorBody = "408 Request Timeout", bodyErrorTimeout
	case err == io.ErrUnexpectedEOF || handlers.IsClientGone(err) || errors.Is(err, net.ErrClosed):
		// The client left; nobody reads an error page.
	default:
		// net/http's chunked reader: a bad chunk size, a chunk size
		// overflowing 64 bits, a missing CRLF.
		h.ErrorStatus, h.ErrorBody = "400 Bad Request", bodyErrorMalformed
	}
}

// pastLimit reads once more at the limit: a body that ends exactly there
// gives EOF, a longer one errBodyTooLarge.
func (in *input) pastLimit() (int, error) {
	var one [1]byte
	for {
		n, err := in.body.Read(one[:])
		switch {
		case n > 0:
			in.bodyError(errBodyTooLarge)
			return 0, errBodyTooLarge
		case err == io.EOF:
			in.eof = true
			return 0, io.EOF
		case err != nil:
			in.bodyError(err)
			return 0, err
		}
	}
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
	if in.limited {
		if in.left <= 0 {
			return in.pastLimit()
		}
		if int64(len(p)) > in.left {
			p = p[:in.left]
		}
	}
	n, err := in.body.Read(p)
	in.left -= int64(n)
	switch {
	case err == io.EOF:
		in.eof = true
	case err != nil:
		in.bodyError(err)
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
	if in.failed {
		return false
	}
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
