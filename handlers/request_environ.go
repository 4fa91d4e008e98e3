package handlers

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/cgikey"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// ServerInfo is what a server knows about itself when it builds a request
// environ: the base variables CPython's WSGIServer.setup_environ computes
// once per server.
type ServerInfo struct {
	// Name is SERVER_NAME; CPython uses socket.getfqdn of the bound host.
	Name string
	// Port is SERVER_PORT, in decimal.
	Port string
	// Software is SERVER_SOFTWARE. CPython's simple server puts its bare
	// version here ("WSGIServer/0.2"), not the longer Server header value.
	Software string
}

// DefaultContentType is CONTENT_TYPE for a request without a Content-Type
// header: CPython's get_environ falls back to email.message's default,
// text/plain.
const DefaultContentType = "text/plain"

// RequestEnviron fills env with the CGI variables of r the way CPython's
// WSGIServer.setup_environ and WSGIRequestHandler.get_environ build them, so
// an application sees the same environ under this module's servers as under
// wsgiref.simple_server. It adds to what env already holds (a server copies
// its base environ in first) and sets, in this order: SERVER_NAME,
// GATEWAY_INTERFACE, SERVER_PORT, REMOTE_HOST, CONTENT_LENGTH, SCRIPT_NAME,
// SERVER_PROTOCOL, SERVER_SOFTWARE, REQUEST_METHOD, PATH_INFO, QUERY_STRING,
// REMOTE_ADDR, CONTENT_TYPE, the HTTP_* variables, and wsgi.url_scheme.
// The first six are the base variables: one already in env keeps its value
// (a base environ's SERVER_NAME "custom.example" or REMOTE_HOST stays), except
// that a request's Content-Length replaces CONTENT_LENGTH and the mount
// point is appended to SCRIPT_NAME.
//
// Under net/http the application's mount point becomes SCRIPT_NAME and
// the rest of the path PATH_INFO: a handler registered with
// mux.Handle("/app/", h), or wrapped in http.StripPrefix("/app", h), gives
// SCRIPT_NAME "/app" and PATH_INFO "/x/y" for "/app/x/y" (r.Pattern and the
// difference between r.RequestURI and r.URL tell the mount point; see
// [HTTPHandler] for patterns with wildcards and for both at once). A
// request served directly has SCRIPT_NAME "" and the whole path in
// PATH_INFO.
//
// The rules, each CPython's:
//   - PATH_INFO is the request-target before the first '?', percent-decoded
//     to raw bytes ("/\x80%80" gives "/\x80\x80"); invalid escapes stay as
//     they are, and leading slashes collapse to one (CPython's gh-87389 guard
//     against open redirects). QUERY_STRING is the rest, raw.
//   - CONTENT_TYPE falls back to "text/plain"; CONTENT_LENGTH is the header
//     value when non-empty, else the base "".
//   - A header becomes HTTP_NAME (upper case, '-' to '_'), stripped of
//     surrounding whitespace; repeated headers join with ",". A header whose
//     bare key is already in the environ is skipped: Content-Type and
//     Content-Length, but also e.g. "Server-Name" or "Path-Info", so a client
//     cannot overwrite a server variable.
//
// Where CPython is weak, this does what RFC 9112 asks: a request-target in
// absolute form ("GET http://example.org/p HTTP/1.1", as sent to proxies)
// gives PATH_INFO "/p" and HTTP_HOST "example.org", not PATH_INFO
// "http://example.org/p". And the leading slashes collapse again after
// decoding: CPython turns "/%2F%2Fevil.example" into PATH_INFO
// "///evil.example", which its own gh-87389 guard meant to prevent.
//
// Where Go's request carries more than CPython's, the extra is kept: the
// Host that net/http's server moves out of r.Header becomes HTTP_HOST; a
// chunked request has no CONTENT_LENGTH (its length is unknown) and its
// Transfer-Encoding shows as HTTP_TRANSFER_ENCODING; under TLS
// wsgi.url_scheme is "https" and HTTPS is "on", as CGI servers set it, so
// wsgiutil.GuessScheme agrees. env.Input is set to r.Body.
//
// http.Header is a map, so the wire order of the headers is lost; the HTTP_*
// variables follow the sorted header names, the same on every request.
//
// Known header names cost no allocation (their keys come from a generated
// table) and values are substrings of the request, so a pooled environ
// refills without allocating for a common request; a percent escape in the
// path, a repeated header or an unknown header name allocates the new
// string.
func RequestEnviron(env *wsgiref.Environ, r *http.Request, srv ServerInfo) {
	// The base variables, setup_environ's: a server's base environ copied
	// in first keeps its values, as CPython's get_environ starts from
	// base_environ.copy() and leaves these keys alone.
	env.SetDefault("SERVER_NAME", srv.Name)
	env.SetDefault("GATEWAY_INTERFACE", "CGI/1.1")
	env.SetDefault("SERVER_PORT", srv.Port)
	env.SetDefault("REMOTE_HOST", "")
	env.SetDefault("CONTENT_LENGTH", "")
	env.SetDefault("SCRIPT_NAME", "")

	env.Set("SERVER_PROTOCOL", r.Proto)
	env.Set("SERVER_SOFTWARE", srv.Software)
	env.Set("REQUEST_METHOD", r.Method)
	path, query := wsgiutil.SplitTarget(requestTarget(r))
	if n := mountLength(r, path); n > 0 {
		env.Set("SCRIPT_NAME", env.Get("SCRIPT_NAME")+wsgiutil.Unquote(path[:n]))
		path = path[n:]
	}
	pathInfo, _ := wsgiutil.PathInfo(path)
	env.Set("PATH_INFO", pathInfo)
	env.Set("QUERY_STRING", query)
	env.Set("REMOTE_ADDR", remoteIP(r.RemoteAddr))

	if ct, ok := first(r.Header, "Content-Type"); ok {
		env.Set("CONTENT_TYPE", ct)
	} else {
		env.Set("CONTENT_TYPE", DefaultContentType)
	}
	if cl, _ := first(r.Header, "Content-Length"); cl != "" {
		env.Set("CONTENT_LENGTH", cl)
	}

	if _, ok := r.Header["Host"]; !ok && r.Host != "" {
		addHeader(env, "Host", r.Host)
	}
	names := sortedNames(r.Header)
	for _, name := range *names {
		for _, v := range r.Header[name] {
			addHeader(env, name, v)
		}
	}
	putNames(names)
	if len(r.TransferEncoding) > 0 {
		for _, te := range r.TransferEncoding {
			addHeader(env, "Transfer-Encoding", te)
		}
		if r.TransferEncoding[0] == "chunked" {
			env.Del("CONTENT_LENGTH")
		}
	}

	if r.TLS != nil {
		env.Set("HTTPS", "on")
		env.Set(wsgiref.URLSchemeKey, "https")
	} else {
		env.Set(wsgiref.URLSchemeKey, "http")
	}
	if r.Body != nil {
		env.Input = r.Body
	}
}

// addHeader is one turn of get_environ's header loop.
func addHeader(env *wsgiref.Environ, name, value string) {
	key := cgikey.Key(name)
	bare := key
	if key != "CONTENT_TYPE" && key != "CONTENT_LENGTH" {
		bare = key[len("HTTP_"):]
	}
	if env.Has(bare) {
		return
	}
	value = wsgiutil.Strip(value)
	// One scan for the common case, a header seen once: SetDefault appends
	// it; the length tells whether the key was there already.
	n := env.Len()
	if old := env.SetDefault(key, value); env.Len() == n {
		env.Set(key, old+","+value)
	}
}

// first returns the first value of a header in canonical form.
func first(h http.Header, name string) (string, bool) {
	if v := h[name]; len(v) > 0 {
		return v[0], true
	}
	return "", false
}

// requestTarget returns the request-target as it came on the request line.
// A request that did not come through http.ReadRequest (a client request,
// a test) has no RequestURI; its URL stands in.
func requestTarget(r *http.Request) string {
	if t := r.RequestURI; t != "" {
		if t[0] != '/' && t != "*" && r.URL != nil && r.URL.Scheme != "" {
			return originForm(t)
		}
		return t
	}
	if r.URL != nil {
		return r.URL.RequestURI()
	}
	return "/"
}

// originForm returns the path and query of an absolute-form target
// ("http://host/p?q" gives "/p?q"), raw as the client sent them. CPython
// puts the whole URI into PATH_INFO; RFC 9112 section 3.2.2 has an origin
// server use the target's path and its authority as the host, which is
// what net/http's r.Host already holds.
func originForm(target string) string {
	_, rest, _ := strings.Cut(target, "://")
	i := strings.IndexAny(rest, "/?")
	switch {
	case i < 0:
		return "/"
	case rest[i] == '?':
		return "/" + rest[i:]
	}
	return rest[i:]
}

// remoteIP returns the host part of a "host:port" address, which is what
// CPython's client_address[0] holds; an address without a port is returned
// as it is.
func remoteIP(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// namesPool recycles the slices that order the header names, so sorting
// costs no allocation in steady state.
var namesPool = sync.Pool{New: func() any { s := make([]string, 0, 16); return &s }}

func sortedNames(h http.Header) *[]string {
	p := namesPool.Get().(*[]string)
	names := (*p)[:0]
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	*p = names
	return p
}

func putNames(p *[]string) {
	clear(*p)
	*p = (*p)[:0]
	namesPool.Put(p)
}
