package wsgiref_test

import (
	"fmt"
	"io"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// A WSGI application in Go: it reads the environ, calls start_response with
// a status and headers, and returns its body as blocks. Here a tiny server
// loop stands in for a real one, which would write to a socket.
func Example() {
	hello := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		name := env.Get("QUERY_STRING")
		if name == "" {
			name = "world"
		}
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain; charset=utf-8")); err != nil {
			return nil, err
		}
		return wsgiref.Strings("Hello, ", name, "!\n"), nil
	})

	env := new(wsgiref.Environ)
	env.Set("REQUEST_METHOD", "GET")
	env.Set("PATH_INFO", "/")
	env.Set("QUERY_STRING", "Gopher")
	env.Version = [2]int{1, 0}
	env.Input = strings.NewReader("")

	var status string
	var hs headers.Headers
	start := func(s string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
		status, hs = s, h
		return func([]byte) error { return nil }, nil
	}
	body, err := hello.ServeWSGI(env, start)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(status, hs.Get("Content-Type"))
	for {
		block, err := body.Next()
		if err == io.EOF {
			break
		}
		fmt.Print(string(block))
	}
	// Output:
	// 200 OK text/plain; charset=utf-8
	// Hello, Gopher!
}

// Environ keeps presence apart from emptiness and iterates in insertion
// order; wsgi.* values are typed fields, other extensions any value.
func ExampleEnviron() {
	var env wsgiref.Environ
	env.Set("REQUEST_METHOD", "GET")
	env.Set("QUERY_STRING", "")
	env.SetDefault("REQUEST_METHOD", "POST") // already there: kept
	env.SetExtension("wsgiorg.routing_args", []string{"42"})

	_, hasQuery := env.Lookup("QUERY_STRING")
	_, hasCookie := env.Lookup("HTTP_COOKIE")
	fmt.Println(hasQuery, hasCookie)
	for k, v := range env.All() {
		fmt.Printf("%s=%q\n", k, v)
	}
	args, _ := env.Extension("wsgiorg.routing_args")
	fmt.Println(args)
	// Output:
	// true false
	// REQUEST_METHOD="GET"
	// QUERY_STRING=""
	// [42]
}

// SetScriptPath splits one path between SCRIPT_NAME and PATH_INFO without
// copying; ScriptPath joins them back without allocating.
func ExampleEnviron_SetScriptPath() {
	var env wsgiref.Environ
	env.SetScriptPath("/api/users/42", 4)
	fmt.Printf("%q %q\n", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
	path, i := env.ScriptPath()
	fmt.Println(path, i)
	// Output:
	// "/api" "/users/42"
	// /api/users/42 4
}
