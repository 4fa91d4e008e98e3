// Package cgikey turns request header names into CGI environ keys
// (User-Agent -> HTTP_USER_AGENT, Content-Type -> CONTENT_TYPE), as
// WSGIRequestHandler.get_environ does, from a generated table for the
// common names.
package cgikey

import "strings"

//go:generate go run ../../gen/tablegen -table cgikey -out cgikey_gen.go

// Key returns the environ key of a header name. Names in net/http's
// canonical form that the table knows cost nothing; any other name is
// upper-cased with dashes turned to underscores and prefixed with HTTP_,
// which allocates the key.
func Key(name string) string {
	if k, ok := known[name]; ok {
		return k
	}
	k := "HTTP_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	if k == "HTTP_CONTENT_TYPE" || k == "HTTP_CONTENT_LENGTH" {
		return k[len("HTTP_"):]
	}
	return k
}
