package wsgiref

import "github.com/gowsgi/wsgiref/headers"

// App is a WSGI application. ServeWSGI calls start once (or again with
// excInfo after an error) and returns the response body.
//
// A returned error, or a panic, is the Python exception of PEP 3333: the
// handler logs it and, if no header has been sent yet, answers with its
// error page. A nil Body with a nil error is an empty body.
type App interface {
	ServeWSGI(env *Environ, start StartResponse) (Body, error)
}

// AppFunc adapts an ordinary function to [App].
type AppFunc func(env *Environ, start StartResponse) (Body, error)

// ServeWSGI calls f(env, start).
func (f AppFunc) ServeWSGI(env *Environ, start StartResponse) (Body, error) {
	return f(env, start)
}

// StartResponse is PEP 3333's start_response: it records the status line
// ("200 OK") and the response headers, and returns the legacy write
// callable. Passing an excInfo error replaces headers that have not been
// sent; once they are sent, start_response returns that error again so the
// application stops.
//
// The handler keeps h, so an application may still edit the list until the
// first body block is written, as in Python.
type StartResponse func(status string, h headers.Headers, excInfo ...error) (Write, error)

// Write is the write callable that StartResponse returns: it sends data
// before the blocks of the returned body. Its error reports a failed write
// (for instance a client that went away).
type Write func(data []byte) error
