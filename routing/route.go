package routing

import wsgiref "github.com/gowsgi/wsgiref"

// Route describes one route of a generated router, as its route file
// declared it. Generated code lists its routes in a []Route, for
// documentation, tests and tools that print a route table.
type Route struct {
	Method  string // an HTTP method, or "ANY"
	Path    string // the route path, "/repos/:owner/:repo" or "/static/*rest"
	Handler string // the field of the Handlers struct that serves it
	Line    int    // the line of the route file
	// Pattern is how the route's path is built from its parameter
	// values: what the route's generated builders call.
	Pattern *Pattern
}

// Serve calls h, the application of the route in the field named field,
// or answers 501 Not Implemented when the field was left nil. Generated
// routers call it once the environ is committed.
func Serve(h wsgiref.App, field string, env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if h == nil {
		return NotImplemented(field, start)
	}
	return h.ServeWSGI(env, start)
}
