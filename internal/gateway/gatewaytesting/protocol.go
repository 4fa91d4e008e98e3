package gatewaytesting

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// Protocol is what the shared tests know of one gateway: its name, how its
// requests are encoded and answered, and how to start its server.
type Protocol struct {
	// Name is the protocol's prefix in log messages and errors: "scgi".
	Name string
	// StatusPrefix starts every response: "Status: " for the CGI form,
	// "HTTP/1.1 " for a status line.
	StatusPrefix string
	// Fixed are the name, value pairs every request carries after
	// CONTENT_LENGTH: "SCGI", "1" for SCGI, none for uwsgi.
	Fixed []string
	// Encode encodes a block of variables, given as name, value pairs, on
	// the wire exactly as given: no variable added, none reordered.
	Encode func(vars ...string) []byte
	// Read is the protocol's reader, as its server calls it.
	Read gateway.ReadRequest
	// NewServer returns the protocol's server for app, configured by c
	// through the package's own options.
	NewServer func(app wsgiref.App, c Config) Server
	// ActiveConns is the number of connections srv is serving.
	ActiveConns func(srv Server) int
	// BadInput are the malformed requests only this protocol's grammar
	// has; [Run] adds those every gateway shares.
	BadInput []BadInputCase
}

// Config is what the tests set through a protocol's options, one field
// an option: the adapter passes Logger to WithLogger, Errors to
// WithErrors, and so on. A zero field is the option's own zero (no limit,
// no timeout), except where [Start] fills it.
type Config struct {
	Logger         *slog.Logger  // WithLogger
	Errors         io.Writer     // WithErrors
	MaxHeaderBytes int           // WithMaxHeaderBytes
	MaxBodyBytes   int64         // WithMaxBodyBytes
	HeaderTimeout  time.Duration // WithHeaderTimeout
	ReadTimeout    time.Duration // WithReadTimeout
	WriteTimeout   time.Duration // WithWriteTimeout
	Multiprocess   bool          // WithMultiprocess
}

// Server is the protocol package's server, as its public API offers it.
type Server interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
	Close() error
}

// Request encodes a request: CONTENT_LENGTH (the body's length) and the
// fixed variables first, then vars, then the body. For SCGI,
// Request("ab", "PATH_INFO", "/x") is
// "37:CONTENT_LENGTH\x002\x00SCGI\x001\x00PATH_INFO\x00/x\x00,ab".
func (p Protocol) Request(body string, vars ...string) []byte {
	return append(p.Head(strconv.Itoa(len(body)), vars...), body...)
}

// Head encodes the variables of a request whose CONTENT_LENGTH is length,
// given as it is (it may be malformed), with the fixed variables and then
// vars: Head("+5") is a request with a signed length.
func (p Protocol) Head(length string, vars ...string) []byte {
	all := append([]string{"CONTENT_LENGTH", length}, p.Fixed...)
	return p.Encode(append(all, vars...)...)
}
