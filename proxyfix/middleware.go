package proxyfix

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Middleware is an application behind reverse proxies: it fixes the
// environ from the trusted forwarding fields (see [Middleware.Fix]), then
// calls the application it wraps.
type Middleware struct {
	app wsgiref.App
	cfg Config
}

// New wraps app. It returns an error matching [ErrConfig] when cfg cannot
// work: a negative count, or both Forwarded and X-Forwarded-* trusted.
// A Config of zero counts trusts nothing and only removes forwarding
// fields.
func New(app wsgiref.App, cfg Config) (*Middleware, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg.Proxies = slices.Clone(cfg.Proxies)
	return &Middleware{app: app, cfg: cfg}, nil
}

// ServeWSGI fixes env and calls the application. A malformed trusted
// field is answered with 400 Bad Request, and its [FieldError] logged to
// wsgi.errors, without calling the application.
func (m *Middleware) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	err := m.Fix(env)
	if err == nil {
		return m.app.ServeWSGI(env, start)
	}
	if env.Errors != nil {
		fmt.Fprintf(env.Errors, "%v\n", err)
	}
	msg := "Bad Request: malformed forwarding field\n"
	if fe := (*FieldError)(nil); errors.As(err, &fe) {
		msg = "Bad Request: malformed " + fe.Field + " field\n"
	}
	h := headers.New("Content-Type", "text/plain; charset=utf-8", "Content-Length", strconv.Itoa(len(msg)))
	if _, err := start("400 Bad Request", h); err != nil {
		return nil, err
	}
	return wsgiref.Strings(msg), nil
}
