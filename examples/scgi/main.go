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
	"io/fs"
	"net"
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

func run(addr, socket string) error {
	l, err := listener(addr, socket)
	if err != nil {
		return err
	}
	fmt.Printf("Serving SCGI on %s %s ...\n", l.Addr().Network(), l.Addr())
	srv := scgi.NewServer(simpleserver.DemoApp)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, scgi.ErrServerClosed) {
		return err
	}
	return nil
}

// listener returns the socket systemd passed, else the Unix socket when
// socket is set (removing a socket file left by an earlier run, nothing
// else), else the TCP address.
func listener(addr, socket string) (net.Listener, error) {
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
