package wsgiutil

import (
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/hopbyhop"
)

// GuessScheme returns "https" when the HTTPS variable is "yes", "on" or
// "1", and "http" otherwise, as a CGI gateway tells TLS apart.
func GuessScheme(env *wsgiref.Environ) string {
	switch env.Get("HTTPS") {
	case "yes", "on", "1":
		return "https"
	}
	return "http"
}

// scheme is wsgi.url_scheme, or the guess when the server set none (Python
// raises KeyError there).
func scheme(env *wsgiref.Environ) string {
	if s, ok := env.Lookup(wsgiref.URLSchemeKey); ok {
		return s
	}
	return GuessScheme(env)
}

// authority is HTTP_HOST when it is set and not empty, else SERVER_NAME
// and, unless it is the scheme's default, SERVER_PORT. A missing
// SERVER_PORT adds no port; an empty one adds ":" as Python does.
func authority(env *wsgiref.Environ, scheme string) (host, port string, withPort bool) {
	if h := env.Get("HTTP_HOST"); h != "" {
		return h, "", false
	}
	port, ok := env.Lookup("SERVER_PORT")
	return env.Get("SERVER_NAME"), port, ok && port != defaultPort(scheme)
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// scriptName is SCRIPT_NAME, or "/" when it is empty or missing.
func scriptName(env *wsgiref.Environ) string {
	if s := env.Get("SCRIPT_NAME"); s != "" {
		return s
	}
	return "/"
}

// ApplicationURI returns the URL of the application's root: scheme, host,
// port when needed, and the quoted SCRIPT_NAME, without PATH_INFO or the
// query, as Python's application_uri does. It allocates only the result.
func ApplicationURI(env *wsgiref.Environ) string {
	s := scheme(env)
	host, port, withPort := authority(env, s)
	sn := scriptName(env)
	var b strings.Builder
	qsn := quotedLen(sn, &scriptSafe)
	b.Grow(appLen(s, host, port, withPort) + qsn)
	writeApp(&b, s, host, port, withPort)
	appendQuoted(&b, sn, &scriptSafe, qsn)
	return b.String()
}

// RequestURI returns the full URL of the request: [ApplicationURI], the
// quoted PATH_INFO and, when includeQuery is set and QUERY_STRING is not
// empty, "?" and the query as it is, as Python's request_uri does. It
// allocates only the result.
//
// PATH_INFO keeps "/", ";", "=" and "," unquoted, as in Python. When
// SCRIPT_NAME is empty, the first byte of the quoted PATH_INFO is dropped
// (it is the "/" that the application URI already ends with): Python drops
// it whatever it is, and so does RequestURI.
func RequestURI(env *wsgiref.Environ, includeQuery bool) string {
	s := scheme(env)
	host, port, withPort := authority(env, s)
	sn := scriptName(env)
	pi := env.Get("PATH_INFO")
	qpi := quotedLen(pi, &pathSafe)
	skip := 0
	if env.Get("SCRIPT_NAME") == "" {
		skip = min(1, qpi)
	}
	q := ""
	if includeQuery {
		q = env.Get("QUERY_STRING")
	}
	qsn := quotedLen(sn, &scriptSafe)
	n := appLen(s, host, port, withPort) + qsn + qpi - skip
	if q != "" {
		n += 1 + len(q)
	}
	var b strings.Builder
	b.Grow(n)
	writeApp(&b, s, host, port, withPort)
	appendQuoted(&b, sn, &scriptSafe, qsn)
	appendQuotedFrom(&b, pi, &pathSafe, qpi, skip)
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

func appLen(scheme, host, port string, withPort bool) int {
	n := len(scheme) + len("://") + len(host)
	if withPort {
		n += 1 + len(port)
	}
	return n
}

func writeApp(b *strings.Builder, scheme, host, port string, withPort bool) {
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if withPort {
		b.WriteByte(':')
		b.WriteString(port)
	}
}

// IsHopByHop reports whether a header name, in any case, is one of the
// eight hop-by-hop headers of RFC 2616 (Connection, Keep-Alive,
// Proxy-Authenticate, Proxy-Authorization, TE, Trailers, Transfer-Encoding,
// Upgrade) that a WSGI application must not send. It allocates nothing.
func IsHopByHop(name string) bool { return hopbyhop.Is(name) }
