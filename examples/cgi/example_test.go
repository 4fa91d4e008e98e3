package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// The application as a CGI host sees it: environ in, "Status:" response out.
func Example() {
	env := &wsgiref.Environ{}
	env.Set("REQUEST_METHOD", "GET")
	env.Set("PATH_INFO", "/stream")
	var out bytes.Buffer
	handlers.NewBaseCGIHandler(strings.NewReader(""), &out, io.Discard, env, false, true).Run(wsgiref.AppFunc(app))
	fmt.Printf("%q\n", out.String())
	// Output: "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\none\ntwo\nthree\n"
}
