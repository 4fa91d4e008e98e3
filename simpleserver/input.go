package simpleserver

import (
	"errors"
	"io"
	"net"
	"strconv"

	"github.com/gowsgi/wsgiref/simpleserver/internal/http1"
)

// MaxBytesError is what wsgi.input returns once a chunked request body
// grows past [WithMaxBodyBytes], as net/http's *MaxBytesError: match it
// with errors.As. An application that passes it on gets the client a 413
// instead of the handler's 500 page.
type MaxBytesError struct {
	// Limit is the WithMaxBodyBytes value.
	Limit int64
}

func (e *MaxBytesError) Error() string {
	return "simpleserver: request body larger than the server's limit of " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// input is wsgi.input: the request body, which sends "100 Continue" before
// the first read when the client asked for it.
type input struct {
	c         *conn
	body      http1.Body
	has       bool // a request is being served
	expect    bool // the client waits for 100 Continue
	continued bool
	limited   bool  // the body has no declared length and a limit applies
	left      int64 // bytes the limit still allows
	failed    bool  // a read failed: the connection cannot go on
	tooLarge  MaxBytesError
}

// reset makes the input read the body of hd; nil ends the request.
func (in *input) reset(hd *http1.Head) {
	c := in.c
	in.has, in.expect, in.continued, in.limited, in.failed = hd != nil, false, false, false, false
	if hd == nil {
		in.body.Reset(nil, nil, http1.Limits{})
		return
	}
	in.body.Reset(c.rd, hd, c.s.cfg.limits)
	in.expect = hd.Expects == 1 && hd.Minor >= 1 && !in.body.Empty()
	if max := c.s.cfg.maxBodyBytes; max > 0 && hd.Chunked {
		in.limited, in.left = true, max
		in.tooLarge.Limit = max
	}
}

// end ends the request: a wsgi.input kept by the application reads EOF
// until the connection's next request resets it (the same input then
// reads that request's body).
func (in *input) end() { in.has = false }

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
	var bad *http1.Error
	switch {
	case err == error(&in.tooLarge):
		h.ErrorStatus, h.ErrorBody = "413 Content Too Large", bodyErrorTooLarge
	case errors.As(err, &ne) && ne.Timeout():
		h.ErrorStatus, h.ErrorBody = "408 Request Timeout", bodyErrorTimeout
	case errors.As(err, &bad):
		// A malformed chunked coding.
		h.ErrorStatus, h.ErrorBody = "400 Bad Request", bodyErrorMalformed
	}
	// Otherwise the client left (io.ErrUnexpectedEOF, a reset): nobody
	// reads an error page.
}

// pastLimit reads once more at the limit: a body that ends exactly there
// gives EOF, a longer one the MaxBytesError.
func (in *input) pastLimit() (int, error) {
	var one [1]byte
	n, err := in.body.Read(one[:])
	switch {
	case n > 0:
		in.bodyError(&in.tooLarge)
		return 0, &in.tooLarge
	case err == io.EOF:
		return 0, io.EOF
	default:
		in.bodyError(err)
		return 0, err
	}
}

// Read reads the request body.
func (in *input) Read(p []byte) (int, error) {
	if !in.has {
		return 0, io.EOF
	}
	if in.expect && !in.continued {
		in.continued = true
		if err := in.c.h.WriteInterim("100 Continue"); err != nil {
			return 0, err
		}
	}
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
	if err != nil && err != io.EOF {
		in.bodyError(err)
	}
	return n, err
}

// bodyDone reports whether the body is read to its end or empty: bytes
// buffered past it belong to the next request.
func (in *input) bodyDone() bool { return !in.has || in.body.Empty() || in.body.Done() }

// unread reports whether the body may hold bytes not read yet.
func (in *input) unread() bool { return in.has && !in.bodyDone() }

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
	n, err := io.CopyN(io.Discard, &in.body, maxDiscard+1)
	return err == io.EOF && n <= maxDiscard
}
