// Command routegen compiles a route file into a WSGI router: Go source
// holding a nested switch on path segments that dispatches a
// wsgiref.Environ to the application of each route, and a typed builder
// of each route's path.
//
//	go get -tool github.com/gowsgi/wsgiref/gen/routegen
//	go tool routegen -in routes.txt -out router_gen.go -pkg api
//	go tool routegen -h    # the route-file grammar and the naming rules
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
// GetReposByOwner). Routes may share a handler only by naming it. A static
// segment is written as in a URL and matches the decoded PATH_INFO:
// "/a%20b" matches a request for /a%20b, whose PATH_INFO holds "a b".
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
// Router (a wsgiref.App) and NewRouter, Routes (the table of routes), and
// for each route PathX (its path from its parameter values) and URLX (the
// absolute URL under the environ's application root); -name Foo prefixes
// them (FooHandlers, FooRouter, NewFooRouter, FooRoutes, FooPathX) so that
// several routers can live in one package. With -redirect-slash, a path
// that matches no route of its method but would with its trailing slash
// added or removed is redirected (301 for GET and HEAD, 308 otherwise),
// as httprouter's RedirectTrailingSlash does; it is off by default,
// because WSGI keeps "/x" and "/x/" apart. The generated code
// imports only the wsgiref module and the routing package.
//
// The router has one of two shapes, chosen with -shape (default auto).
// The switch tree (-shape switch) writes the walk out as nested switches,
// the fastest walk and the shape of a small file; before it walks, it
// compares the whole PATH_INFO with the paths of the static routes (up to
// 128 of them) in one switch and serves a match at once. A big file's switch
// tree costs the compiler milliseconds per route, so from 500 routes
// the router is a routing.Table (-shape table): the same tree as data,
// one line a node, walked by routing.Table.Serve with the same decisions,
// and compiled in no time at any size.
//
// A malformed line, a duplicate route, or parameters named differently at
// the same position are reported as file:line: message, every one of them,
// and the command exits with status 1 without writing anything.
package main

import (
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usage is what -h prints before the flags.
const usage = `usage: routegen -in routes.txt -out router_gen.go -pkg name [-name Prefix] [-redirect-slash] [-shape auto|switch|table]

routegen compiles a route file into a WSGI router (Go source) and a typed
path builder per route.

Route file: one route a line; "#" starts a comment; blank lines are ignored.

	line    = METHOD SP path [SP Handler]
	METHOD  = an HTTP method, case-sensitive ("GET", "PROPFIND"), or ANY
	path    = "/" segment *( "/" segment )
	segment = static | ":" name | "*" name       ; "*name" last only
	static  = URL path characters, %XX escapes; "" is a trailing slash
	name    = letter or "_", then letters, digits, "_"
	Handler = an exported Go identifier

	GET    /repos/:owner/:repo           a parameter matches one non-empty segment
	ANY    /static/*file       Static    a catch-all mounts Static at /static
	GET    /a%20b                        matches PATH_INFO "/a b"
	GET    /x                            "/x" and "/x/" are two routes

ANY serves every method the other routes of the same path leave; GET also
serves HEAD when there is no HEAD route. A static segment is decoded as a
server decodes the request path, so it must not hold "?", "#", an escaped
"/", a bad "%" escape, or decode to "", "." or "..".

Handler names: without a Handler, one is derived from the method and the
path: the method in title case, each static segment in CamelCase (words
split at anything but ASCII letters and digits), "By" before a parameter,
"Star" before a catch-all, Root for "/" and Slash for a trailing slash. The
initialisms Go spells in capitals stay capital: ID, SHA, API, URL, HTTP,
JSON, UUID...:

	GET /repos/:owner/:repo/git/commits/:sha   GetReposByOwnerByRepoGitCommitsBySHA
	DELETE /user/keys/:id                      DeleteUserKeysByID
	GET /applications/:client_id               GetApplicationsByClientID

A route with a non-ASCII static segment must name its handler. Two routes
may share a handler only by naming it. Builders are PathH and URLH for the
route of handler H (a shared handler's routes use their derived names).

Every problem of a route file is reported as file:line: message, and
nothing is written.

Flags:
`

// run is the command with its arguments, returning the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("routegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(fs.Output(), usage)
		fs.PrintDefaults()
	}
	in := fs.String("in", "", "route file to read")
	out := fs.String("out", "", `Go file to write, "-" for standard output`)
	pkg := fs.String("pkg", "", "package name of the Go file")
	name := fs.String("name", "", "prefix of the generated names (default Router, Handlers, NewRouter, Routes)")
	redirect := fs.Bool("redirect-slash", false, "redirect a path that matches only with its trailing slash added or removed (301 GET/HEAD, 308 otherwise)")
	shape := fs.String("shape", "auto", "the router's shape: switch (nested switches, the faster walk), table (a routing.Table, compiles in no time), auto (table from 500 routes)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	if *in == "" || *out == "" || *pkg == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: routegen -in routes.txt -out router_gen.go -pkg name [-name Prefix] [-redirect-slash] [-shape auto|switch|table] (routegen -h for more)")
		return 2
	}
	shapes := map[string]string{"auto": shapeAuto, "switch": shapeSwitch, "table": shapeTable}
	sh, ok := shapes[*shape]
	if !ok {
		fmt.Fprintf(stderr, "routegen: -shape %q is not auto, switch or table\n", *shape)
		return 2
	}
	if msg := checkNames(*pkg, *name); msg != "" {
		fmt.Fprintln(stderr, "routegen:", msg)
		return 2
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(stderr, "routegen:", err)
		return 1
	}
	code, err := generate(config{pkg: *pkg, name: *name, source: filepath.Base(*in), redirectSlash: *redirect, shape: sh}, string(src))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *out == "-" {
		_, err = stdout.Write(code)
	} else {
		err = os.WriteFile(*out, code, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "routegen:", err)
		return 1
	}
	return 0
}

// checkNames returns what is wrong with -pkg and -name, in one line, or
// "".
func checkNames(pkg, name string) string {
	switch {
	case !token.IsIdentifier(pkg) || pkg == "_":
		return fmt.Sprintf("-pkg %q is not a Go package name: letters, digits and _, not starting with a digit, not a keyword", pkg)
	case name != "" && (!token.IsIdentifier(name) || !token.IsExported(name)):
		return fmt.Sprintf("-name %q is not an exported Go identifier: it prefixes exported names (-name Github gives GithubRouter)", name)
	}
	return ""
}
