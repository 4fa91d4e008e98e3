package routing

import (
	"strconv"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// The plain-text bodies of the answers a router gives itself.
const (
	notFoundBody         = "Not Found\n"
	methodNotAllowedBody = "Method Not Allowed\n"
)

// NotFound answers 404 with a short plain-text body. A generated router
// calls it when no route matches the path.
func NotFound(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	return plain(start, "404 Not Found", notFoundBody, "")
}

// MethodNotAllowed answers 405 with an Allow header listing allow, a
// comma-separated method list such as [Methods.Allow] builds.
func MethodNotAllowed(allow string, start wsgiref.StartResponse) (wsgiref.Body, error) {
	return plain(start, "405 Method Not Allowed", methodNotAllowedBody, allow)
}

// NotImplemented answers 501 for a route whose handler field was left nil,
// naming the field so the mistake is found at the first request.
func NotImplemented(field string, start wsgiref.StartResponse) (wsgiref.Body, error) {
	return plain(start, "501 Not Implemented", "Not Implemented: no handler for route "+field+"\n", "")
}

func plain(start wsgiref.StartResponse, status, body, allow string) (wsgiref.Body, error) {
	h := make(headers.Headers, 0, 3)
	h = append(h,
		headers.Field{Name: "Content-Type", Value: "text/plain; charset=utf-8"},
		headers.Field{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	if allow != "" {
		h = append(h, headers.Field{Name: "Allow", Value: allow})
	}
	if _, err := start(status, h); err != nil {
		return nil, err
	}
	return wsgiref.Strings(body), nil
}

// Methods is the method list of a generated router, in the order the
// Allow header lists them. Bit i of a [MethodSet] stands for Methods[i].
type Methods []string

// MethodSet is a set of methods of a router as a bit mask over its
// [Methods]; a router has at most 64 of them.
type MethodSet uint64

// Allow returns the Allow header value for set: the methods in list
// order, separated by ", " as RFC 9110 writes it.
func (m Methods) Allow(set MethodSet) string {
	var b strings.Builder
	for i, name := range m {
		if i < 64 && set&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name)
		}
	}
	return b.String()
}
