package scgi_test

import (
	"fmt"
	"io"
	"net"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/scgi"
)

// An SCGI server on a loopback port, and the request nginx's scgi_pass
// would send it, written by hand: a netstring of NUL-separated variables,
// CONTENT_LENGTH first.
func ExampleServe() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("Hello from ", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), "\n"), nil
	})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go scgi.Serve(l, app)

	c, _ := net.Dial("tcp", l.Addr().String())
	vars := "CONTENT_LENGTH\x000\x00SCGI\x001\x00REQUEST_METHOD\x00GET\x00SCRIPT_NAME\x00/app\x00PATH_INFO\x00/hello\x00"
	fmt.Fprintf(c, "%d:%s,", len(vars), vars)
	resp, _ := io.ReadAll(c)
	fmt.Printf("%q\n", resp)
	// Output:
	// "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nHello from /app/hello\n"
}
