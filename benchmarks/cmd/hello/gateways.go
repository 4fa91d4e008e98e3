package main

import (
	"net"
	"net/http"
	"net/http/fcgi"
	"slices"
	"strconv"

	"github.com/gowsgi/wsgiref/fastcgi"
)

// gateways are the contenders that speak a gateway protocol to a front end
// (nginx) instead of HTTP to the client: cmd/report's gateway table puts
// nginx in front of each. Each file of a gateway adds its entries.
var gateways = map[string]server{}

func init() {
	gateways["fastcgi"] = func(ln net.Listener, _ string) error { return fastcgi.Serve(ln, helloApp("")) }
	gateways["nethttp-fcgi"] = serveNetHTTPFCGI
}

func gatewayNames() []string {
	var n []string
	for k := range gateways {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// serveNetHTTPFCGI is net/http/fcgi with the plain net/http contender's
// handler.
func serveNetHTTPFCGI(ln net.Listener, _ string) error {
	length := strconv.Itoa(len(helloBody))
	return fcgi.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain"}
		h["Content-Length"] = []string{length}
		w.Write([]byte(helloBody))
	}))
}
