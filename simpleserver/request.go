package simpleserver

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/simpleserver/internal/http1"
)

// This file turns the head the reader read into a Request, or a refusal.

// fillRequest sets r from the connection's head: what CPython's
// WSGIRequestHandler holds after parse_request.
func (c *conn) fillRequest(r *Request) {
	hd := &c.head
	// Field by field: a composite literal is built aside and copied in
	// whole, with a write barrier for each of its pointers while the
	// collector runs.
	r.Command, r.Path, r.RequestVersion, r.RequestLine = hd.Method, hd.Target, hd.Version, hd.Line
	r.ClientAddress, r.Headers, r.TLS, r.Server, r.Conn = c.raddr, hd.Fields, c.tls, c.s, c.rwc
	r.c, r.keys, r.minor = c, hd.Keys, hd.Minor
	r.keepAlive, r.reusable, r.status, r.bytesSent = false, false, "", 0
}

// check answers what the reader accepts but the server does not serve:
// an Expect it cannot meet (417, as net/http; CPython ignores Expect) and a
// declared body over WithMaxBodyBytes (413).
func (c *conn) check() (code int, reason string) {
	hd := &c.head
	if hd.Expects > 0 && hd.Minor >= 1 {
		if hd.Expects != 1 || !strings.EqualFold(hd.Expect, "100-continue") {
			return http.StatusExpectationFailed, "Expectation not supported"
		}
	}
	if max := c.s.cfg.maxBodyBytes; max > 0 && hd.ContentLength > max {
		return http.StatusRequestEntityTooLarge, "Content-Length " + strconv.FormatInt(hd.ContentLength, 10) + " over the limit of " + strconv.FormatInt(max, 10)
	}
	return 0, ""
}

// readError answers a request that could not be read. A client that closed
// the connection or timed out gets nothing; a refused head gets its status
// and the reason in the log.
func (c *conn) readError(err error) {
	var bad *http1.Error
	if errors.As(err, &bad) {
		reason := bad.Reason
		if bad == http1.ErrMajor {
			// CPython's words for HTTP/2 and later.
			line := c.head.Line
			reason = "Invalid HTTP version (" + strings.TrimPrefix(line[strings.LastIndexByte(line, ' ')+1:], "HTTP/") + ")"
		}
		c.refuse(bad.Status, reason)
		return
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if c.head.Started {
			// A client that started a request and did not finish it in
			// time, as CPython's "Request timed out". A connection that
			// times out before sending anything (idle keep-alive, a
			// browser's speculative connection) is normal and not logged.
			c.s.logError(c, "Request timed out: "+strconv.Quote(c.head.Line))
		}
		return
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF || handlers.IsClientGone(err) || errors.Is(err, net.ErrClosed) {
		return
	}
	// The reader's own failure (a head outgrowing its buffer): a bug, but
	// the client still gets an answer.
	c.refuse(http.StatusRequestHeaderFieldsTooLarge, err.Error())
}
