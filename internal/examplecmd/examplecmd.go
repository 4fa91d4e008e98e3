// Package examplecmd is what the gateway examples' commands (examples/fcgi,
// examples/scgi, examples/uwsgi) share, so that each main.go holds only
// what is its gateway's own: the flags -addr and -socket, the listener
// (the socket systemd passed, else a Unix socket, else a TCP port), the
// banner, and serving until SIGINT or SIGTERM with a graceful shutdown.
package examplecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gowsgi/wsgiref/listen"
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

// Main is a command's main: it parses -addr (defaultAddr unless given)
// and -socket, opens the listener, prints the banner and serves srv until
// a signal, as [Listener] and [Serve] do. closed is the gateway's
// ErrServerClosed. A failure is printed as "name: error", and the process
// exits with status 1. For examples/scgi:
//
//	examplecmd.Main("scgi", "SCGI", "127.0.0.1:8000", scgi.NewServer(app), scgi.ErrServerClosed)
//	// prints "Serving SCGI on tcp 127.0.0.1:8000 ..."
func Main(name, protocol, defaultAddr string, srv Server, closed error) {
	addr := flag.String("addr", defaultAddr, "host:port to listen on")
	socket := flag.String("socket", "", "Unix socket path to listen on instead of -addr (a stale socket there is replaced)")
	flag.Parse()
	err := func() error {
		l, err := Listener(*addr, *socket)
		if err != nil {
			return err
		}
		fmt.Printf("Serving %s on %s %s ...\n", protocol, l.Addr().Network(), l.Addr())
		return Serve(l, srv, closed)
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

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

// Listener returns the first socket systemd passed (socket activation),
// else the Unix socket at socket when it is set, else the TCP address
// addr. A socket file left at socket by an earlier run is replaced, and
// nothing else: a file that is no socket, or a socket another server
// listens on, is an error.
//
//	Listener("127.0.0.1:8000", "")       // tcp 127.0.0.1:8000
//	Listener("", "/run/app/scgi.sock")  // unix /run/app/scgi.sock, mode 0666
func Listener(addr, socket string) (net.Listener, error) {
	if sockets, err := listen.Sockets(); err != nil || len(sockets) > 0 {
		if err != nil {
			return nil, err
		}
		return sockets[0].Listener, nil
	}
	if socket == "" {
		return net.Listen("tcp", addr)
	}
	if fi, err := os.Lstat(socket); err == nil && fi.Mode().Type() == fs.ModeSocket {
		if c, err := net.Dial("unix", socket); err == nil {
			c.Close()
			return nil, fmt.Errorf("%s: another server is listening there", socket)
		}
		os.Remove(socket)
	}
	l, err := net.Listen("unix", socket)
	if err != nil {
		return nil, err
	}
	os.Chmod(socket, 0o666) // the front end's workers may run as another user
	return l, nil
}
