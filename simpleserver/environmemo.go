package simpleserver

import (
	"slices"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// A kept-alive client sends the same fields on request after request (the
// reader then hands out the same strings, see internal/http1's memo.go).
// What GetEnviron makes of the fields (CONTENT_TYPE, CONTENT_LENGTH, the
// HTTP_* variables, their order and joins) depends on nothing else but the
// connection's base: the server's base environ, SERVER_SOFTWARE,
// REMOTE_ADDR and the scheme, the same for all its requests. So the
// connection keeps an environ as GetEnviron built it; a request with the
// same fields gets a copy, and only its request line's four variables are
// set anew, in the places they hold.
//
// An absolute-form target is the exception: its authority stands in for
// the Host field's value. Such a request neither uses the memo nor is
// kept.

// environMemo is GetEnviron's result for a request of the connection, and
// the fields it was built from.
type environMemo struct {
	env    wsgiref.Environ
	fields headers.Headers
	ok     bool
	// first is what every request of the connection starts from,
	// whatever its fields: see start.
	first   wsgiref.Environ
	firstOK bool
	// firstKeys has the startBit of every key of first, and of
	// CONTENT_TYPE and CONTENT_LENGTH: see mayStart.
	firstKeys [4]uint64
}

// environMemo returns the connection's memo for r, or nil when r is not
// the connection's own (a RequestHandler changed its client address, TLS
// state or server): then the connection's base does not apply.
func (r *Request) environMemo() *environMemo {
	c := r.c
	if c == nil || r.Server != c.s || r.ClientAddress != c.raddr || r.TLS != c.tls {
		return nil
	}
	return &c.envMemo
}

// repeats reports whether fields are the memo's: the same names and
// values in the same order ("Host: h", "Accept: */*" after "Host: h",
// "Accept: */*"). Strings the reader reused compare by their pointers.
func (m *environMemo) repeats(fields headers.Headers) bool {
	return m.ok && slices.Equal(fields, m.fields)
}

// reuse fills env, which is empty, with the memo's environ and r's
// request line: SERVER_PROTOCOL, REQUEST_METHOD, PATH_INFO and
// QUERY_STRING, in their places.
func (m *environMemo) reuse(r *Request, env *wsgiref.Environ) {
	env.CopyFrom(&m.env)
	pathInfo, query := requestPath(r)
	env.Set("SERVER_PROTOCOL", r.RequestVersion)
	env.Set("REQUEST_METHOD", r.Command)
	env.Set("PATH_INFO", pathInfo)
	env.Set("QUERY_STRING", query)
}

// start fills env, which is empty, with the variables every request of
// the connection has before its fields: the base, then setStart's (the
// caller sets the request line's four anew, in their places).
// Apart from the request line they depend on the connection alone, so a
// request whose fields differ from the one before (no memo) copies them
// whole instead of setting SERVER_SOFTWARE, REMOTE_ADDR and CONTENT_TYPE
// one key at a time; the copy is made on the connection's first such
// request.
func (m *environMemo) start(r *Request, env *wsgiref.Environ) {
	if !m.firstOK {
		m.first.CopyFrom(&r.Server.base)
		setStart(r, &m.first)
		m.firstOK = true
		m.firstKeys = [4]uint64{}
		for _, k := range append(m.first.Keys(), "CONTENT_TYPE", "CONTENT_LENGTH") {
			w, bit := startBit(k)
			m.firstKeys[w] |= bit
		}
	}
	env.CopyFrom(&m.first)
}

// mayStart reports whether key may be one of the variables a fresh
// environ holds before GetEnviron's loop over the fields: those of first,
// CONTENT_TYPE and CONTENT_LENGTH. It is false for most fields' bare keys
// ("USER_AGENT" of HTTP_USER_AGENT), which then cost GetEnviron no lookup
// in the environ; true is checked there by one. Valid once firstOK.
func (m *environMemo) mayStart(key string) bool {
	w, bit := startBit(key)
	return m.firstKeys[w]&bit != 0
}

// startBit is key's bit of 256 in environMemo.firstKeys: a multiplicative
// hash of its length, last and middle bytes. The start's dozen keys leave
// most of the bits clear; a false hit costs one lookup.
func startBit(key string) (word int, bit uint64) {
	n := len(key)
	x := uint32(n) << 16
	if n > 0 {
		x |= uint32(key[n-1]) | uint32(key[n>>1])<<8
	}
	b := x * 0x9E3779B1 >> 24
	return int(b >> 6), 1 << (b & 63)
}

// keep makes env, just built from fields and the connection's base
// alone, the memo. GetEnviron keeps an environ only when its fields
// repeat the previous request's (the reader saw the same field section
// twice in a row): a client whose every request differs costs no copy,
// one that repeats itself misses once.
func (m *environMemo) keep(fields headers.Headers, env *wsgiref.Environ) {
	m.ok = true
	m.env.CopyFrom(env)
	m.fields = append(m.fields[:0], fields...)
}

// reset drops the memo, for a new connection.
func (m *environMemo) reset() {
	m.ok = false
	m.env.Reset()
	m.firstOK = false
	m.first.Reset()
	clear(m.fields)
	m.fields = m.fields[:0]
}
