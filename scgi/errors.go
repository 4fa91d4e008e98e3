package scgi

import (
	"errors"

	"github.com/gowsgi/wsgiref/internal/gateway"
)

// The reasons a request is refused. Each is logged with the connection's
// address; the front end gets the status given.
var (
	// ErrMalformedNetstring: the request does not start with a netstring
	// (a decimal length without leading zeros, ':', the bytes, ','). 400.
	ErrMalformedNetstring = errors.New("scgi: malformed netstring")
	// ErrMalformedHeaders: the netstring does not hold NUL-terminated
	// name/value pairs, or a name is empty. 400.
	ErrMalformedHeaders = errors.New("scgi: malformed header block")
	// ErrNoContentLength: the first variable is not CONTENT_LENGTH, which
	// SCGI puts first. 400.
	ErrNoContentLength = errors.New("scgi: CONTENT_LENGTH is not the first header")
	// ErrNotSCGI: the SCGI variable is missing or not "1". 400.
	ErrNotSCGI = errors.New("scgi: SCGI header missing or not 1")
	// ErrDuplicateLength: CONTENT_LENGTH appears twice, so the body's
	// framing is in doubt. 400. Other repeated variables are accepted:
	// HTTP_* values are joined with ",", as CGI does, and for the others
	// the later wins, as in flup's dict (nginx repeats a parameter that a
	// location block sets after an include already did).
	ErrDuplicateLength = errors.New("scgi: CONTENT_LENGTH given twice")

	// ErrBadContentLength: CONTENT_LENGTH is not a decimal number. 400.
	ErrBadContentLength = gateway.ErrBadContentLength
	// ErrHeaderTooLarge: the netstring is longer than the limit
	// ([WithMaxHeaderBytes]). It is refused from its length prefix,
	// before its bytes are read. 431.
	ErrHeaderTooLarge = gateway.ErrHeaderTooLarge
	// ErrBodyTooLarge: CONTENT_LENGTH is larger than the limit
	// ([WithMaxBodyBytes]); the application does not run. 413.
	ErrBodyTooLarge = gateway.ErrBodyTooLarge
	// ErrTruncated: the connection ended in the middle of the netstring or
	// the body. Nothing can be answered. Inside the body, the application
	// sees it as a read error of wsgi.input.
	ErrTruncated = gateway.ErrTruncated
	// ErrServerClosed is returned by Serve after Shutdown or Close.
	ErrServerClosed = gateway.ErrServerClosed
)
