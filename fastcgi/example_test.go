package fastcgi_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fastcgi"
	"github.com/gowsgi/wsgiref/headers"
)

// A WSGI application served over FastCGI; here the front end's side of
// one request is written by hand: BEGIN_REQUEST (responder, connection not
// kept), one FCGI_PARAMS pair and the empty records that end the
// parameters and the body.
func ExampleServe() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("Hello from ", env.Get("REQUEST_METHOD"), "\n"), nil
	})
	l, err := net.Listen("tcp", "127.0.0.1:0") // nginx: fastcgi_pass 127.0.0.1:port;
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go fastcgi.Serve(l, app)

	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	c.Write([]byte("\x01\x01\x00\x01\x00\x08\x00\x00" + "\x00\x01\x00\x00\x00\x00\x00\x00" + // BEGIN_REQUEST
		"\x01\x04\x00\x01\x00\x13\x00\x00" + "\x0e\x03REQUEST_METHODGET" + // PARAMS
		"\x01\x04\x00\x01\x00\x00\x00\x00" + "\x01\x05\x00\x01\x00\x00\x00\x00")) // their ends
	reply, _ := io.ReadAll(c) // the server closes the connection after the request
	for len(reply) >= 8 {
		typ, n, pad := reply[1], int(reply[4])<<8|int(reply[5]), int(reply[6])
		if typ == 6 { // FCGI_STDOUT
			fmt.Print(strings.ReplaceAll(string(reply[8:8+n]), "\r\n", "\n"))
		}
		reply = reply[8+n+pad:]
	}
	// Output:
	// Status: 200 OK
	// Content-Type: text/plain
	//
	// Hello from GET
}
