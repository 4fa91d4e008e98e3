// Command uwsgi serves simpleserver.DemoApp over the uwsgi protocol, for
// nginx's uwsgi_pass or lighttpd's mod_scgi with scgi.protocol "uwsgi" (the
// README's "Behind nginx or lighttpd" section has the location blocks the
// tests run):
//
//	go run ./examples/uwsgi                         # TCP, 127.0.0.1:8001
//	go run ./examples/uwsgi -addr 127.0.0.1:8003    # another port
//	go run ./examples/uwsgi -socket /run/app/uwsgi.sock
//
// Started by systemd with a socket unit, it serves the socket it is given
// instead (socket activation). SIGTERM or ^C stops it gracefully: the
// requests in progress finish first.
//
// Then, with nginx configured: curl http://localhost/app/xyz?abc
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gowsgi/wsgiref/listen"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/uwsgi"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "host:port to listen on")
	socket := flag.String("socket", "", "Unix socket path to listen on instead of -addr (a stale socket there is replaced)")
	flag.Parse()
	if err := run(*addr, *socket); err != nil {
		fmt.Fprintln(os.Stderr, "uwsgi:", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then shuts down gracefully: the
// requests in progress have 10 s to finish, after which the connections
// left are closed.
func run(addr, socket string) error {
	l, err := listen.Listen(addr, socket) // systemd's socket, else -socket, else -addr
	if err != nil {
		return err
	}
	fmt.Printf("Serving uwsgi on %s %s ...\n", l.Addr().Network(), l.Addr())
	srv := uwsgi.NewServer(simpleserver.DemoApp)
	signalled, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-signalled.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		return err
	}
	if err := <-served; !errors.Is(err, uwsgi.ErrServerClosed) {
		return err
	}
	return nil
}
