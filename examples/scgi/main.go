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
	"github.com/gowsgi/wsgiref/internal/examplecmd"
	"github.com/gowsgi/wsgiref/scgi"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func main() {
	examplecmd.Main("scgi", "SCGI", "127.0.0.1:8000", scgi.NewServer(simpleserver.DemoApp), scgi.ErrServerClosed)
}
