// Command demo serves simpleserver.DemoApp, the README's main command:
//
//	go run ./examples/demo               # http://127.0.0.1:8000/
//	go run ./examples/demo -addr :8080   # every interface, port 8080
//	go run ./examples/demo -once         # serve one request, then exit
//
// Then: curl http://127.0.0.1:8000/xyz?abc
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/gowsgi/wsgiref/simpleserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "host:port to listen on (host empty for every interface, port 0 for any free port)")
	once := flag.Bool("once", false, "serve one request, then exit (CPython's handle_request)")
	flag.Parse()
	if err := run(*addr, *once); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(addr string, once bool) error {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad -addr %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return fmt.Errorf("bad port in -addr %q", addr)
	}
	srv, err := simpleserver.MakeServer(host, port, simpleserver.DemoApp)
	if err != nil {
		return err
	}
	a := srv.Addr().(*net.TCPAddr)
	fmt.Printf("Serving HTTP on %s port %d ...\n", a.IP, a.Port)
	if once {
		return srv.HandleRequest()
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.ServeForever(); !errors.Is(err, simpleserver.ErrServerClosed) {
		return err
	}
	return nil
}
