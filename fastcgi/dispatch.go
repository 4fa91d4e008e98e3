package fastcgi

import (
	"fmt"
	"io"
	"time"
)

// The reader's handling of each record type: management records,
// BEGIN_REQUEST, FCGI_PARAMS, FCGI_STDIN and FCGI_ABORT_REQUEST.

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
