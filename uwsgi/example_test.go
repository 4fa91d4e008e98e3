package uwsgi_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/uwsgi"
)

// A uwsgi server on a loopback port, and the packet nginx's uwsgi_pass
// would send it, written by hand: a four-byte header, then the variables
// as length-prefixed strings.
func ExampleServe() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("Hello from ", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), "\n"), nil
	})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go uwsgi.Serve(l, app)

	var vars []byte
	for _, s := range []string{"REQUEST_METHOD", "GET", "SCRIPT_NAME", "/app", "PATH_INFO", "/hello"} {
		vars = binary.LittleEndian.AppendUint16(vars, uint16(len(s)))
		vars = append(vars, s...)
	}
	packet := binary.LittleEndian.AppendUint16([]byte{0}, uint16(len(vars)))
	packet = append(append(packet, 0), vars...)

	c, _ := net.Dial("tcp", l.Addr().String())
	c.Write(packet)
	resp, _ := io.ReadAll(c)
	fmt.Printf("%q\n", resp)
	// Output:
	// "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nHello from /app/hello\n"
}
