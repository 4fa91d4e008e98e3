// Command fcgi serves simpleserver.DemoApp over FastCGI, for a front end
// such as nginx (nginx.conf in this directory is a working configuration):
//
//	go run ./examples/fcgi                           # TCP, 127.0.0.1:9000
//	go run ./examples/fcgi -addr 127.0.0.1:9001      # another port
//	go run ./examples/fcgi -socket /run/wsgi-fcgi.sock
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

	"github.com/gowsgi/wsgiref/fastcgi"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "host:port to listen on")
	socket := flag.String("socket", "", "Unix socket path to listen on instead of -addr (a stale socket there is replaced)")
	flag.Parse()
	l, err := listen(*addr, *socket)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fcgi:", err)
		os.Exit(1)
	}
	fmt.Printf("Serving FastCGI on %s %s ...\n", l.Addr().Network(), l.Addr())
	srv := fastcgi.NewServer(simpleserver.DemoApp)
	stopped := make(chan struct{})
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
		<-stop
		// Requests in progress finish; a Unix socket's file goes with
		// the listener.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		close(stopped)
	}()
	if err := srv.Serve(l); !errors.Is(err, fastcgi.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "fcgi:", err)
		os.Exit(1)
	}
	<-stopped
}

// listen opens the TCP address, or the Unix socket when socket is set,
// removing a socket file left by an earlier run (nothing else).
func listen(addr, socket string) (net.Listener, error) {
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
