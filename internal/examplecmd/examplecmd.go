// Package examplecmd serves a gateway until SIGINT or SIGTERM with a
// graceful shutdown, for the backend processes the multiprocess tests
// start. The gateway examples (examples/fcgi, scgi, uwsgi) spell the same
// steps out in their main.go, so that a reader can copy one; their
// listener comes from listen.Listen.
package examplecmd

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Server is a gateway's server as the commands use it: fastcgi.Server,
// scgi.Server and uwsgi.Server.
type Server interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
	Close() error
}

// ShutdownTimeout is how long the requests in progress have to finish
// after the signal; then the connections left are closed.
const ShutdownTimeout = 10 * time.Second

// Serve serves srv on l until Serve fails or the process gets SIGINT or
// SIGTERM. Then it shuts srv down gracefully: the requests in progress
// finish first, for [ShutdownTimeout] at most, after which the connections
// left are closed and the timeout is returned. A Unix socket's file goes
// with the listener. closed is the gateway's ErrServerClosed: what Serve
// returns after the shutdown, which is no failure.
func Serve(l net.Listener, srv Server, closed error) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		<-served
		return err
	}
	if err := <-served; !errors.Is(err, closed) {
		return err
	}
	return nil
}
