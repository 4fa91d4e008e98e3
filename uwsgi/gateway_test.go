package uwsgi

import (
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"
)

// protocol is uwsgi as the shared gateway tests see it: packets with
// modifiers 0 and 0, answered with an HTTP/1.1 status line.
var protocol = gatewaytesting.Protocol{
	Name:         "uwsgi",
	StatusPrefix: "HTTP/1.1 ",
	Encode:       func(vars ...string) []byte { return packet(0, 0, vars...) },
	Read:         readRequest,
	NewServer: func(app wsgiref.App, c gatewaytesting.Config) gatewaytesting.Server {
		return NewServer(app, WithLogger(c.Logger), WithErrors(c.Errors), WithMaxHeaderBytes(c.MaxHeaderBytes),
			WithMaxBodyBytes(c.MaxBodyBytes), WithHeaderTimeout(c.HeaderTimeout), WithReadTimeout(c.ReadTimeout),
			WithWriteTimeout(c.WriteTimeout), WithMultiprocess(c.Multiprocess))
	},
	ActiveConns: func(srv gatewaytesting.Server) int { return srv.(*Server).g.ActiveConns() },
	BadInput:    badInput,
}

// TestGateway runs the tests every gateway shares, in uwsgi.
func TestGateway(t *testing.T) { gatewaytesting.Run(t, protocol) }

// BenchmarkReadRequest reads and parses nginx's packet for a typical GET;
// b.SetBytes makes the figure comparable with the SCGI netstring's.
func BenchmarkReadRequest(b *testing.B) { gatewaytesting.BenchmarkRead(b, protocol) }

// packet encodes a packet with the given modifiers and variables, name,
// value pairs: "\x05\x05\x00\x00\x01\x00a\x00\x00" for 5, 0, "a", "".
func packet(mod1, mod2 byte, vars ...string) []byte {
	var data []byte
	for _, v := range vars {
		data = append(data, byte(len(v)), byte(len(v)>>8))
		data = append(data, v...)
	}
	return append([]byte{mod1, byte(len(data)), byte(len(data) >> 8), mod2}, data...)
}

// request builds a uwsgi request: the packet of the variables given as
// name, value pairs (CONTENT_LENGTH first), then the body.
func request(body string, vars ...string) []byte { return protocol.Request(body, vars...) }
