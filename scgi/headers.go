package scgi

import (
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// parseHeaders adds the variables of a netstring's data to env and returns
// CONTENT_LENGTH:
//
//	headers = 1*( name NUL value NUL )   ; CONTENT_LENGTH first, SCGI "1"
//
// "CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00" gives 27
// and the three variables, in that order. The data becomes one string and
// every name and value is a slice of it: one allocation per request.
func parseHeaders(data []byte, env *wsgiref.Environ) (int64, error) {
	s := string(data)
	first, scgi := true, false
	for s != "" {
		name, value, rest, ok := cutPair(s)
		if !ok {
			return 0, ErrMalformedHeaders
		}
		s = rest
		if first && name != "CONTENT_LENGTH" {
			return 0, ErrNoContentLength
		}
		first = false
		if name == "SCGI" {
			scgi = value == "1"
		}
		if !gateway.AddVar(env, name, value) {
			return 0, ErrDuplicateLength
		}
	}
	if first {
		return 0, ErrNoContentLength
	}
	if !scgi {
		return 0, ErrNotSCGI
	}
	length := env.Get("CONTENT_LENGTH")
	if length == "" {
		return 0, ErrBadContentLength
	}
	return gateway.ParseContentLength(length)
}

// cutPair cuts "name\x00value\x00rest" into its parts; ok is false when a
// NUL is missing or the name is empty.
func cutPair(s string) (name, value, rest string, ok bool) {
	name, rest, ok = strings.Cut(s, "\x00")
	if !ok || name == "" {
		return "", "", "", false
	}
	value, rest, ok = strings.Cut(rest, "\x00")
	return name, value, rest, ok
}
