// Package benchmarks compares the wsgiref module with its peers side by
// side: net/http, fasthttp, CPython's own wsgiref and werkzeug. It is a
// module of its own so that the peers (fasthttp, httprouter, chi) never
// enter the library's dependencies.
//
// The layout:
//
//   - this package's tests: the Go micro-benchmarks (headers, environ,
//     URIs, a 64 MiB file), each with a test that runs every contender
//     once and checks they all give the same answer;
//   - testdata/fixtures.json: the inputs every contender reads, Go and
//     Python alike ([Load]);
//   - python/: the CPython timeit script and the Python hello servers;
//   - [github.com/gowsgi/wsgiref/benchmarks/load]: the load driver;
//   - cmd/hello: the Go hello servers, one process each;
//   - cmd/report: the one command, which runs all of it and writes
//     README.md, chart.svg and results.json.
package benchmarks
