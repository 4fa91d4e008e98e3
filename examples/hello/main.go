// Command hello is the docs' "Hello World" WSGI application, served by
// simpleserver until interrupted:
//
//	go run ./examples/hello                  # http://127.0.0.1:8000/
//	go run ./examples/hello -addr :8000      # every interface, as the docs' make_server("", 8000, ...)
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// helloWorldApp is an application: it gets the environ and start_response
// and returns the body.
func helloWorldApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	status := "200 OK"
	hdrs := headers.Headers{{Name: "Content-type", Value: "text/plain; charset=utf-8"}}
	if _, err := start(status, hdrs); err != nil {
		return nil, err
	}
	return wsgiref.Strings("Hello World"), nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "host:port to listen on")
	flag.Parse()
	host, portStr, err := net.SplitHostPort(*addr)
	port, err2 := strconv.Atoi(portStr)
	if err != nil || err2 != nil {
		fmt.Fprintf(os.Stderr, "hello: bad -addr %q\n", *addr)
		os.Exit(2)
	}
	httpd, err := simpleserver.MakeServer(host, port, wsgiref.AppFunc(helloWorldApp))
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
	fmt.Printf("Serving on port %d...\n", httpd.ServerPort())
	// Serve until the process is killed.
	fmt.Fprintln(os.Stderr, "hello:", httpd.ServeForever())
	os.Exit(1)
}
