package simpleserver

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"strings"
	"unsafe"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/cgikey"
	"github.com/gowsgi/wsgiref/simpleserver/internal/http1"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// RequestHandler serves the requests of a connection: the Go form of
// CPython's WSGIRequestHandler, whose documented customisation points are
// these three methods. To change one, embed [WSGIRequestHandler] and
// override it; the server calls the methods through the interface, so the
// default Handle uses an overridden GetEnviron or GetStderr.
//
// A RequestHandler is shared by all connections and must be safe for
// concurrent use.
type RequestHandler interface {
	// GetEnviron fills env, which is empty, with the CGI variables of the
	// request: the server's base environ, then what the request says.
	GetEnviron(r *Request, env *wsgiref.Environ)
	// GetStderr returns wsgi.errors for the request.
	GetStderr(r *Request) io.Writer
	// Handle runs the application for the request and writes the response.
	// A non-nil error closes the connection.
	Handle(r *Request) error
}

// Request is one request read from its connection: what a CPython request
// handler holds in self after parse_request. It is valid during Handle
// only; the server reuses it, and its Headers slice, for the connection's
// next request. Its strings never alias a reused buffer (a copy of the
// head, or the previous request's strings for the same bytes) and may be
// kept.
type Request struct {
	// Command is the method, "GET" (CPython's command).
	Command string
	// Path is the request-target as sent, "/a%20b?x=1" (CPython's path).
	Path string
	// RequestVersion is the version as sent, "HTTP/1.1"
	// (request_version); HTTP/1.2 and later 1.x minors are served as
	// HTTP/1.1 and keep their version here and in SERVER_PROTOCOL.
	RequestVersion string
	// RequestLine is the request line without its CRLF (requestline).
	RequestLine string
	// ClientAddress is the client's address (client_address).
	ClientAddress net.Addr
	// Headers are the request's field lines in wire order, names as sent,
	// values without surrounding whitespace (headers).
	Headers headers.Headers
	// TLS is the connection's TLS state, nil without TLS.
	TLS *tls.ConnectionState
	// Server is the server the request came to.
	Server *WSGIServer
	// Conn is the client connection. Write to it only from a Handle that
	// does not call the default one.
	Conn net.Conn

	c         *conn
	keys      []string // the CGI key of each of Headers, from the reader
	minor     int
	keepAlive bool
	reusable  bool
	status    string
	bytesSent int64
}

// KeepAlive reports whether the connection may serve another request after
// this one (HTTP/1.1, no "Connection: close", server not shutting down).
func (r *Request) KeepAlive() bool { return r.keepAlive }

// Handler returns the response writer of the connection, for a Handle that
// wraps the default one and wants to know what was sent (Status,
// BytesSent) or to adjust its fields before calling it.
func (r *Request) Handler() *handlers.Handler { return r.c.h }

// WSGIRequestHandler is the default [RequestHandler], CPython's
// WSGIRequestHandler. Its zero value is ready to use; embed it to override
// one method.
type WSGIRequestHandler struct{}

// GetEnviron copies the server's base environ into env, then adds the
// request's variables as CPython's WSGIRequestHandler.get_environ does,
// byte for byte: SERVER_PROTOCOL, SERVER_SOFTWARE, REQUEST_METHOD,
// PATH_INFO (percent-decoded, see [wsgiutil.PathInfo]), QUERY_STRING,
// REMOTE_ADDR, CONTENT_TYPE (text/plain without the field), CONTENT_LENGTH
// (when the field is not empty), then one HTTP_* variable per field name
// in wire order, repeated fields joined with "," in wire order, and a field
// whose bare key is already set (Content-Type, or "Server-Name" against
// SERVER_NAME) skipped. Under TLS, HTTPS is "on" and wsgi.url_scheme
// "https".
//
// Two deliberate differences from CPython: a field name containing "_" is
// dropped unless [WithUnderscoreFields] is given, since "X_Forwarded_For"
// would alias "X-Forwarded-For" (gunicorn, nginx and Django's runserver
// drop them too); and an absolute-form target ("GET http://h/p") gives
// the URI's path as PATH_INFO and its host as the value of HTTP_HOST (in
// the Host field's place), as RFC 9112 section 3.2.2 asks, where CPython
// puts the whole URI in PATH_INFO.
func (WSGIRequestHandler) GetEnviron(r *Request, env *wsgiref.Environ) {
	s := r.Server
	host, absolute := http1.Authority(r.Path)
	m := r.environMemo()
	fresh := env.Len() == 0
	if m != nil && fresh && !absolute && m.repeats(r.Headers) {
		m.reuse(r, env)
		return
	}
	ct, ctOK, cl := r.contentFields()
	switch {
	case m != nil && fresh && !absolute:
		// The start every request of the connection shares, copied
		// whole; then the request line's variables in their places.
		m.start(r, env)
		setRequestLine(r, env)
	case fresh:
		// One copy of the base's list and index, no key hashed.
		env.CopyFrom(&s.base)
		setStart(r, env)
	default:
		for k, v := range s.base.All() {
			env.Set(k, v)
		}
		setStart(r, env)
	}
	if ctOK {
		env.Set("CONTENT_TYPE", ct)
	}
	if cl != "" {
		env.Set("CONTENT_LENGTH", cl)
	}
	// CPython's loop: a field whose bare key is set is skipped; the first
	// of a name sets HTTP_NAME; a repeat appends ","+value. The repeats
	// are joined after the loop, all in one string, so that a name sent n
	// times costs one allocation and n values' bytes, not n copies.
	var repeats []int
	if r.c != nil {
		repeats = r.c.repeats[:0]
	}
	keepUnderscore := s.cfg.underscoreFields
	// In a fresh environ the bare keys present before the loop are the
	// start's (m.mayStart), and the loop adds only HTTP_* ones: a bare
	// key that is neither is absent without a lookup.
	startKnown := m != nil && fresh && m.firstOK
	// last is the key of the last field that reached the environ: a
	// field of the same key right after it (a name sent several times in
	// a row) is a repeat without a lookup, as nothing was set between,
	// where the lookup would scan the environ for each.
	last := ""
	for i, f := range r.Headers {
		if !keepUnderscore && strings.IndexByte(f.Name, '_') >= 0 {
			continue
		}
		key := r.key(i)
		// The same string, not only equal bytes: the reader hands out
		// one string per key (its table's or its cache's), and keys of
		// one length that differ (HTTP_X_FIELD_1, HTTP_X_FIELD_2) then
		// cost no comparison of their bytes. Equal keys in two strings
		// take the lookup below, which finds the repeat as well.
		if sameString(key, last) {
			repeats = append(repeats, i)
			continue
		}
		bare := key
		if key != "CONTENT_TYPE" && key != "CONTENT_LENGTH" {
			bare = key[len("HTTP_"):]
		}
		if (!startKnown || m.mayStart(bare) || strings.HasPrefix(bare, "HTTP_")) && env.Has(bare) {
			continue
		}
		if _, present := env.LookupOrSet(key, r.fieldValue(i, host, absolute)); present {
			repeats = append(repeats, i)
		}
		last = key
	}
	if len(repeats) > 0 {
		r.joinRepeats(env, repeats)
	}
	if r.c != nil {
		r.c.repeats = repeats[:0]
	}
	if r.TLS != nil {
		env.Set("HTTPS", "on")
		env.Set(wsgiref.URLSchemeKey, "https")
	} else {
		env.Set(wsgiref.URLSchemeKey, "http")
	}
	if m != nil && fresh && !absolute && r.c.head.FieldsRepeated {
		// Fields sent twice in a row are likely sent again.
		m.keep(r.Headers, env)
	}
}

// setStart sets the variables that come after the base and before the
// fields, in CPython's order: SERVER_PROTOCOL, SERVER_SOFTWARE,
// REQUEST_METHOD, PATH_INFO, QUERY_STRING, REMOTE_ADDR and CONTENT_TYPE,
// the last as text/plain (a Content-Type field's value replaces it in its
// place).
func setStart(r *Request, env *wsgiref.Environ) {
	pathInfo, query := requestPath(r)
	env.Set("SERVER_PROTOCOL", r.RequestVersion)
	env.Set("SERVER_SOFTWARE", r.Server.info.Software)
	env.Set("REQUEST_METHOD", r.Command)
	env.Set("PATH_INFO", pathInfo)
	env.Set("QUERY_STRING", query)
	env.Set("REMOTE_ADDR", clientIP(r))
	env.Set("CONTENT_TYPE", handlers.DefaultContentType)
}

// requestPath returns PATH_INFO and QUERY_STRING of r's target:
// "/a%20b?x=1" gives "/a b" and "x=1".
func requestPath(r *Request) (pathInfo, query string) {
	if t := r.Path; t != "" && t[0] == '/' {
		// The origin form: PathInfo splits off the query itself.
		return wsgiutil.PathInfo(t)
	}
	path, query := http1.PathQuery(r.Path)
	pathInfo, _ = wsgiutil.PathInfo(path)
	return pathInfo, query
}

// setRequestLine sets the variables of r's request line in the places
// env has for them: SERVER_PROTOCOL, REQUEST_METHOD, PATH_INFO and
// QUERY_STRING.
func setRequestLine(r *Request, env *wsgiref.Environ) {
	pathInfo, query := requestPath(r)
	env.Set("SERVER_PROTOCOL", r.RequestVersion)
	env.Set("REQUEST_METHOD", r.Command)
	env.Set("PATH_INFO", pathInfo)
	env.Set("QUERY_STRING", query)
}

// contentFields returns the values of the first Content-Type field (and
// whether there is one) and of the first Content-Length field, as
// r.Headers.Lookup("Content-Type") and Get("Content-Length") do. With the
// reader's keys it compares interned keys, not every name in any case:
// only "Content-Type" and "Content_Type" (any case) have the key
// CONTENT_TYPE, and the '-' tells them apart.
func (r *Request) contentFields() (ct string, ctOK bool, cl string) {
	if len(r.keys) != len(r.Headers) {
		ct, ctOK = r.Headers.Lookup("Content-Type")
		return ct, ctOK, r.Headers.Get("Content-Length")
	}
	clOK := false
	for i, key := range r.keys {
		switch {
		case !ctOK && key == "CONTENT_TYPE" && r.Headers[i].Name[len("Content")] == '-':
			ct, ctOK = r.Headers[i].Value, true
		case !clOK && key == "CONTENT_LENGTH" && r.Headers[i].Name[len("Content")] == '-':
			cl, clOK = r.Headers[i].Value, true
		}
	}
	return ct, ctOK, cl
}

// fieldValue is the environ value of r.Headers[i]: stripped as
// str.strip() does; for Host under an absolute-form target, the target's
// authority (RFC 9112 section 3.2.2), which the caller passes as host
// (absolute is false for any other form).
func (r *Request) fieldValue(i int, host string, absolute bool) string {
	if absolute && r.key(i) == "HTTP_HOST" {
		return host
	}
	return wsgiutil.Strip(r.Headers[i].Value)
}

// joinRepeats appends the values of the repeated fields (the indices in
// repeats, in wire order) to their keys' values with ",", as CPython's
// env['HTTP_'+k] += ','+v, building every joined value in one string. The
// repeats of a key are chained in wire order (next), so that each repeat
// is visited once to find its key's chain and once to be written.
//
// For example, with X-A: 1, X-B: 2, X-A: 3, X-B: 4, X-A: 5 the repeats are
// fields 2, 3 and 4; the chains are HTTP_X_A: 2, 4 and HTTP_X_B: 3, and
// the joined string "1,3,5" "2,4" gives HTTP_X_A=1,3,5 and HTTP_X_B=2,4.
func (r *Request) joinRepeats(env *wsgiref.Environ, repeats []int) {
	host, absolute := http1.Authority(r.Path)
	var sc *joinScratch
	if r.c != nil {
		// The connection's scratch: a head with many repeated names
		// costs nothing more after the first.
		sc = &r.c.join
	} else {
		sc = new(joinScratch)
	}
	sc.reset()
	size := 0
	for j, i := range repeats {
		key := r.key(i)
		g := len(sc.keys) - 1
		// The last key first: a name sent many times is often sent in a
		// row.
		if g < 0 || !sameString(sc.keys[g], key) {
			g = sc.group(key)
		}
		if g < 0 {
			g = len(sc.keys)
			old := env.Get(key)
			sc.keys, sc.olds, sc.first, sc.last = append(sc.keys, key), append(sc.olds, old), append(sc.first, j), append(sc.last, j)
			sc.place(key, g)
			size += len(old)
		} else {
			sc.next[sc.last[g]] = j
			sc.last[g] = j
		}
		v := r.fieldValue(i, host, absolute)
		sc.next, sc.values = append(sc.next, -1), append(sc.values, v)
		size += 1 + len(v)
	}
	var b strings.Builder
	b.Grow(size)
	start := 0
	for g, key := range sc.keys {
		b.WriteString(sc.olds[g])
		for j := sc.first[g]; j >= 0; j = sc.next[j] {
			b.WriteByte(',')
			b.WriteString(sc.values[j])
		}
		// The builder's string so far: its bytes are final.
		env.Set(key, b.String()[start:])
		start = b.Len()
	}
	clear(sc.keys)
	clear(sc.olds)
	clear(sc.values)
}

// joinScratch is what joinRepeats reuses: the distinct keys, the value
// each held before the join, the first and last repeat of each, and each
// repeat's next of the same key (-1 at the end of a chain) and value,
// repeats as indices into joinRepeats' repeats. slots finds a key's
// group (see group).
type joinScratch struct {
	keys, olds        []string
	first, last, next []int
	values            []string
	slots             []int32
}

// reset empties sc for a request's repeats.
func (sc *joinScratch) reset() {
	sc.keys, sc.olds, sc.first, sc.last, sc.next, sc.values = sc.keys[:0], sc.olds[:0], sc.first[:0], sc.last[:0], sc.next[:0], sc.values[:0]
	if len(sc.slots) == 0 {
		sc.slots = make([]int32, 64)
	} else {
		clear(sc.slots)
	}
}

// group returns the index in sc.keys of key, or -1. The reader hands out
// one string per key, so a key is first looked for by its string's
// address, in slots (open addressing: each slot holds a group plus one,
// 0 when empty), in constant time however many names repeat; a miss is
// confirmed by comparing the bytes of every key, once per new group (an
// equal key in another string, from a RequestHandler's fields, joins the
// same group).
func (sc *joinScratch) group(key string) int {
	mask := uint32(len(sc.slots) - 1)
	for s := slotHash(key) & mask; sc.slots[s] != 0; s = (s + 1) & mask {
		if g := int(sc.slots[s] - 1); sameString(sc.keys[g], key) {
			return g
		}
	}
	return slices.Index(sc.keys, key)
}

// place records that key's string is group g's, doubling slots to keep
// them at most half full.
func (sc *joinScratch) place(key string, g int) {
	if 2*(len(sc.keys)+1) > len(sc.slots) {
		sc.slots = make([]int32, 2*len(sc.slots))
		for h, k := range sc.keys[:g] {
			sc.setSlot(k, h)
		}
	}
	sc.setSlot(key, g)
}

// setSlot puts g in the first empty slot from key's home.
func (sc *joinScratch) setSlot(key string, g int) {
	mask := uint32(len(sc.slots) - 1)
	s := slotHash(key) & mask
	for sc.slots[s] != 0 {
		s = (s + 1) & mask
	}
	sc.slots[s] = int32(g + 1)
}

// slotHash is a multiplicative hash of the address of key's bytes.
func slotHash(key string) uint32 {
	return uint32(uint64(uintptr(unsafe.Pointer(unsafe.StringData(key)))) * 0x9E3779B97F4A7C15 >> 32)
}

// sameString reports whether a and b are the same string: the same
// length and the same bytes' address, a sufficient condition for a == b.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// key returns the CGI key of r.Headers[i]: the reader's, unless a
// RequestHandler changed the fields.
func (r *Request) key(i int) string {
	if len(r.keys) == len(r.Headers) && i < len(r.keys) {
		return r.keys[i]
	}
	return cgikey.Key(r.Headers[i].Name)
}

// clientIP is REMOTE_ADDR, CPython's client_address[0]: the host of the
// client's address, computed once per connection.
func clientIP(r *Request) string {
	if r.c != nil && r.ClientAddress == r.c.rwc.RemoteAddr() {
		return r.c.remoteIP
	}
	if r.ClientAddress == nil {
		return ""
	}
	return hostOf(r.ClientAddress.String())
}

// hostOf returns the host of a "host:port" address ("[::1]:80" gives
// "::1"), or the address itself when it has no port (a Unix socket's).
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// GetStderr returns the server's wsgi.errors ([WithErrors]), os.Stderr by
// default.
func (WSGIRequestHandler) GetStderr(r *Request) io.Writer { return r.Server.cfg.stderr }

// Handle builds the environ through the server's RequestHandler, runs the
// server's application with the connection's [handlers.Handler] and logs
// the response, as CPython's handle runs a ServerHandler.
func (WSGIRequestHandler) Handle(r *Request) error {
	c, s := r.c, r.Server
	h := c.h
	h.Reset()
	// The environ is filled in place, in the handler's own: nothing is
	// copied per request.
	env := h.Env()
	s.cfg.handler.GetEnviron(r, env)
	h.Stdin = &c.in
	h.Stdout = &c.out
	h.Stderr = s.cfg.handler.GetStderr(r)
	h.Environ = env
	h.OSEnviron = s.cfg.osEnviron
	h.Multithread, h.Multiprocess, h.RunOnce = true, false, false
	h.OriginServer = true
	h.HTTPVersion = "1.0"
	if r.minor >= 1 {
		h.HTTPVersion = "1.1"
	}
	h.ServerSoftware = s.info.Software
	h.KeepAlive = r.keepAlive
	h.EnvironComplete = s.cfg.ownEnviron
	if s.cfg.fileWrapper != nil {
		h.FileWrapper = *s.cfg.fileWrapper
	}
	err := h.Run(s.GetApp())
	r.reusable = err == nil && h.Reusable()
	r.status = h.Status()
	r.bytesSent = h.BytesSent()
	s.logRequest(r)
	return err
}
