package http1

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
// read from them. It keeps the spans, not the Fields made of them: a head
// that repeats the section gets its Fields cut from raw again (the same
// strings, no bytes copied), so that a head that does not repeat it costs
// no copy of its Fields and Keys into the memo. Nor could the memo share
// the Head's: a RequestHandler may edit Request.Headers in place.
type fieldsMemo struct {
	raw string
	// spans locate the field lines in raw, with their keys; they are
	// also the next head's guesses of its names (see Reader.field).
	spans []span
	// longest is the length of the longest field line, for the limit.
	longest int
	framing Framing
}

// fits reports whether the limits let the memo's field section through.
func (m *fieldsMemo) fits(lim Limits) bool {
	return len(m.spans) <= lim.MaxFields && m.longest <= lim.MaxFieldLine && len(m.raw) <= lim.MaxHeaderBytes
}

// keep makes h's field section, raw, the memo, with its spans, the
// longest line and the framing read from them. It takes spans; the spans
// it held before are returned for the Reader to reuse.
func (m *fieldsMemo) keep(h *Head, raw string, spans []span, longest int) (old []span) {
	old = m.spans
	m.raw, m.spans, m.longest = raw, spans, longest
	m.framing = h.Framing
	return old[:0]
}

// reuse fills h's fields from the memo.
func (m *fieldsMemo) reuse(h *Head) {
	h.appendFields(m.raw, m.spans)
	h.Framing = m.framing
}
