package main

import (
	"fmt"
	"go/token"
	"sort"
	"strings"
	"unicode/utf8"
)

// segKind says what a route segment matches.
type segKind int

const (
	static   segKind = iota // exactly its text ("" is a trailing slash)
	param                   // one non-empty segment, captured
	catchAll                // the rest of the path, captured, mounted
)

// seg is one segment of a route path.
type seg struct {
	kind segKind
	text string // the literal text, or the parameter name without ':' or '*'
}

// route is one line of a route file.
type route struct {
	line     int
	method   string // an HTTP method, or "ANY"
	path     string
	segs     []seg
	handler  string // the Handlers field
	explicit bool   // the handler was named in the file
}

// anyMethod is the method of a route that serves every method its node
// has no other route for: what a mounted application usually wants.
const anyMethod = "ANY"

// parseError is one problem in a route file, with its place.
type parseError struct {
	file string
	line int
	msg  string
}

func (e *parseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg) }

// errorList is every problem found in a route file, in line order.
type errorList []*parseError

func (l errorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// errs collects the errors of one file.
type errs struct {
	file string
	list errorList
}

func (e *errs) add(line int, format string, args ...any) {
	e.list = append(e.list, &parseError{e.file, line, fmt.Sprintf(format, args...)})
}

func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	sort.SliceStable(e.list, func(i, j int) bool { return e.list[i].line < e.list[j].line })
	return e.list
}

// parseRoutes reads a route file: one "METHOD /path handler" per line, the
// handler optional, "#" starting a comment. file names the source in error
// messages. It reports every malformed line, not only the first.
func parseRoutes(file string, src string) ([]*route, error) {
	e := &errs{file: file}
	var routes []*route
	for n, line := range strings.Split(src, "\n") {
		lineNo := n + 1
		if msg := badText(line); msg != "" {
			e.add(lineNo, "%s", msg)
			continue
		}
		fields := strings.Fields(line)
		for i, f := range fields {
			if strings.HasPrefix(f, "#") {
				fields = fields[:i]
				break
			}
		}
		switch len(fields) {
		case 0:
			continue
		case 2, 3:
		default:
			e.add(lineNo, "want METHOD /path [Handler], got %d fields", len(fields))
			continue
		}
		r := &route{line: lineNo, method: fields[0], path: fields[1]}
		ok := checkMethod(e, lineNo, r.method)
		segs, pathOK := parsePath(e, lineNo, r.path)
		r.segs = segs
		if len(fields) == 3 {
			r.handler, r.explicit = fields[2], true
			if !token.IsIdentifier(r.handler) || !token.IsExported(r.handler) {
				e.add(lineNo, "handler %q is not an exported Go identifier", r.handler)
				ok = false
			}
		}
		if ok && pathOK {
			routes = append(routes, r)
		}
	}
	if len(routes) == 0 && len(e.list) == 0 {
		e.add(1, "no routes")
	}
	routes = dropDuplicates(e, routes)
	deriveNames(e, routes)
	return routes, e.err()
}

// badText rejects what a route file cannot sensibly hold: bytes that are
// not UTF-8 (the generated Go source must be) and control characters. A
// non-ASCII segment is fine: its UTF-8 bytes match the bytes of a request
// path, which PEP 3333 carries one byte per character.
func badText(line string) string {
	if !utf8.ValidString(line) {
		return "not valid UTF-8"
	}
	for _, c := range line {
		if c < ' ' && c != '\t' && c != '\r' || c == 0x7f {
			return fmt.Sprintf("control character %q", c)
		}
	}
	return ""
}

// checkMethod accepts ANY and the HTTP methods: RFC 9110 tokens. Methods
// are case-sensitive, so a lower-case "get" would never match a request;
// it is rejected rather than silently dead.
func checkMethod(e *errs, line int, m string) bool {
	for i := 0; i < len(m); i++ {
		c := m[i]
		if 'a' <= c && c <= 'z' {
			e.add(line, "method %q: methods are case-sensitive, write %q", m, strings.ToUpper(m))
			return false
		}
		if !isTokenChar(c) {
			e.add(line, "method %q: %q is not allowed in a method", m, c)
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// parsePath splits a route path into segments. A route is matched segment
// by segment as ShiftPathInfo walks the request, so segments that the walk
// never yields (empty ones in the middle, "." and "..") are errors.
func parsePath(e *errs, line int, p string) ([]seg, bool) {
	if !strings.HasPrefix(p, "/") {
		e.add(line, "path %q does not start with /", p)
		return nil, false
	}
	parts := strings.Split(p[1:], "/")
	segs := make([]seg, 0, len(parts))
	names := map[string]bool{}
	for i, s := range parts {
		last := i == len(parts)-1
		switch {
		case s == "" && !last:
			e.add(line, "path %q: empty segment", p)
			return nil, false
		case s == "." || s == "..":
			e.add(line, "path %q: segment %q is never matched, the path walk resolves it", p, s)
			return nil, false
		case s != "" && (s[0] == ':' || s[0] == '*'):
			name := s[1:]
			if !isParamName(name) {
				e.add(line, "path %q: parameter %q needs a name of letters, digits and _", p, s)
				return nil, false
			}
			if names[name] {
				e.add(line, "path %q: parameter name %q used twice", p, name)
				return nil, false
			}
			names[name] = true
			kind := param
			if s[0] == '*' {
				if !last {
					e.add(line, "path %q: catch-all %q must be the last segment", p, s)
					return nil, false
				}
				kind = catchAll
			}
			segs = append(segs, seg{kind, name})
		case strings.ContainsAny(s, ":*"):
			e.add(line, "path %q: ':' and '*' may only start a segment", p)
			return nil, false
		default:
			text, msg := decodeSegment(s)
			if msg != "" {
				e.add(line, "path %q: segment %q: %s", p, s, msg)
				return nil, false
			}
			segs = append(segs, seg{static, text})
		}
	}
	return segs, true
}

// decodeSegment turns a static segment as written (URL form, "%20" for a
// space) into the bytes PATH_INFO holds for it, since a server decodes the
// request path before the router sees it: "a%20b" matches a request for
// /a%20b, whose PATH_INFO has "a b". A non-ASCII segment is its UTF-8
// bytes, as a request for it carries them. What no request path can put
// into one segment is refused with the reason: a malformed escape, an
// escaped "/" (it would split the segment), a "?" or "#" (they end the
// path),, a segment that decodes to
// "", "." or ".." (the walk drops or resolves it), and CR, LF or NUL (the
// servers answer 400).
func decodeSegment(s string) (text, msg string) {
	if strings.ContainsAny(s, "?#") {
		return "", `"?" and "#" end the path of a URL: write "%3F" or "%23"`
	}
	if strings.IndexByte(s, '%') < 0 {
		return s, ""
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
			return "", `"%" must start an escape of two hex digits (write "%25" for "%")`
		}
		b = append(b, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
		i += 2
	}
	text = string(b)
	switch {
	case strings.IndexByte(text, '/') >= 0:
		return "", `an escaped "/" is decoded before routing and would split the segment`
	case text == "" || text == "." || text == "..":
		return "", fmt.Sprintf("decodes to %q, which the path walk drops or resolves", text)
	case strings.ContainsAny(text, "\r\n\x00"):
		return "", "decodes to CR, LF or NUL, which the servers refuse in a path"
	}
	return text, ""
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isParamName(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// dropDuplicates reports each route that repeats an earlier one (the same
// method and the same path, decoded) once, and leaves it out: it would
// otherwise also clash in its derived handler name.
func dropDuplicates(e *errs, routes []*route) []*route {
	first := map[string]*route{}
	kept := routes[:0]
	for _, r := range routes {
		key := r.method + " " + r.key()
		if prev := first[key]; prev != nil {
			e.add(r.line, "duplicate route %s %s (line %d)", r.method, r.path, prev.line)
			continue
		}
		first[key] = r
		kept = append(kept, r)
	}
	return kept
}

// key is the route's path with its static segments decoded, so that
// "/a%20b" and "/a%20%62" are the same route.
func (r *route) key() string {
	var b strings.Builder
	for _, s := range r.segs {
		b.WriteByte('/')
		switch s.kind {
		case param:
			b.WriteByte(':')
		case catchAll:
			b.WriteByte('*')
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// deriveNames gives every route without a handler name one built from its
// method and path (GET /repos/:owner/issues becomes GetReposByOwnerIssues)
// and reports two routes that would share a field without both asking for
// it.
func deriveNames(e *errs, routes []*route) {
	type use struct {
		line     int
		explicit bool
	}
	seen := map[string]use{}
	for _, r := range routes {
		if !r.explicit {
			if s, ok := nonASCIISegment(r); ok {
				e.add(r.line, "cannot derive a handler name for %s %s from the segment %q: name the handler (%s %s Name)", r.method, r.path, s, r.method, r.path)
				continue
			}
			r.handler = deriveName(r)
			if !token.IsIdentifier(r.handler) {
				e.add(r.line, "cannot derive a handler name for %s %s (got %q); name it", r.method, r.path, r.handler)
				continue
			}
		}
		prev, dup := seen[r.handler]
		switch {
		case !dup:
			seen[r.handler] = use{r.line, r.explicit}
		case !prev.explicit || !r.explicit:
			e.add(r.line, "handler name %s is also the name of the route at line %d; name one of them", r.handler, prev.line)
		}
	}
}

// nonASCIISegment returns a static segment whose bytes are not all ASCII:
// a name derived from it would drop them ("/über" would serve as
// GetBer), so the route must name its handler.
func nonASCIISegment(r *route) (string, bool) {
	for _, s := range r.segs {
		for i := 0; i < len(s.text); i++ {
			if s.text[i] >= 0x80 {
				return s.text, true
			}
		}
	}
	return "", false
}

func deriveName(r *route) string {
	var b strings.Builder
	b.WriteString(camel(strings.ToLower(r.method)))
	for i, s := range r.segs {
		switch {
		case s.kind == param:
			b.WriteString("By" + camel(s.text))
		case s.kind == catchAll:
			b.WriteString("Star" + camel(s.text))
		case s.text == "" && i == 0:
			b.WriteString("Root")
		case s.text == "":
			b.WriteString("Slash")
		default:
			b.WriteString(camel(s.text))
		}
	}
	return b.String()
}

// camel turns "received_events" into "ReceivedEvents" and "client_id"
// into "ClientID": ASCII letters and digits are kept, anything else
// separates words, and the initialisms Go spells in capitals are.
func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		if c := w[0]; 'a' <= c && c <= 'z' {
			w = string(c-'a'+'A') + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}

// initialisms are the words of a path that a Go name writes in capitals.
var initialisms = map[string]string{
	"api": "API", "css": "CSS", "dns": "DNS", "html": "HTML", "http": "HTTP",
	"https": "HTTPS", "id": "ID", "ip": "IP", "js": "JS", "json": "JSON",
	"sha": "SHA", "sql": "SQL", "ssh": "SSH", "tls": "TLS", "ttl": "TTL",
	"ui": "UI", "uri": "URI", "url": "URL", "uuid": "UUID", "xml": "XML",
}
