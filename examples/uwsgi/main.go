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
	"github.com/gowsgi/wsgiref/internal/examplecmd"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/uwsgi"
)

func main() {
	examplecmd.Main("uwsgi", "uwsgi", "127.0.0.1:8001", uwsgi.NewServer(simpleserver.DemoApp), uwsgi.ErrServerClosed)
}
