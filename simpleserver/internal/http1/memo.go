package http1

import "github.com/gowsgi/wsgiref/headers"

// A kept-alive client sends much the same head on every request of a
// connection: the same fields with the same values, often the same request
// line. The Reader keeps what it parsed of the last head, as strings it
// handed out already; a line or a field section that arrives byte for
// byte as it did then is neither parsed nor copied again. Parsing is a
// function of the bytes (and of the limits, checked again), so a repeated
// part means what it meant the first time.

// lineMemo is the last request line parsed, and its parts.
type lineMemo struct {
	line, method, target, version string
	major, minor                  int
	// targetOK is set once the target passed checkTarget with this
	// method.
	targetOK bool
}

// fieldsMemo is the last field section parsed: its bytes, from the first
// field line through the empty line that ends the head, and what was
// read from them.
type fieldsMemo struct {
	raw string
	// spans locate the field lines in raw; they are also the next head's
	// guesses of its names (see Reader.field).
	spans []span
	// longest is the length of the longest field line, for the limit.
	longest int
	fields  headers.Headers
	keys    []string
	framing Framing
}

// fits reports whether the limits let the memo's field section through.
func (m *fieldsMemo) fits(lim Limits) bool {
	return len(m.spans) <= lim.MaxFields && m.longest <= lim.MaxFieldLine && len(m.raw) <= lim.MaxHeaderBytes
}

// keep makes h's field section, raw, the memo, with the spans, the
// longest line and the facts it was read with. It takes spans; the spans
// it held before are returned for the Reader to reuse.
func (m *fieldsMemo) keep(h *Head, raw string, spans []span, longest int) (old []span) {
	old = m.spans
	m.raw, m.spans, m.longest = raw, spans, longest
	m.fields = append(m.fields[:0], h.Fields...)
	m.keys = append(m.keys[:0], h.Keys...)
	m.framing = h.Framing
	return old[:0]
}

// reuse fills h's fields from the memo.
func (m *fieldsMemo) reuse(h *Head) {
	h.Fields = append(h.Fields, m.fields...)
	h.Keys = append(h.Keys, m.keys...)
	h.Framing = m.framing
}
