package uwsgi

import (
	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// parseVars adds the variables of a packet's data to env and returns
// CONTENT_LENGTH (0 when absent or empty):
//
//	data = *( keysize key valsize value )
//	keysize, valsize = 2OCTET ; uint16, little-endian
//
// "\x0e\x00CONTENT_LENGTH\x02\x0042" gives CONTENT_LENGTH "42" and 42. The
// data becomes one string and every name and value is a slice of it: one
// allocation per request.
func parseVars(data []byte, env *wsgiref.Environ) (int64, error) {
	s := string(data)
	for s != "" {
		name, rest, ok := cutString(s)
		if !ok || name == "" {
			return 0, ErrMalformedVars
		}
		value, rest, ok := cutString(rest)
		if !ok {
			return 0, ErrMalformedVars
		}
		s = rest
		if !gateway.AddVar(env, name, value) {
			return 0, ErrDuplicateLength
		}
	}
	return gateway.ParseContentLength(env.Get("CONTENT_LENGTH"))
}

// cutString cuts a uint16-prefixed string off the front of s.
func cutString(s string) (str, rest string, ok bool) {
	if len(s) < 2 {
		return "", "", false
	}
	n := int(s[0]) | int(s[1])<<8
	if len(s)-2 < n {
		return "", "", false
	}
	return s[2 : 2+n], s[2+n:], true
}
