// Package benchmarks compares the wsgiref module with its peers side by
// side: net/http, fasthttp, CPython's own wsgiref and werkzeug. It is a
// module of its own so that the peers (fasthttp, httprouter, chi) never
// enter the library's dependencies.
//
// The micro-benchmarks live in this package's tests (go test -bench .
// -benchmem); the load driver is package [github.com/gowsgi/wsgiref/benchmarks/load];
// go run ./cmd/report runs everything and rewrites README.md and chart.svg.
//
// Every contender reads the same inputs, from testdata/fixtures.json,
// which the CPython timeit script reads too.
package benchmarks
