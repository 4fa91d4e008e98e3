package scgi

import (
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"
)

// protocol is SCGI as the shared gateway tests see it: netstrings, the
// "Status:" form, SCGI "1" in every request.
var protocol = gatewaytesting.Protocol{
	Name:         "scgi",
	StatusPrefix: "Status: ",
	Fixed:        []string{"SCGI", "1"},
	Encode:       netstring,
	Read:         readRequest,
	NewServer: func(app wsgiref.App, c gatewaytesting.Config) gatewaytesting.Server {
		return NewServer(app, WithLogger(c.Logger), WithErrors(c.Errors), WithMaxHeaderBytes(c.MaxHeaderBytes),
			WithMaxBodyBytes(c.MaxBodyBytes), WithHeaderTimeout(c.HeaderTimeout), WithReadTimeout(c.ReadTimeout),
			WithWriteTimeout(c.WriteTimeout), WithMultiprocess(c.Multiprocess))
	},
	ActiveConns: func(srv gatewaytesting.Server) int { return srv.(*Server).g.ActiveConns() },
	BadInput:    badInput,
}

// TestGateway runs the tests every gateway shares, in SCGI.
func TestGateway(t *testing.T) { gatewaytesting.Run(t, protocol) }

// BenchmarkReadRequest reads and parses nginx's netstring for a typical
// GET; b.SetBytes makes the figure comparable with the uwsgi packet's.
func BenchmarkReadRequest(b *testing.B) { gatewaytesting.BenchmarkRead(b, protocol) }

// netstring encodes the variables, name, value pairs, as the header
// netstring: "3:a\x00\x00," for "a", "".
func netstring(vars ...string) []byte {
	var h []byte
	for _, v := range vars {
		h = append(append(h, v...), 0)
	}
	out := strconv.AppendInt(nil, int64(len(h)), 10)
	out = append(append(append(out, ':'), h...), ',')
	return out
}

// request builds an SCGI request: the netstring of the variables given as
// name, value pairs (CONTENT_LENGTH and SCGI first), then the body.
func request(body string, vars ...string) []byte { return protocol.Request(body, vars...) }
