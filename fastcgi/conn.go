package fastcgi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// phase is where a connection's request stands.
type phase uint8

const (
	idle    phase = iota // between requests: records for any id are stale
	begun                // BEGIN_REQUEST seen, FCGI_PARAMS being collected
	running              // the application runs; FCGI_STDIN streams to it
)

// conn is one front-end connection. Two goroutines share it: the reader
// (read) decodes every record, and the worker (work) runs the application
// for one request at a time. The reader fills the request's environ, hands
// the request over on start, streams FCGI_STDIN to wsgi.input, answers
// management records and refuses multiplexed requests while the worker runs.
// A conn and its buffers are pooled.
type conn struct {
	srv *Server
	rwc net.Conn
	br  *bufio.Reader
	hdr [headerLen]byte
	// params collects the FCGI_PARAMS stream of the request being begun;
	// scratch holds the body of other records the reader reads whole.
	params, scratch []byte

	h         *handlers.Handler
	in        input
	out, errs outStream

	// wmu lets one writer at a time on rwc: the worker's streams and the
	// reader's answers.
	wmu  sync.Mutex
	wbuf []byte // the reader's answers

	start  chan bool     // reader to worker: true, a request; false, quit
	exited chan struct{} // worker to reader: quit done

	// mu guards the request state below and in's; cond signals changes.
	mu       sync.Mutex
	cond     sync.Cond
	phase    phase
	id       uint16
	keepConn bool

	// cut: the application failed after the headers went out. The
	// request then ends with a closed connection, not FCGI_END_REQUEST,
	// so that the front end tells its client the response is incomplete.
	cut bool

	// deadline is the read deadline set on rwc (guarded by mu); paramsBy
	// the end of the time WithParamsTimeout gives the request being begun.
	deadline, paramsBy time.Time

	aborted atomic.Bool // the request's output must stop (ErrAborted)
	broken  atomic.Bool // the reader ended mid-request: nothing more is sent
	closing atomic.Bool // the worker closed rwc: the reader's error is expected
}

// newConn returns a conn with its buffers, ready for reset.
func newConn(srv *Server) *conn {
	c := &conn{
		srv:    srv,
		br:     bufio.NewReaderSize(nil, 8<<10),
		start:  make(chan bool),
		exited: make(chan struct{}),
	}
	c.cond.L = &c.mu
	c.in.c = c
	c.out.init(c, typeStdout)
	c.errs.init(c, typeStderr)
	c.h = handlers.NewBaseCGIHandler(&c.in, &c.out, &c.errs, nil, true, srv.multiproc)
	c.h.LogError = c.logError
	return c
}

// reset binds c to a new connection.
func (c *conn) reset(rwc net.Conn) {
	c.rwc = rwc
	c.br.Reset(rwc)
	c.phase, c.id, c.keepConn = idle, 0, false
	c.deadline, c.paramsBy = time.Time{}, time.Time{}
	c.aborted.Store(false)
	c.broken.Store(false)
	c.closing.Store(false)
}

// serve runs the connection to its end: the worker in a goroutine of its
// own, the reader here.
func (c *conn) serve() {
	go c.work()
	err := c.readLoop()
	c.mu.Lock()
	active := c.phase != idle
	// A front end that closes once it has the whole request is done with
	// the response (nginx after the headers of a HEAD, or when its client
	// left): that is a client gone, silent as in handlers. One that closes
	// inside the request has cut it: that is logged.
	midRequest := c.phase == begun || c.phase == running && !c.in.eof
	if c.phase == running {
		// The request cannot be answered over a connection that broke
		// or broke the protocol: the worker sends nothing more.
		c.broken.Store(true)
		c.in.fail(ErrAborted)
	}
	c.phase = idle
	c.mu.Unlock()
	c.start <- false
	<-c.exited
	c.rwc.Close()
	switch {
	case c.closing.Load() && !active:
		// The worker closed a connection without FCGI_KEEP_CONN.
	case err == io.EOF && !active:
		// The front end closed an idle connection.
	case err == io.EOF && midRequest:
		c.srv.logf("fastcgi: %s: %v", c.rwc.RemoteAddr(), ErrConnLost)
	case err == io.EOF || handlers.IsClientGone(err) && !midRequest:
	case errors.Is(err, os.ErrDeadlineExceeded) && !active:
		// WithIdleTimeout closed a connection between requests.
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.srv.logf("fastcgi: %s: %v: the parameters took longer than %v", c.rwc.RemoteAddr(), ErrTimeout, c.srv.paramsTimeout)
	case err != nil && !c.closing.Load():
		c.srv.logf("fastcgi: %s: %v", c.rwc.RemoteAddr(), err)
	}
}

// readLoop reads records until the connection ends or breaks the protocol;
// io.EOF is a clean end between records.
func (c *conn) readLoop() error {
	for {
		if err := c.armDeadline(); err != nil {
			return err
		}
		hd, err := readHeader(c.br, &c.hdr)
		if err != nil {
			return err
		}
		if hd.id == 0 {
			err = c.management(hd)
		} else {
			err = c.application(hd)
		}
		if err != nil {
			return err
		}
		if err := discard(c.br, hd.padding); err != nil {
			return err
		}
	}
}

// armDeadline sets the read deadline for the next record: between
// requests WithIdleTimeout's, while the parameters come WithParamsTimeout's,
// none once the application runs (it may take its time over the body).
func (c *conn) armDeadline() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var d time.Time
	switch {
	case c.phase == idle && c.srv.idleTimeout > 0:
		d = time.Now().Add(c.srv.idleTimeout)
	case c.phase == begun:
		d = c.paramsBy
	}
	return c.setDeadline(d)
}

// setDeadline sets the read deadline d unless it is set already; c.mu is
// held (the worker sets the idle deadline when its request ends, while
// the reader may be blocked in a read).
func (c *conn) setDeadline(d time.Time) error {
	if d.Equal(c.deadline) {
		return nil
	}
	c.deadline = d
	return c.rwc.SetReadDeadline(d)
}

// readBody reads the whole content of the record into c.scratch.
func (c *conn) readBody(hd header) ([]byte, error) {
	if cap(c.scratch) < hd.length {
		c.scratch = make([]byte, hd.length, max(hd.length, 256))
	}
	b := c.scratch[:hd.length]
	if _, err := io.ReadFull(c.br, b); err != nil {
		return nil, truncatedBody(err)
	}
	return b, nil
}

// truncatedBody is truncated for an end of input inside content, where
// even io.EOF means the record was cut.
func truncatedBody(err error) error {
	if err == io.EOF {
		return ErrTruncated
	}
	return truncated(err)
}

// management answers a record of request id 0: FCGI_GET_VALUES, or
// FCGI_UNKNOWN_TYPE for any other type.
func (c *conn) management(hd header) error {
	body, err := c.readBody(hd)
	if err != nil {
		return err
	}
	b := c.wbuf[:0]
	if hd.typ == typeGetValues {
		if b, err = c.srv.appendValues(b, string(body)); err != nil {
			return err
		}
	} else {
		b = appendHeader(b, typeUnknownType, 0, 8)
		b = append(b, byte(hd.typ), 0, 0, 0, 0, 0, 0, 0)
	}
	c.wbuf = b
	return c.write(b)
}

// application handles a record of a non-zero request id.
func (c *conn) application(hd header) error {
	switch hd.typ {
	case typeBeginRequest:
		return c.beginRequest(hd)
	case typeParams:
		return c.paramsRecord(hd)
	case typeStdin:
		return c.stdinRecord(hd)
	case typeAbortRequest:
		return c.abortRequest(hd)
	case typeData:
		return discard(c.br, hd.length) // a responder has no data stream
	}
	return fmt.Errorf("%w: record type %d from the front end", ErrBadRecord, hd.typ)
}

// state returns the request phase and id.
func (c *conn) state() (phase, uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.phase, c.id
}

// beginRequest starts collecting a request's parameters, or refuses it:
// another request active (FCGI_CANT_MPX_CONN) or a role other than
// responder (FCGI_UNKNOWN_ROLE).
func (c *conn) beginRequest(hd header) error {
	body, err := c.readBody(hd)
	if err != nil {
		return err
	}
	br, err := parseBeginRequest(body)
	if err != nil {
		return err
	}
	ph, id := c.state()
	switch {
	case ph != idle && id == hd.id:
		return fmt.Errorf("%w: second BEGIN_REQUEST for active request %d", ErrBadRecord, id)
	case ph != idle:
		return c.endRequestNow(hd.id, statusCantMpxConn)
	case br.role != roleResponder:
		if err := c.endRequestNow(hd.id, statusUnknownRole); err != nil || br.keepConn {
			return err
		}
		return io.EOF
	}
	c.mu.Lock()
	c.phase, c.id, c.keepConn = begun, hd.id, br.keepConn
	c.mu.Unlock()
	c.paramsBy = time.Time{}
	if c.srv.paramsTimeout > 0 {
		c.paramsBy = time.Now().Add(c.srv.paramsTimeout)
	}
	c.params = c.params[:0]
	return nil
}

// endRequestNow answers a request the worker never sees.
func (c *conn) endRequestNow(id uint16, protocolStatus byte) error {
	c.wbuf = appendEndRequest(c.wbuf[:0], id, 0, protocolStatus)
	return c.write(c.wbuf)
}

// paramsRecord adds a record of FCGI_PARAMS to the request's parameters;
// the empty record that ends them hands the request to the worker.
func (c *conn) paramsRecord(hd header) error {
	ph, id := c.state()
	if id != hd.id || ph == idle {
		return discard(c.br, hd.length) // an inactive request
	}
	if ph != begun {
		return fmt.Errorf("%w: FCGI_PARAMS after the parameters ended", ErrBadRecord)
	}
	if hd.length > 0 {
		n := len(c.params)
		if n+hd.length > c.srv.maxParams {
			return fmt.Errorf("%w: over %d bytes", ErrParamsTooLarge, c.srv.maxParams)
		}
		c.params = append(c.params, make([]byte, hd.length)...)
		if _, err := io.ReadFull(c.br, c.params[n:]); err != nil {
			return truncatedBody(err)
		}
		return nil
	}
	c.h.Reset()
	env := c.h.Env()
	if err := parseParams(string(c.params), env); err != nil {
		return err
	}
	c.mu.Lock()
	c.phase = running
	c.in.reset()
	c.aborted.Store(false)
	c.mu.Unlock()
	c.start <- true
	return nil
}

// stdinRecord hands a record of FCGI_STDIN to wsgi.input and waits until
// the application has read it or its request is over (the rest is then
// skipped). Waiting keeps at most one record of the body in flight: the
// body is never buffered here, and a front end that sends faster than the
// application reads is held back by TCP.
func (c *conn) stdinRecord(hd header) error {
	c.mu.Lock()
	if c.phase == idle || c.id != hd.id {
		c.mu.Unlock()
		return discard(c.br, hd.length)
	}
	if c.phase == begun {
		c.mu.Unlock()
		return fmt.Errorf("%w: FCGI_STDIN before the parameters ended", ErrBadRecord)
	}
	if c.in.eof {
		c.mu.Unlock()
		return fmt.Errorf("%w: FCGI_STDIN after its end", ErrBadRecord)
	}
	if hd.length == 0 {
		c.in.eof = true
		c.cond.Broadcast()
		c.mu.Unlock()
		return nil
	}
	c.in.remain = hd.length
	c.cond.Broadcast()
	for c.in.remain > 0 && c.phase == running && c.in.err == nil {
		c.cond.Wait()
	}
	left, readErr := c.in.remain, c.in.readErr
	c.in.remain = 0
	c.mu.Unlock()
	if readErr != nil {
		return readErr // the connection broke under the application's read
	}
	return discard(c.br, left)
}

// abortRequest ends the active request (FCGI_ABORT_REQUEST): a running
// application's reads and writes fail with ErrAborted and the worker ends
// the request; one still collecting parameters ends here.
func (c *conn) abortRequest(hd header) error {
	if err := discard(c.br, hd.length); err != nil {
		return err
	}
	c.mu.Lock()
	ph, id := c.phase, c.id
	if id == hd.id && ph == running {
		c.in.fail(ErrAborted)
	}
	if id == hd.id && ph == begun {
		c.phase = idle
	}
	keep := c.keepConn
	c.mu.Unlock()
	if id != hd.id || ph != begun {
		return nil
	}
	if err := c.endRequestNow(id, statusRequestComplete); err != nil || keep {
		return err
	}
	return io.EOF
}

// write sends b on the connection, whole.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.srv.writeTimeout > 0 {
		c.rwc.SetWriteDeadline(time.Now().Add(c.srv.writeTimeout))
	}
	_, err := c.rwc.Write(b)
	return err
}

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
