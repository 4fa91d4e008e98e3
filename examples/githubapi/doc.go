// Package githubapi is the GitHub REST API's 203 routes (routes.txt, the
// table routers are traditionally benchmarked on) compiled by routegen into
// a WSGI router. router_gen.go is generated; edit routes.txt and run
// go generate.
package githubapi

//go:generate go run github.com/gowsgi/wsgiref/gen/routegen -in routes.txt -out router_gen.go -pkg githubapi
