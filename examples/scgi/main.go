// Command scgi serves simpleserver.DemoApp over SCGI, for nginx's scgi_pass
// or lighttpd's mod_scgi (the README's "Behind nginx or lighttpd" section
// has the location blocks the tests run):
//
//	go run ./examples/scgi                         # TCP, 127.0.0.1:8000
//	go run ./examples/scgi -addr 127.0.0.1:8002    # another port
//	go run ./examples/scgi -socket /run/app/scgi.sock
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
	"github.com/gowsgi/wsgiref/scgi"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "host:port to listen on")
	socket := flag.String("socket", "", "Unix socket path to listen on instead of -addr (a stale socket there is replaced)")
	flag.Parse()
	if err := run(*addr, *socket); err != nil {
		fmt.Fprintln(os.Stderr, "scgi:", err)
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
	fmt.Printf("Serving SCGI on %s %s ...\n", l.Addr().Network(), l.Addr())
	srv := scgi.NewServer(simpleserver.DemoApp)
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
	if err := <-served; !errors.Is(err, scgi.ErrServerClosed) {
		return err
	}
	return nil
}
