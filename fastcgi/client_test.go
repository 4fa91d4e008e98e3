package fastcgi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/logbuf"
)

// client is a FastCGI front end for tests, speaking the protocol over a
// real connection.
type client struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func dial(t testing.TB, network, addr string) *client {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

// rec returns the bytes of one record.
func rec(t recType, id uint16, content []byte) []byte {
	return append(appendHeader(nil, t, id, len(content)), content...)
}

func beginBody(role uint16, keep bool) []byte {
	var flags byte
	if keep {
		flags = flagKeepConn
	}
	return []byte{byte(role >> 8), byte(role), flags, 0, 0, 0, 0, 0}
}

func pairs(kv ...string) []byte {
	var b []byte
	for i := 0; i+1 < len(kv); i += 2 {
		b = appendPair(b, kv[i], kv[i+1])
	}
	return b
}

// request returns the records of a whole request: BEGIN_REQUEST, the
// params in one record and its end, the body in one record and its end.
func request(id uint16, keep bool, body string, kv ...string) []byte {
	b := rec(typeBeginRequest, id, beginBody(roleResponder, keep))
	b = append(b, rec(typeParams, id, pairs(kv...))...)
	b = append(b, rec(typeParams, id, nil)...)
	if body != "" {
		b = append(b, rec(typeStdin, id, []byte(body))...)
	}
	return append(b, rec(typeStdin, id, nil)...)
}

func (cl *client) send(b []byte) {
	cl.t.Helper()
	if _, err := cl.c.Write(b); err != nil {
		cl.t.Fatal(err)
	}
}

// response is what the server sent for one request.
type response struct {
	stdout, stderr []byte
	stdoutEnded    bool // the empty FCGI_STDOUT arrived
	appStatus      uint32
	protocolStatus byte
}

// readRecord reads one record.
func (cl *client) readRecord() (header, []byte, error) {
	var hb [headerLen]byte
	hd, err := readHeader(cl.br, &hb)
	if err != nil {
		return hd, nil, err
	}
	content := make([]byte, hd.length)
	if _, err := io.ReadFull(cl.br, content); err != nil {
		return hd, nil, err
	}
	return hd, content, discard(cl.br, hd.padding)
}

// read reads records until FCGI_END_REQUEST for id.
func (cl *client) read(id uint16) (response, error) {
	var r response
	for {
		hd, content, err := cl.readRecord()
		if err != nil {
			return r, err
		}
		if hd.id != id {
			return r, fmt.Errorf("record %d for id %d, want %d", hd.typ, hd.id, id)
		}
		switch hd.typ {
		case typeStdout:
			if r.stdoutEnded {
				return r, errors.New("FCGI_STDOUT after its end")
			}
			r.stdout = append(r.stdout, content...)
			r.stdoutEnded = len(content) == 0
		case typeStderr:
			r.stderr = append(r.stderr, content...)
		case typeEndRequest:
			if len(content) != 8 {
				return r, fmt.Errorf("END_REQUEST of %d bytes", len(content))
			}
			r.appStatus = uint32(content[0])<<24 | uint32(content[1])<<16 | uint32(content[2])<<8 | uint32(content[3])
			r.protocolStatus = content[4]
			return r, nil
		default:
			return r, fmt.Errorf("unexpected record type %d", hd.typ)
		}
	}
}

func (cl *client) mustRead(id uint16) response {
	cl.t.Helper()
	r, err := cl.read(id)
	if err != nil {
		cl.t.Fatalf("reading the response to request %d: %v (stdout so far %q)", id, err, r.stdout)
	}
	return r
}

// expectClosed checks that the server closes the connection: the next
// read ends without a record.
func (cl *client) expectClosed() {
	cl.t.Helper()
	hd, content, err := cl.readRecord()
	if err == nil {
		cl.t.Fatalf("connection still open: record type %d %q", hd.typ, content)
	}
}

// waitFor polls the log until it contains want.
func waitFor(t testing.TB, l *logbuf.Buffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(l.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("log does not say %q; it says:\n%s", want, l.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testServer serves app on a loopback listener of network ("tcp" or
// "unix") and returns its address and log.
func testServer(t testing.TB, network string, app wsgiref.App, opts ...Option) (string, *logbuf.Buffer) {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = t.TempDir() + "/fcgi.sock"
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logbuf.Buffer{}
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(logs, nil)))}, opts...)
	done := make(chan error, 1)
	go func() { done <- Serve(l, app, opts...) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("Serve returned %v, want net.ErrClosed", err)
		}
	})
	return l.Addr().String(), logs
}

func newTestReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
