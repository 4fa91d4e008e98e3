// Command fcgi serves simpleserver.DemoApp over FastCGI, for a front end
// such as nginx (nginx.conf in this directory is a working configuration):
//
//	go run ./examples/fcgi                           # TCP, 127.0.0.1:9000
//	go run ./examples/fcgi -addr 127.0.0.1:9001      # another port
//	go run ./examples/fcgi -socket /run/wsgi-fcgi.sock
//
// Started by systemd with a socket unit, it serves the socket it is given
// instead (socket activation). SIGTERM or ^C stops it gracefully: the
// requests in progress finish first.
//
// Then, with nginx configured: curl http://localhost/app/xyz?abc
package main

import (
	"github.com/gowsgi/wsgiref/fastcgi"
	"github.com/gowsgi/wsgiref/internal/examplecmd"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func main() {
	examplecmd.Main("fcgi", "FastCGI", "127.0.0.1:9000", fastcgi.NewServer(simpleserver.DemoApp), fastcgi.ErrServerClosed)
}
