package main

import (
	"net"

	"github.com/gowsgi/wsgiref/scgi"
	"github.com/gowsgi/wsgiref/uwsgi"
)

// The SCGI and uwsgi gateways: the hello application over this module's
// scgi and uwsgi servers, each behind nginx in cmd/report's gateway table.
// The proxy_pass row uses the "simple-quiet" contender, an HTTP server.
func init() {
	gateways["scgi"] = func(ln net.Listener, _ string) error { return scgi.Serve(ln, helloApp("")) }
	gateways["uwsgi"] = func(ln net.Listener, _ string) error { return uwsgi.Serve(ln, helloApp("")) }
}
