package handlers

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// The errors start_response and write report to an application that breaks
// PEP 3333's rules. Their messages are CPython's assertion messages, word
// for word, so logs read the same under both implementations.
var (
	// ErrHeadersAlreadySet: start_response was called a second time
	// without excInfo.
	ErrHeadersAlreadySet = errors.New("Headers already set!")
	// ErrStatusShort: the status line is shorter than "200 ".
	ErrStatusShort = errors.New("Status must be at least 4 characters")
	// ErrStatusCode: the status does not begin with three digits.
	ErrStatusCode = errors.New("Status message must begin w/3-digit code")
	// ErrStatusSpace: no space after the three digits.
	ErrStatusSpace = errors.New("Status message must have a space after code")
	// ErrStatusControl: the status holds a control byte (CR, LF, NUL, ...)
	// that would split the response on the wire. CPython does not check
	// this; a Go server must.
	ErrStatusControl = errors.New("Status must not contain control characters")
	// ErrWriteBeforeStart: the write callable or the body produced data
	// before start_response was called.
	ErrWriteBeforeStart = errors.New("write() before start_response()")
	// ErrWriteAfterClose: the write callable was called after the response
	// ended (a goroutine the application left behind, a callable kept
	// past its request). Nothing is written: on a kept-alive connection
	// the bytes would land in the next response. CPython raises an
	// AssertionError there.
	ErrWriteAfterClose = errors.New("write() after the response was closed")
	// ErrContentLength: the application's Content-Length is not a
	// decimal number, or two of them disagree. CPython sends such a value
	// as it is; an HTTP client then rejects the response, or worse, a
	// proxy and a client frame it differently.
	ErrContentLength = errors.New("Content-Length must be one decimal number")
	// ErrHeaderControl: a header value holds a control byte other than
	// HTAB, which RFC 9110 forbids and net/http's client refuses.
	ErrHeaderControl = errors.New("Header values must not contain control characters")
	// ErrBodyOverrun: the application produced more bytes than its
	// Content-Length; the excess is not sent.
	ErrBodyOverrun = errors.New("response body longer than its Content-Length")
	// ErrNoStdout: the handler has no Stdout to write the response to.
	ErrNoStdout = errors.New("handlers: no Stdout")
	// ErrNilApp: Run was given no application.
	ErrNilApp = errors.New("handlers: nil application")
	// ErrStatusUnsupported: a gateway (the net/http bridge) cannot send the
	// status code the application chose.
	ErrStatusUnsupported = errors.New("handlers: status code not supported by this gateway")
)

// HopByHopError reports a hop-by-hop header (Connection, Transfer-Encoding,
// ...) set by the application: only the server may frame the connection.
type HopByHopError struct {
	// Name is the field name as the application gave it ("Connection").
	Name string
	// Value is the field's value ("close").
	Value string
}

// Error returns CPython's assertion message.
func (e *HopByHopError) Error() string {
	return "Hop-by-hop header, '" + e.Name + ": " + e.Value + "', not allowed"
}

// PanicError is an application panic (in the application, its body's Next
// or its Close) turned into an error, so that it is handled like any other
// application error: logged with its stack, answered with the error page.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the time of the panic.
	Stack []byte
}

// Error describes the panic as the runtime would.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// IsClientGone reports whether err means the client went away while the
// response was being written: a broken pipe, a connection reset or aborted
// by the peer, the Go equivalents of the three exceptions CPython's
// BaseHandler.run swallows. Such a request ends silently.
func IsClientGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, io.ErrClosedPipe) ||
		errors.Is(err, net.ErrClosed)
}
