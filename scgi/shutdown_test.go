package scgi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestShutdownFinishesRequests: Shutdown waits for a request in progress,
// which completes, and refuses new connections.
func TestShutdownFinishesRequests(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		close(entered)
		<-release
		start("200 OK", headers.New("Content-Length", "4"))
		return wsgiref.Strings("done"), nil
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(app, WithLogger(slog.New(slog.DiscardHandler)))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(request(""))
	<-entered
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in progress", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if c2, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		c2.Close()
		t.Error("a new connection was accepted after Shutdown")
	}
	close(release)
	resp, err := io.ReadAll(c)
	if want := "Status: 200 OK\r\nContent-Length: 4\r\n\r\ndone"; err != nil || string(resp) != want {
		t.Errorf("response %q, %v; want %q", resp, err, want)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// TestShutdownServesAcceptedConnection: a connection accepted before
// Shutdown whose request comes after it began is answered: a front end on
// a socket shared with a new process has already committed it a request.
func TestShutdownServesAcceptedConnection(t *testing.T) {
	ts := start(t, "tcp")
	c, err := net.Dial("tcp", ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for ts.srv.g.ActiveConns() == 0 {
		time.Sleep(time.Millisecond)
	}
	shut := make(chan error, 1)
	go func() { shut <- ts.srv.Shutdown(context.Background()) }()
	time.Sleep(50 * time.Millisecond)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write(request("", "X_ECHO", "SCGI"))
	resp, err := io.ReadAll(c)
	if err != nil || !strings.HasSuffix(string(resp), "\r\n\r\nSCGI=1\n") {
		t.Errorf("response %q, %v", resp, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
