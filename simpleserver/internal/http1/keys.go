package http1

import "github.com/gowsgi/wsgiref/internal/cgikey"

// maxCachedKeys bounds the names a connection's key cache holds: a client
// sending ever new names costs an allocation per new name past it, and no
// memory.
const maxCachedKeys = 256

// keyCache maps field names the generated table does not know, as sent,
// to their CGI keys, so that a name costs one allocation the first time a
// connection's Reader sees it and none after.
type keyCache struct {
	m map[string]string
}

// key returns the CGI environ key of a field name: "X-Trace" gives
// "HTTP_X_TRACE", "content-type" "CONTENT_TYPE".
func (c *keyCache) key(name []byte) string {
	if k, ok := cgikey.FoldKey(name); ok {
		return k
	}
	if k, ok := c.m[string(name)]; ok {
		return k
	}
	k := cgikey.ComputeBytes(name)
	if c.m == nil {
		c.m = make(map[string]string)
	}
	if len(c.m) < maxCachedKeys {
		c.m[string(name)] = k
	}
	return k
}
