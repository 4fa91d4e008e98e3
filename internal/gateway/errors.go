package gateway

import (
	"errors"
	"io"
	"net"
	"os"
)

// Errors shared by the protocols; each protocol package re-exports them
// under its own name so that users can errors.Is against them.
var (
	// ErrServerClosed is returned by Serve once Shutdown or Close has
	// been called.
	ErrServerClosed = errors.New("gateway: server closed")
	// ErrHeaderTooLarge: the block of variables is longer than the
	// server's limit. The front end gets 431.
	ErrHeaderTooLarge = errors.New("request variables larger than the limit")
	// ErrBodyTooLarge: CONTENT_LENGTH is larger than the server's limit.
	// The front end gets 413 and the application does not run.
	ErrBodyTooLarge = errors.New("request body larger than the limit")
	// ErrTruncated: the connection ended in the middle of a request (its
	// variables or its body).
	ErrTruncated = errors.New("connection closed in the middle of the request")
	// ErrBadContentLength: CONTENT_LENGTH is not a decimal number.
	ErrBadContentLength = errors.New("CONTENT_LENGTH is not a decimal number")
)

// status is the status a refused request gets, or "" when nothing can be
// sent: the front end is gone or never spoke.
func status(err error) string {
	switch {
	case errors.Is(err, ErrTruncated), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return ""
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "408 Request Timeout"
	case errors.Is(err, ErrHeaderTooLarge):
		return "431 Request Header Fields Too Large"
	case errors.Is(err, ErrBodyTooLarge):
		return "413 Content Too Large"
	}
	return "400 Bad Request"
}

// Truncated turns the io.EOF or io.ErrUnexpectedEOF of a read in the middle
// of a request into ErrTruncated; other errors pass unchanged.
func Truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return ErrTruncated
	}
	return err
}
