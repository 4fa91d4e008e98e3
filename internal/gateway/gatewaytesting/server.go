package gatewaytesting

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/gateway"
	"github.com/gowsgi/wsgiref/internal/logbuf"
)

// TestServer is a protocol's server running [EchoApp] in the background,
// with its log and wsgi.errors captured.
type TestServer struct {
	Srv  Server         // the protocol's server
	Addr net.Addr       // where it listens
	Log  *logbuf.Buffer // its log, in slog's text form
	Errs *logbuf.Buffer // wsgi.errors
}

// Start serves EchoApp over p on network ("tcp": a free loopback port,
// "unix": a socket in a temporary directory) until the test ends, with the
// limits of c (its Logger and Errors are the captures; a zero
// HeaderTimeout is the default's 10 s). At the end Serve must return
// ErrServerClosed.
func Start(t *testing.T, p Protocol, network string, c Config) *TestServer {
	t.Helper()
	address := "127.0.0.1:0"
	if network == "unix" {
		address = filepath.Join(t.TempDir(), p.Name+".sock")
	}
	l, err := net.Listen(network, address)
	if err != nil {
		t.Fatal(err)
	}
	ts := &TestServer{Addr: l.Addr(), Log: &logbuf.Buffer{}, Errs: &logbuf.Buffer{}}
	c.Logger, c.Errors = slog.New(slog.NewTextHandler(ts.Log, nil)), ts.Errs
	if c.HeaderTimeout == 0 {
		c.HeaderTimeout = gateway.DefaultHeaderTimeout
	}
	ts.Srv = p.NewServer(wsgiref.AppFunc(EchoApp), c)
	done := make(chan error, 1)
	go func() { done <- ts.Srv.Serve(l) }()
	t.Cleanup(func() {
		ts.Srv.Close()
		if err := <-done; !errors.Is(err, gateway.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ts
}

// RoundTrip sends raw on a new connection (then closes its writing side
// when closeWrite is set) and returns everything the server answered until
// it closed the connection, and the read error (nil at a clean close).
func (ts *TestServer) RoundTrip(t *testing.T, raw []byte, closeWrite bool) (string, error) {
	t.Helper()
	c, err := net.Dial(ts.Addr.Network(), ts.Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		c.(interface{ CloseWrite() error }).CloseWrite()
	}
	out, err := io.ReadAll(c)
	return string(out), err
}

// WaitLog returns what was logged after the first before bytes, waiting a
// little for the server's goroutine, which logs after it closed the
// connection; "" when nothing came within a second.
func (ts *TestServer) WaitLog(before int) string {
	for range 200 {
		if s := ts.Log.String()[before:]; s != "" {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	return ""
}

// EchoApp answers with the variables named by the X_ECHO variable (comma
// separated), each "NAME=value" on a line, then the body it read.
// PATH_INFO /late fails after its first block; /fail before any header.
// The name wsgi.multiprocess echoes that typed field.
//
//	X_ECHO "PATH_INFO,wsgi.url_scheme", PATH_INFO "/x", body "ab"
//	-> 200, "PATH_INFO=/x\nwsgi.url_scheme=http\nab"
func EchoApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	switch env.Get("PATH_INFO") {
	case "/fail":
		return nil, errors.New("failing on purpose")
	case "/late":
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
			return nil, err
		}
		return &lateFailure{}, nil
	}
	var b strings.Builder
	for _, k := range strings.Split(env.Get("X_ECHO"), ",") {
		switch k {
		case "":
		case "wsgi.multiprocess":
			b.WriteString(k + "=" + strconv.FormatBool(env.Multiprocess) + "\n")
		default:
			b.WriteString(k + "=" + env.Get(k) + "\n")
		}
	}
	body, err := io.ReadAll(env.Input)
	if err != nil {
		return nil, err
	}
	b.Write(body)
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(b.String()), nil
}

// lateFailure yields one block, then fails.
type lateFailure struct{ n int }

func (l *lateFailure) Next() ([]byte, error) {
	l.n++
	if l.n == 1 {
		return []byte("partial"), nil
	}
	return nil, errors.New("failing after the headers")
}

// OneOf reports whether err is one of targets, by errors.Is.
func OneOf(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
