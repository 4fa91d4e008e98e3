// Package benchmarks compares the wsgiref module with its peers side by
// side. It is a module of its own so that the peers (fasthttp, httprouter,
// chi) never enter the library's dependencies.
package benchmarks

import _ "github.com/gowsgi/wsgiref"
