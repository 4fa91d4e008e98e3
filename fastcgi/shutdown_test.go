package fastcgi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// shutdownServer serves app with srv on a loopback listener; Serve's
// result arrives on the channel.
func shutdownServer(t *testing.T, app wsgiref.App) (*Server, string, chan error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(app, WithLogger(slog.New(slog.DiscardHandler)))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return srv, l.Addr().String(), served
}

// TestShutdown: a kept connection between requests closes at once, the
// request in progress completes (FCGI_END_REQUEST, then the connection
// closes), Serve returns ErrServerClosed and Shutdown returns when the
// request is over.
func TestShutdown(t *testing.T) {
	inApp, release := make(chan struct{}), make(chan struct{})
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if env.Get("PATH_INFO") == "/slow" {
			close(inApp)
			<-release
		}
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("done"), nil
	})
	srv, addr, served := shutdownServer(t, app)
	idle := dial(t, "tcp", addr)
	idle.send(request(1, true, "", "REQUEST_METHOD", "GET"))
	idle.mustRead(1) // now between requests
	busy := dial(t, "tcp", addr)
	busy.send(request(1, true, "", "REQUEST_METHOD", "GET", "PATH_INFO", "/slow"))
	<-inApp

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	idle.expectClosed()
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v, want ErrServerClosed", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the listener still accepts after Shutdown")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a request was in progress", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if r := busy.mustRead(1); string(r.stdout) != cgiResponse("200 OK", "done") || r.protocolStatus != statusRequestComplete {
		t.Errorf("the request in progress ended %+v %q", r, r.stdout)
	}
	busy.expectClosed()
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
}

// TestShutdownDeadline: a request that outlasts the context leaves
// Shutdown with the context's error; Close then ends it.
func TestShutdownDeadline(t *testing.T) {
	inApp := make(chan struct{})
	readErr := make(chan error, 1)
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		close(inApp)
		_, err := io.ReadAll(env.Input) // the body never ends
		readErr <- err
		return nil, err
	})
	srv, addr, _ := shutdownServer(t, app)
	cl := dial(t, "tcp", addr)
	b := request(1, true, "part", "REQUEST_METHOD", "POST")
	cl.send(b[:len(b)-headerLen])
	<-inApp
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want DeadlineExceeded", err)
	}
	srv.Close()
	if err := <-readErr; !errors.Is(err, ErrAborted) {
		t.Errorf("the application's read after Close: %v, want ErrAborted", err)
	}
	cl.expectClosed()
	if err := srv.Serve(nil); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Close = %v, want ErrServerClosed", err)
	}
}
