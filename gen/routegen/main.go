// Command routegen compiles a route file into a WSGI router: Go source
// holding a nested switch on path segments that dispatches a
// wsgiref.Environ to the application of each route.
//
//	go get -tool github.com/gowsgi/wsgiref/gen/routegen
//	go tool routegen -in routes.txt -out router_gen.go -pkg api
//
// or, in a file of package api:
//
//	//go:generate go tool routegen -in routes.txt -out router_gen.go -pkg api
//
// As a tool of the module (Go's tool directive), the command builds from
// the module's own requirements and go.sum; the README's recipe shows the
// setup from a clone before the module is published.
//
// The route file has one route a line, "#" starting a comment:
//
//	METHOD /path/with/:param/and/*rest [Handler]
//
// METHOD is an HTTP method (case-sensitive) or ANY, which serves every
// method the other routes of the same path leave. A ":name" segment matches
// one non-empty path segment and captures it; a "*name" last segment
// matches whatever is left of the path, even nothing, and mounts the
// route's application there: it sees SCRIPT_NAME up to the mount point and
// the rest in PATH_INFO, as WSGI wants. A trailing slash is part of the
// route: "/x" and "/x/" are two routes. Handler names the field of the
// generated Handlers struct that serves the route; without one, a name is
// derived from the method and the path (GET /repos/:owner becomes
// GetReposByOwner). Routes may share a handler only by naming it.
//
// The router walks the path with wsgiutil.ShiftPathInfo's semantics (see
// the routing package) and tries, at each segment, the static route, then
// the parameter, then the catch-all, going back to the next alternative
// when a branch leads nowhere; the first route whose method matches wins
// (GET serves HEAD when there is no HEAD route; ANY serves what the others
// leave). A path no route matches answers 404; a path whose routes take
// other methods answers 405 with an Allow header listing them. PATH_INFO
// "" (the mount point itself, for a router mounted under "*rest") has no
// segment and matches no route but a root catch-all "/*rest".
//
// The generated file declares Handlers (one wsgiref.App field per handler),
// Router (a wsgiref.App) and NewRouter, and Routes (the table of routes);
// -name Foo prefixes them (FooHandlers, FooRouter, NewFooRouter, FooRoutes)
// so that several routers can live in one package. The generated code
// imports only the wsgiref module and the routing package.
//
// A malformed line, a duplicate route, or parameters named differently at
// the same position are reported as file:line: message, every one of them,
// and the command exits with status 1 without writing anything.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run is the command with its arguments, returning the exit status.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("routegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "route file to read")
	out := fs.String("out", "", "Go file to write")
	pkg := fs.String("pkg", "", "package name of the Go file")
	name := fs.String("name", "", "prefix of the generated names (default Router, Handlers, NewRouter, Routes)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *in == "" || *out == "" || *pkg == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: routegen -in routes.txt -out router_gen.go -pkg name [-name Prefix]")
		return 2
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(stderr, "routegen:", err)
		return 1
	}
	code, err := generate(config{pkg: *pkg, name: *name, source: filepath.Base(*in)}, string(src))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fmt.Fprintln(stderr, "routegen:", err)
		return 1
	}
	return 0
}
