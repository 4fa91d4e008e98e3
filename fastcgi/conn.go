package fastcgi

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

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
