package simpleserver

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/pyrepr"
)

// DemoApp is demo_app: a small but complete application that answers
// "Hello world!", a blank line, then every environ variable sorted by name
// as "KEY = value", text/plain in UTF-8. It shows that a server runs an
// application correctly, and what the application gets.
//
// String values print as Python's repr prints them ('GET', with the same
// quoting and escapes, Latin-1 characters as UTF-8), so the page reads as
// CPython's. The typed wsgi.* values print as Python values where there is
// one (True, (1, 0)) and as <Go type> where CPython prints an object.
var DemoApp wsgiref.App = wsgiref.AppFunc(demoApp)

func demoApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	type item struct{ key, value string }
	var items []item
	for k, v := range env.All() {
		items = append(items, item{k, pyrepr.String(v)})
	}
	typed := func(k, v string) {
		if !env.Has(k) {
			items = append(items, item{k, v})
		}
	}
	typed("wsgi.errors", objectRepr(env.Errors))
	typed("wsgi.input", objectRepr(env.Input))
	if env.FileWrapper != nil {
		typed("wsgi.file_wrapper", "<wsgiref.FileWrapperFunc>")
	} else {
		typed("wsgi.file_wrapper", "None")
	}
	typed("wsgi.multiprocess", pyBool(env.Multiprocess))
	typed("wsgi.multithread", pyBool(env.Multithread))
	typed("wsgi.run_once", pyBool(env.RunOnce))
	typed("wsgi.version", "("+strconv.Itoa(env.Version[0])+", "+strconv.Itoa(env.Version[1])+")")
	for k, v := range env.Extensions() {
		if s, ok := v.(string); ok {
			typed(k, pyrepr.String(s))
		} else {
			typed(k, objectRepr(v))
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	b := []byte("Hello world!\n\n")
	for _, it := range items {
		b = append(b, it.key...)
		b = append(b, " = "...)
		b = append(b, it.value...)
		b = append(b, '\n')
	}
	if _, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}); err != nil {
		return nil, err
	}
	return wsgiref.Blocks(b), nil
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func objectRepr(v any) string {
	if v == nil {
		return "None"
	}
	return fmt.Sprintf("<%T>", v)
}
