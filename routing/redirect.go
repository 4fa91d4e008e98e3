package routing

import (
	"strconv"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// Slash is what a router's walk found about the trailing slash of a path
// that matched no route: that a route of the method matches it with the
// slash added or removed. Only routers generated with -redirect-slash
// look.
type Slash uint8

const (
	SlashNone Slash = iota // no route matches the path with its slash changed
	SlashAdd               // a route matches the path with a trailing slash added
	SlashDrop              // a route matches the path without its trailing slash
)

// RedirectSlash answers a request whose path matches no route but would
// with its trailing slash added (SlashAdd) or removed (SlashDrop): the
// RedirectTrailingSlash option of a generated router, after httprouter's.
// GET and HEAD get 301 Moved Permanently; any other method gets 308
// Permanent Redirect, which tells the client to repeat the method and the
// body (a 301 lets it turn a POST into a GET). Location is the path under
// SCRIPT_NAME, quoted as wsgiutil.RequestURI quotes it, with the query:
//
//	GET /app/users/?page=2  (SCRIPT_NAME "/app", PATH_INFO "/users/")
//	301 Moved Permanently, Location: /app/users?page=2
//
// Removing the slash removes every trailing slash, so "/users//" goes to
// "/users" in one redirect.
func RedirectSlash(env *wsgiref.Environ, start wsgiref.StartResponse, method string, fix Slash) (wsgiref.Body, error) {
	path := env.Get("SCRIPT_NAME") + env.Get("PATH_INFO")
	if fix == SlashAdd {
		path += "/"
	} else {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	// A path starting "//" would name another host in Location.
	if strings.HasPrefix(path, "//") {
		path = "/" + strings.TrimLeft(path, "/")
	}
	loc := wsgiutil.Quote(path, "/;=,")
	if q := env.Get("QUERY_STRING"); q != "" {
		loc += "?" + q
	}
	status := "308 Permanent Redirect"
	if method == "GET" || method == "HEAD" {
		status = "301 Moved Permanently"
	}
	body := status[4:] + "\n"
	h := headers.New("Content-Type", "text/plain; charset=utf-8", "Content-Length", strconv.Itoa(len(body)), "Location", loc)
	if _, err := start(status, h); err != nil {
		return nil, err
	}
	return wsgiref.Strings(body), nil
}
