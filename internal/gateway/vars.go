package gateway

import (
	"strings"

	"github.com/gowsgi/wsgiref"
)

// AddVar adds one variable of a request's block to env, as both protocols
// read a repeated one. nginx sends a parameter twice when a location sets
// one its include already set: for HTTP_* names the values are joined
// with ",", as CGI joins headers; for the others the later wins, as in
// flup's and uWSGI's dicts. A second CONTENT_LENGTH puts the body's
// framing in doubt: AddVar reports false, and the protocol refuses the
// request.
//
//	PATH_INFO "/a", then PATH_INFO "/b"    -> PATH_INFO "/b"
//	HTTP_X_A "1", then HTTP_X_A "2"        -> HTTP_X_A "1,2"
//	CONTENT_LENGTH "0", then again "5"     -> false
func AddVar(env *wsgiref.Environ, name, value string) bool {
	// One scan: SetDefault adds a new name, and a name already there
	// leaves the count unchanged.
	n := env.Len()
	if env.SetDefault(name, value); env.Len() != n {
		return true
	}
	switch {
	case name == "CONTENT_LENGTH":
		return false
	case strings.HasPrefix(name, "HTTP_"):
		env.Set(name, env.Get(name)+","+value)
	default:
		env.Set(name, value)
	}
	return true
}
