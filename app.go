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
// What is sent is the fields as passed: the handler keeps a copy of h, so
// edits of the list after the call (Add, Set, Del, a field changed in
// place) are never sent. This differs from CPython, where edits of the
// Headers object count until the first body byte: a Go slice passed by
// value would see some edits and not others depending on its spare
// capacity. To change the headers, call start_response again with
// excInfo before the first body byte.
type StartResponse func(status string, h headers.Headers, excInfo ...error) (Write, error)

// Write is the write callable that StartResponse returns: it sends data
// before the blocks of the returned body. Its error reports a failed write
// (for instance a client that went away).
type Write func(data []byte) error
