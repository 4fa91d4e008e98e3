package wsgiutil_test

import (
	"fmt"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// A router descends one path segment at a time; each level sees the
// SCRIPT_NAME and PATH_INFO a mounted WSGI application expects.
func ExampleShiftPathInfo() {
	env := wsgiref.NewEnviron("SCRIPT_NAME", "/api", "PATH_INFO", "/users//42/./")
	for {
		name, ok := wsgiutil.ShiftPathInfo(env)
		if !ok {
			break
		}
		fmt.Printf("%q  SCRIPT_NAME=%q PATH_INFO=%q\n", name, env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
	}
	// Output:
	// "users"  SCRIPT_NAME="/api/users" PATH_INFO="/42/"
	// "42"  SCRIPT_NAME="/api/users/42" PATH_INFO="/"
	// ""  SCRIPT_NAME="/api/users/42/" PATH_INFO=""
}

func ExampleRequestURI() {
	env := wsgiref.NewEnviron("SCRIPT_NAME", "/spammity", "PATH_INFO", "/sp\xe4m;v=1", "QUERY_STRING", "say=ni")
	wsgiutil.SetupTestingDefaults(env)
	fmt.Println(wsgiutil.ApplicationURI(env))
	fmt.Println(wsgiutil.RequestURI(env, true))
	fmt.Println(wsgiutil.RequestURI(env, false))
	// Output:
	// http://127.0.0.1/spammity
	// http://127.0.0.1/spammity/sp%E4m;v=1?say=ni
	// http://127.0.0.1/spammity/sp%E4m;v=1
}

func ExampleSetupTestingDefaults() {
	env := wsgiref.NewEnviron("HTTPS", "on")
	wsgiutil.SetupTestingDefaults(env)
	for k, v := range env.All() {
		fmt.Printf("%s=%q\n", k, v)
	}
	fmt.Println(env.Version)
	// Output:
	// HTTPS="on"
	// SERVER_NAME="127.0.0.1"
	// SERVER_PROTOCOL="HTTP/1.0"
	// HTTP_HOST="127.0.0.1"
	// REQUEST_METHOD="GET"
	// SCRIPT_NAME=""
	// PATH_INFO="/"
	// wsgi.url_scheme="https"
	// SERVER_PORT="443"
	// [1 0]
}

func ExampleIsHopByHop() {
	for _, name := range []string{"Content-Type", "Keep-Alive", "TRANSFER-ENCODING", "Trailer"} {
		fmt.Println(name, wsgiutil.IsHopByHop(name))
	}
	// Output:
	// Content-Type false
	// Keep-Alive true
	// TRANSFER-ENCODING true
	// Trailer false
}

// A server checks the request-target before building PATH_INFO: an escaped
// CR, LF or NUL in the path is refused, one in the query string is the
// application's business.
func ExamplePathHasControl() {
	for _, target := range []string{"/docs/a%20b", "/a%0d%0aSet-Cookie:%20x", "/search?q=%0a"} {
		fmt.Println(target, wsgiutil.PathHasControl(target))
	}
	// Output:
	// /docs/a%20b false
	// /a%0d%0aSet-Cookie:%20x true
	// /search?q=%0a false
}

// PATH_INFO and QUERY_STRING of a request-target, as CPython's
// WSGIRequestHandler computes them.
func ExamplePathInfo() {
	for _, target := range []string{"/a%20b?x=1", "//evil.example/?q", "/%2F%2Fevil.example"} {
		path, query := wsgiutil.PathInfo(target)
		fmt.Printf("%q %q\n", path, query)
	}
	// Output:
	// "/a b" "x=1"
	// "/evil.example/" "q"
	// "/evil.example" ""
}
