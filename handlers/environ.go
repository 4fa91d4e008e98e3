package handlers

import (
	"os"
	"strings"

	"github.com/gowsgi/wsgiref"
)

// ReadEnviron returns the process environment as a WSGI environ, with the
// variables that come from the request recovered as raw bytes, as CPython's
// read_environ.
func ReadEnviron() *wsgiref.Environ {
	env := &wsgiref.Environ{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env.Set(k, v)
	}
	return env
}
