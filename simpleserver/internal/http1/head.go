package http1

import (
	"bytes"
	"io"

	"github.com/gowsgi/wsgiref/headers"
)

// Head is a request head as the reader found it: the request line and the
// field lines in wire order, with what they mean for framing. Every string
// is the request's own: a copy of the head's bytes, or the same string the
// connection's previous request got for the same bytes (see memo.go).
type Head struct {
	// Line is the request line without its CRLF (CPython's requestline).
	// On an error it holds what arrived of it, for the log.
	Line string
	// Method, Target and Version are the three parts of the request line:
	// "GET", "/p?q", "HTTP/1.1".
	Method, Target, Version string
	// Major and Minor are the version's digits; HTTP/1.2 and later minors
	// are served as HTTP/1.1 (RFC 9110 section 6.2).
	Major, Minor int
	// Fields are the field lines in wire order, values without the
	// surrounding whitespace (OWS).
	Fields headers.Headers
	// Keys holds the CGI environ key of each field (Keys[i] for
	// Fields[i]): "HTTP_USER_AGENT", "CONTENT_TYPE".
	Keys []string

	// Framing is what the fields say about the body and the connection.
	Framing

	// FieldsRepeated is set when the field section was the previous
	// head's, byte for byte: Fields holds that head's strings.
	FieldsRepeated bool

	// Started is set once any byte of the request arrived: a timeout
	// before it is an idle connection, after it a slow client.
	Started bool

	// sp1 and sp2 are where the request line's spaces are, for cutLine.
	sp1, sp2 int
}

// Framing is what a head's fields mean for the body and the connection.
type Framing struct {
	// ContentLength is the body length; -1 without a Content-Length.
	ContentLength int64
	// Chunked is set for "Transfer-Encoding: chunked".
	Chunked bool
	// Close is set when a Connection field has the "close" option.
	Close bool
	// Expect is the Expect field's value; Expects counts Expect fields.
	Expect  string
	Expects int
	// HasHost is set when the head has a Host field.
	HasHost bool

	// lengths, codings and hosts count the Content-Length,
	// Transfer-Encoding and Host fields.
	lengths, codings, hosts int
}

// span locates one field line in its field section: the name and the
// value (whitespace trimmed), as offsets from the section's start.
type span struct {
	name0, name1, val0, val1 int32
	key                      string
}

// reset empties h for the next request, keeping its slices' storage.
// The storage is not cleared: ReadHead overwrites it, and what it still
// holds meanwhile are strings the Reader's memo keeps anyway.
func (h *Head) reset() {
	// Field by field: a composite literal is built aside and copied in
	// whole, with a write barrier for each of its pointers while the
	// collector runs.
	h.Line, h.Method, h.Target, h.Version = "", "", "", ""
	h.Major, h.Minor = 0, 0
	h.Fields, h.Keys = h.Fields[:0], h.Keys[:0]
	h.Framing = Framing{ContentLength: -1}
	h.FieldsRepeated, h.Started = false, false
	h.sp1, h.sp2 = 0, 0
}

// ReadHead reads the next request head into h: the request line, the
// field lines up to the empty line, then the checks of what they mean
// together (framing, Host, the target). Empty lines before the request
// line are skipped (RFC 9112 section 2.2). For
//
//	GET /a%20b?x=1 HTTP/1.1\r\n
//	Host: example.org\r\n
//	X-Id: 7\r\n
//	\r\n
//
// h gets Method "GET", Target "/a%20b?x=1", Version "HTTP/1.1", and Fields
// [{Host example.org} {X-Id 7}] with Keys [HTTP_HOST HTTP_X_ID]. The bytes
// are read where they lie in the buffer and copied at most once, into a
// block shared with the connection's other heads (see arena.go); a request
// line or field section that repeats the previous head's is not copied,
// nor parsed again (see memo.go).
//
// An error is an *Error (a refused request, to be answered and the
// connection closed), io.EOF when the connection closed before a request
// began, io.ErrUnexpectedEOF when it closed inside one, or the
// connection's read error.
func (b *Reader) ReadHead(h *Head, lim Limits) error {
	h.reset()
	lim = lim.orDefault()
	if err := b.skipEmptyLines(); err != nil {
		if err != io.EOF || b.r != b.w {
			h.Started = true
		}
		return err
	}
	h.Started = true
	lineEnd, sameLine, err := b.readRequestLine(h, lim)
	if err != nil {
		return err
	}
	fs := lineEnd + 2 // the field section's start, from b.r
	end := 0          // the head's end, past the empty line
	sameFields, err := b.repeatsFields(h, lim, fs)
	if err != nil {
		return err
	}
	if sameFields {
		end = fs + len(b.fields.raw)
	} else if end, err = b.readFields(h, lim, lineEnd); err != nil {
		return err
	}
	data := b.buf[b.r : b.r+end]
	b.r += end
	var raw string // the copy of a new field section
	switch {
	case !sameLine && !sameFields:
		head := b.arena.copy(data)
		b.cutLine(h, head[:lineEnd])
		raw = head[fs:]
	case !sameLine:
		b.cutLine(h, b.arena.copy(data[:lineEnd]))
	case !sameFields:
		raw = b.arena.copy(data[fs:])
	}
	if sameFields {
		h.FieldsRepeated = true
		b.fields.reuse(h)
		return h.judge(&b.line)
	}
	h.appendFields(raw, b.spans)
	if err := h.scanFields(); err != nil {
		return err
	}
	b.spans = b.fields.keep(h, raw, b.spans, b.longest)
	return h.judge(&b.line)
}

// appendFields appends the fields that spans locate in raw, a copied
// field section, to h.Fields, and their keys to h.Keys.
func (h *Head) appendFields(raw string, spans []span) {
	for _, sp := range spans {
		h.Fields = append(h.Fields, headers.Field{Name: raw[sp.name0:sp.name1], Value: raw[sp.val0:sp.val1]})
		h.Keys = append(h.Keys, sp.key)
	}
}

// readRequestLine finds the request line in the buffer, reading until its
// LF arrives, and checks it. It returns the line's length without the
// CRLF, and whether it repeats the previous request's line: then h has
// that line's strings already; otherwise h has its version's digits and
// ReadHead copies the line and cuts it into its parts.
func (b *Reader) readRequestLine(h *Head, lim Limits) (n int, same bool, err error) {
	maxBuf := lim.MaxRequestLine + 2 + lim.MaxHeaderBytes
	pos := 0 // where the search for the LF goes on, from b.r
	for {
		data := b.buf[b.r:b.w]
		i := bytes.IndexByte(data[pos:], '\n')
		if i >= 0 {
			pos += i
			break
		}
		pos = len(data)
		if err := partialLimits(data, 0, false, 0, 0, lim); err != nil {
			h.Line = partialLine(data, err)
			return 0, false, err
		}
		if err := b.fill(maxBuf); err != nil {
			h.Line = partialLine(b.buf[b.r:b.w], err)
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, false, err
		}
	}
	data := b.buf[b.r:b.w]
	if pos == 0 || data[pos-1] != '\r' {
		h.Line = partialLine(data, ErrBareLF)
		return 0, false, ErrBareLF
	}
	line := data[:pos-1]
	if len(line) > lim.MaxRequestLine {
		return 0, false, ErrRequestLineTooLong
	}
	if m := &b.line; m.line != "" && string(line) == m.line {
		h.Line, h.Method, h.Target, h.Version, h.Major, h.Minor = m.line, m.method, m.target, m.version, m.major, m.minor
		return len(line), true, nil
	}
	if err := h.requestLine(line); err != nil {
		h.Line = string(line)
		return 0, false, err
	}
	return len(line), false, nil
}

// repeatsFields reports whether the field section starting fs bytes into
// the buffered head repeats the previous head's, reading on while what
// arrived of it is a prefix of that section: a large head pipelined
// behind another is often only partly buffered.
func (b *Reader) repeatsFields(h *Head, lim Limits, fs int) (bool, error) {
	m := &b.fields
	if m.raw == "" || !m.fits(lim) {
		return false, nil
	}
	for {
		data := b.buf[b.r+fs : b.w]
		if len(data) >= len(m.raw) {
			return string(data[:len(m.raw)]) == m.raw, nil
		}
		if string(data) != m.raw[:len(data)] {
			return false, nil
		}
		if err := b.fill(lim.MaxRequestLine + 2 + lim.MaxHeaderBytes); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			_, err = fieldsError(h, b.buf[b.r:b.r+fs-2], err)
			return false, err
		}
	}
}

// cutLine sets h.Line to line, a copy of the request line requestLine
// accepted, and its parts to substrings of it: "GET /p HTTP/1.1" gives
// "GET", "/p", "HTTP/1.1". The line becomes the one the next request may
// repeat.
func (b *Reader) cutLine(h *Head, line string) {
	h.Line, h.Method, h.Target, h.Version = line, line[:h.sp1], line[h.sp1+1:h.sp2], line[h.sp2+1:]
	// Field by field, as in Head.reset.
	m := &b.line
	m.line, m.method, m.target, m.version = line, h.Method, h.Target, h.Version
	m.major, m.minor, m.targetOK = h.Major, h.Minor, false
}

// readFields reads the field lines that follow the request line, which
// is lineEnd bytes long, up to the empty line, into b.spans (offsets from
// the field section's start), and returns where the head ends, past the
// empty line. It sets b.longest to the length of the longest field line.
func (b *Reader) readFields(h *Head, lim Limits, lineEnd int) (int, error) {
	maxBuf := lim.MaxRequestLine + 2 + lim.MaxHeaderBytes
	fs := lineEnd + 2
	b.spans, b.longest = b.spans[:0], 0
	pos := fs       // where the search for the next LF goes on, from b.r
	lineStart := fs // the start of the current line, from b.r
	for {
		data := b.buf[b.r:b.w]
		if pos == lineStart {
			// At a line's start: the whole, valid lines from here in
			// one pass, then the empty line that ends the head.
			lineStart = b.quickFields(data, lineStart, fs, lim)
			pos = lineStart
			if lineStart+1 < len(data) && data[lineStart] == '\r' && data[lineStart+1] == '\n' {
				if lineStart+2-fs > lim.MaxHeaderBytes {
					return fieldsError(h, data[:lineEnd], ErrHeadTooLarge)
				}
				return lineStart + 2, nil
			}
		}
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			pos = len(data)
			if err := partialLimits(data, lineStart, true, lineEnd, len(b.spans), lim); err != nil {
				return fieldsError(h, data[:lineEnd], err)
			}
			if err := b.fill(maxBuf); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return fieldsError(h, b.buf[b.r:b.r+lineEnd], err)
			}
			continue
		}
		lf := pos + i
		pos = lf + 1
		if lf == lineStart || data[lf-1] != '\r' {
			return fieldsError(h, data[:lineEnd], ErrBareLF)
		}
		line := data[lineStart : lf-1]
		switch {
		case len(line) == 0:
			if pos-fs > lim.MaxHeaderBytes {
				return fieldsError(h, data[:lineEnd], ErrHeadTooLarge)
			}
			return pos, nil
		case len(line) > lim.MaxFieldLine:
			return fieldsError(h, data[:lineEnd], ErrFieldLineTooLong)
		case len(b.spans) >= lim.MaxFields:
			return fieldsError(h, data[:lineEnd], ErrTooManyFields)
		}
		sp, err := b.field(line, int32(lineStart-fs), len(b.spans))
		if err != nil {
			return fieldsError(h, data[:lineEnd], err)
		}
		b.spans = append(b.spans, sp)
		b.longest = max(b.longest, len(line))
		if pos-fs > lim.MaxHeaderBytes {
			return fieldsError(h, data[:lineEnd], ErrHeadTooLarge)
		}
		lineStart = pos
	}
}

// skipEmptyLines drops the CRLFs a client may send before a request line
// (RFC 9112 section 2.2) and waits for the request's first byte.
func (b *Reader) skipEmptyLines() error {
	for {
		switch n := b.w - b.r; {
		case n >= 2 && b.buf[b.r] == '\r' && b.buf[b.r+1] == '\n':
			b.r += 2
			continue
		case n >= 2, n == 1 && b.buf[b.r] != '\r':
			return nil
		}
		if err := b.fill(minBuffer); err != nil {
			return err
		}
	}
}

// partialLimits checks the line that has no LF yet against the limits, so
// that a client cannot make the reader buffer past them.
func partialLimits(data []byte, lineStart int, inFields bool, lineEnd, fields int, lim Limits) error {
	n := len(data) - lineStart
	switch {
	case !inFields && n > lim.MaxRequestLine+1: // +1: the CR may have come
		return ErrRequestLineTooLong
	case inFields && n > lim.MaxFieldLine+1:
		return ErrFieldLineTooLong
	case inFields && len(data)-lineEnd-2 > lim.MaxHeaderBytes:
		return ErrHeadTooLarge
	case inFields && n > 0 && fields >= lim.MaxFields && !(n == 1 && data[lineStart] == '\r'):
		return ErrTooManyFields
	}
	return nil
}

// partialLine is h.Line, for the log of a refused or unfinished request,
// when the request line has not been read whole: what arrived of it. A
// request line over the limit is not kept: CPython logs none for its 414.
func partialLine(data []byte, err error) string {
	if err == ErrRequestLineTooLong {
		return ""
	}
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return string(bytes.TrimRight(line, "\r"))
}

// fieldsError is ReadHead's result for a refused or unfinished field
// section: the error, and the request line kept for the log.
func fieldsError(h *Head, line []byte, err error) (int, error) {
	h.Line = string(line)
	return 0, err
}

// requestLine parses "METHOD SP request-target SP HTTP-version" (RFC 9112
// section 3), one space apart, checking each part; ReadHead cuts the
// copied line into its parts.
//
//	GET /p HTTP/1.1   method GET, target /p, version 1.1
//	GET  /p HTTP/1.1  ErrRequestLine: two spaces
//	GET /p HTTP/1.32  ErrVersion
//	GET /p HTTP/2.0   ErrMajor (505)
func (h *Head) requestLine(line []byte) error {
	// One pass: the method's token bytes up to a space, the target's
	// bytes up to the next; anything else, the slow path below sorts out.
	i := 0
	for i < len(line) && tokenChar[line[i]] {
		i++
	}
	if i > 0 && i < len(line) && line[i] == ' ' {
		j := i + 1
		for j < len(line) && targetByte[line[j]] {
			j++
		}
		if j > i+1 && j < len(line) && line[j] == ' ' {
			return h.version(line, i, j)
		}
	}
	return h.requestLineSlow(line)
}

// requestLineSlow is requestLine for a line that is not a token, a space,
// target bytes, a space: it finds which refusal applies, in the order
// below, or the version.
func (h *Head) requestLineSlow(line []byte) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		if i := bytes.IndexByte(line, '\r'); i >= 0 {
			return ErrBareCR
		}
		return ErrRequestLine
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 < 0 {
		return ErrRequestLine
	}
	method, target := line[:sp1], rest[:sp2]
	if len(method) == 0 || len(target) == 0 {
		return ErrRequestLine
	}
	for _, c := range method {
		if !tokenChar[c] {
			if c == '\r' {
				return ErrBareCR
			}
			return ErrMethod
		}
	}
	for _, c := range target {
		if !targetByte[c] {
			if c == '\r' {
				return ErrBareCR
			}
			return ErrTargetByte
		}
	}
	return h.version(line, sp1, sp1+1+sp2)
}

// version parses the version that follows the request line's second
// space, at sp2 (the first is at sp1), and keeps where both are for
// cutLine.
func (h *Head) version(line []byte, sp1, sp2 int) error {
	version := line[sp2+1:]
	major, minor, err := parseVersion(version)
	if err != nil {
		if bytes.IndexByte(version, '\r') >= 0 {
			return ErrBareCR
		}
		return err
	}
	h.Major, h.Minor = major, minor
	h.sp1, h.sp2 = sp1, sp2
	return nil
}

// parseVersion reads HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112
// section 2.3): exactly one digit each side, as sent.
func parseVersion(v []byte) (major, minor int, err error) {
	if len(v) != len("HTTP/1.1") || string(v[:5]) != "HTTP/" || v[6] != '.' ||
		v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9' {
		return 0, 0, ErrVersion
	}
	major, minor = int(v[5]-'0'), int(v[7]-'0')
	if major != 1 {
		return major, minor, ErrMajor
	}
	return major, minor, nil
}

// field parses the field line that is the j-th of its head, at offset off
// from the head's start, and finds its CGI key. A client sends the same
// names in the same order on every request of a connection, so when the
// line starts with the name the previous head had j-th, and a colon, the
// name is known to be a token and its key is the one found then: one
// comparison instead of a scan of the name and a table lookup.
//
// For example, after a head whose second field was "User-Agent: curl",
// the line "User-Agent: wget" as a second field costs a comparison of
// "User-Agent" and gets the key HTTP_USER_AGENT without a lookup.
func (b *Reader) field(line []byte, off int32, j int) (span, error) {
	if m := &b.fields; j < len(m.spans) {
		p := m.spans[j]
		name := m.raw[p.name0:p.name1]
		if len(line) > len(name) && line[len(name)] == ':' && string(line[:len(name)]) == name {
			sp, err := parseValue(line, off, len(name))
			sp.key = p.key
			return sp, err
		}
	}
	sp, err := parseField(line, off)
	if err == nil {
		sp.key = b.keys.key(line[:sp.name1-sp.name0])
	}
	return sp, err
}

// parseField parses one field line (RFC 9112 section 5):
//
//	field-line = field-name ":" OWS field-value OWS
//
// "Host: example.org " gives the name "Host" and the value "example.org".
// A line starting with whitespace is obsolete folding, whitespace before
// the colon is refused, and the value may hold VCHAR, obs-text, SP and HTAB
// only. Offsets are from the field section's start; off is the line's.
func parseField(line []byte, off int32) (span, error) {
	var sp span
	if c := line[0]; c == ' ' || c == '\t' {
		return sp, ErrObsFold
	}
	colon := -1
	for i, c := range line {
		if tokenChar[c] {
			continue
		}
		switch c {
		case ':':
			colon = i
		case ' ', '\t':
			return sp, ErrSpaceBefore
		case '\r':
			return sp, ErrBareCR
		default:
			return sp, ErrNameByte
		}
		break
	}
	switch colon {
	case -1:
		return sp, ErrNoColon
	case 0:
		return sp, ErrEmptyName
	}
	return parseValue(line, off, colon)
}

// parseValue parses the field value of a line whose name, a token, ends
// at the colon at index colon: the value without the whitespace around
// it, of VCHAR, obs-text, SP and HTAB only.
func parseValue(line []byte, off int32, colon int) (span, error) {
	var sp span
	v0, v1 := colon+1, len(line)
	for v0 < v1 && (line[v0] == ' ' || line[v0] == '\t') {
		v0++
	}
	for v1 > v0 && (line[v1-1] == ' ' || line[v1-1] == '\t') {
		v1--
	}
	if i := badValueByte(line[v0:v1]); i >= 0 {
		if line[v0+i] == '\r' {
			return sp, ErrBareCR
		}
		return sp, ErrValueByte
	}
	return span{name0: off, name1: off + int32(colon), val0: off + int32(v0), val1: off + int32(v1)}, nil
}
