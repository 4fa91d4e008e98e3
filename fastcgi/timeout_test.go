package fastcgi

import (
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestIdleTimeout: a kept connection with no request closes after the idle
// timeout, silently; one that carries requests is not cut.
func TestIdleTimeout(t *testing.T) {
	addr, logs := testServer(t, "tcp", echoApp, WithIdleTimeout(100*time.Millisecond))
	cl := dial(t, "tcp", addr)
	for range 3 { // requests 40 ms apart keep it open
		cl.send(request(1, true, "", "REQUEST_METHOD", "GET"))
		cl.mustRead(1)
		time.Sleep(40 * time.Millisecond)
	}
	began := time.Now()
	cl.expectClosed()
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("idle connection closed after %v", d)
	}
	if l := logs.String(); l != "" {
		t.Errorf("an idle timeout was logged: %q", l)
	}
}

// TestWriteTimeout: a front end that stops reading a large response ends
// the request (its body is closed) after the write timeout, and the
// failure is logged.
func TestWriteTimeout(t *testing.T) {
	body := &closeCounter{closed: make(chan struct{})}
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return &bigBody{closeCounter: body}, nil
	})
	addr, logs := testServer(t, "tcp", app, WithWriteTimeout(100*time.Millisecond))
	cl := dial(t, "tcp", addr)
	cl.send(request(1, true, "", "REQUEST_METHOD", "GET")) // and never read
	select {
	case <-body.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not end when the front end stopped reading")
	}
	waitFor(t, logs, "i/o timeout")
	if n := strings.Count(logs.String(), "\n"); n != 1 {
		t.Errorf("logged %d lines:\n%s", n, logs)
	}
}

// bigBody yields 64 KiB blocks without end.
type bigBody struct{ *closeCounter }

var block64k = make([]byte, 64<<10)

func (b *bigBody) Next() ([]byte, error) { return block64k, nil }
