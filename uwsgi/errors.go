package uwsgi

import (
	"errors"

	"github.com/gowsgi/wsgiref/internal/gateway"
)

// The reasons a request is refused. Each is logged with the connection's
// address; the front end gets the status given.
var (
	// ErrModifier: modifier1 is not 0 (a WSGI request) or modifier2 is not
	// 0; other modifiers ask for services this server does not offer. 400.
	ErrModifier = errors.New("uwsgi: unsupported packet modifiers")
	// ErrMalformedVars: the variables do not parse as length-prefixed
	// pairs filling the packet exactly, or a name is empty. 400.
	ErrMalformedVars = errors.New("uwsgi: malformed variables")
	// ErrDuplicateLength: CONTENT_LENGTH appears twice, so the body's
	// framing is in doubt. 400. Other repeated variables are accepted:
	// HTTP_* values are joined with ",", as CGI does, and for the others
	// the later wins, as in uWSGI (nginx repeats a parameter that a
	// location block sets after an include already did, PATH_INFO of
	// uwsgi_params for one).
	ErrDuplicateLength = errors.New("uwsgi: CONTENT_LENGTH given twice")

	// ErrBadContentLength: CONTENT_LENGTH is not a decimal number. 400.
	ErrBadContentLength = gateway.ErrBadContentLength
	// ErrHeaderTooLarge: the packet's size is above the limit
	// ([WithMaxHeaderBytes]); it is refused from its header, before its
	// bytes are read. 431.
	ErrHeaderTooLarge = gateway.ErrHeaderTooLarge
	// ErrBodyTooLarge: CONTENT_LENGTH is larger than the limit
	// ([WithMaxBodyBytes]); the application does not run. 413.
	ErrBodyTooLarge = gateway.ErrBodyTooLarge
	// ErrTruncated: the connection ended in the middle of the packet or
	// the body. Nothing can be answered. Inside the body, the application
	// sees it as a read error of wsgi.input.
	ErrTruncated = gateway.ErrTruncated
	// ErrServerClosed is returned by Serve after Shutdown or Close.
	ErrServerClosed = gateway.ErrServerClosed
)
