package wsgiref_test

import (
	"fmt"
	"io"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
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

	env := wsgiref.NewEnviron("REQUEST_METHOD", "GET", "PATH_INFO", "/", "QUERY_STRING", "Gopher")
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

// NewEnviron builds an environ from alternating names and values, as
// headers.New builds a header list; a repeated name keeps its first place
// and its last value.
func ExampleNewEnviron() {
	env := wsgiref.NewEnviron(
		"REQUEST_METHOD", "GET",
		"PATH_INFO", "/users/42",
		"REQUEST_METHOD", "HEAD",
	)
	for k, v := range env.All() {
		fmt.Printf("%s=%q\n", k, v)
	}
	// Output:
	// REQUEST_METHOD="HEAD"
	// PATH_INFO="/users/42"
}

// Keys returns a snapshot, so the loop may delete what it finds.
func ExampleEnviron_Keys() {
	env := wsgiref.NewEnviron(
		"HTTP_HOST", "example.org",
		"HTTP_X_FORWARDED_FOR", "203.0.113.7",
		"HTTP_X_FORWARDED_PROTO", "https",
	)
	for _, k := range env.Keys() {
		if strings.HasPrefix(k, "HTTP_X_FORWARDED_") {
			env.Del(k)
		}
	}
	fmt.Println(env.Keys())
	// Output:
	// [HTTP_HOST]
}

// A server keeps a base environ and copies it into each request's pooled
// environ before adding the request's variables.
func ExampleEnviron_CopyFrom() {
	base := wsgiref.NewEnviron("SERVER_NAME", "localhost", "SCRIPT_NAME", "")
	var env wsgiref.Environ
	for _, path := range []string{"/a", "/b"} {
		env.Reset()
		env.CopyFrom(base)
		env.Set("PATH_INFO", path)
		fmt.Println(env.Keys(), env.Get("PATH_INFO"))
	}
	fmt.Println(base.Len())
	// Output:
	// [SERVER_NAME SCRIPT_NAME PATH_INFO] /a
	// [SERVER_NAME SCRIPT_NAME PATH_INFO] /b
	// 2
}

// A reader joins repeated header fields, as CPython's request handler
// does: the first of a name sets the variable, a repeat appends to it.
func ExampleEnviron_LookupOrSet() {
	env := wsgiref.NewEnviron()
	for _, f := range [][2]string{{"HTTP_ACCEPT", "a"}, {"HTTP_DNT", "1"}, {"HTTP_ACCEPT", "b"}} {
		if old, present := env.LookupOrSet(f[0], f[1]); present {
			env.Set(f[0], old+","+f[1])
		}
	}
	for k, v := range env.All() {
		fmt.Println(k, v)
	}
	// Output:
	// HTTP_ACCEPT a,b
	// HTTP_DNT 1
}

// An application answers from a page built once, through the environ's own
// body: no allocation per request, and the one block gets its
// Content-Length. Here a CGI-style handler writes the response.
func ExampleEnviron_Blocks() {
	page := []byte("Hello world!\n")
	fields := headers.New("Content-Type", "text/plain")
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if _, err := start("200 OK", fields); err != nil {
			return nil, err
		}
		return env.Blocks(page), nil
	})

	var out strings.Builder
	env := wsgiref.NewEnviron("REQUEST_METHOD", "GET", "SERVER_PROTOCOL", "HTTP/1.1")
	h := handlers.NewBaseCGIHandler(strings.NewReader(""), &out, io.Discard, env, false, false)
	if err := h.Run(app); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// Status: 200 OK
	// Content-Type: text/plain
	// Content-Length: 13
	//
	// Hello world!
}
