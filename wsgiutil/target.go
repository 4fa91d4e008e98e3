package wsgiutil

import "strings"

// The request-target helpers every server of the module shares: how
// CPython's WSGIRequestHandler turns the target of a request line into
// PATH_INFO and QUERY_STRING, and str.strip for header values.

// PathInfo returns PATH_INFO and QUERY_STRING of a request-target in
// origin form, as CPython's get_environ computes them, with its gh-87389
// guard applied once more after decoding:
//
//	"/a%20b?x=1"           gives "/a b", "x=1"
//	"//evil.example/?q"    gives "/evil.example/", "q"
//	"/%2F%2Fevil.example"  gives "/evil.example" (CPython: "///evil.example")
//
// The path is percent-decoded to raw bytes ([Unquote]); the query stays
// raw. It allocates only when the path has an escape.
func PathInfo(target string) (pathInfo, query string) {
	path, query := SplitTarget(target)
	return collapseLeadingSlashes(Unquote(path)), query
}

// PathHasControl reports whether the path of a request-target (the part
// before '?') percent-decodes to a CR, LF or NUL: "/%0d%0aSet-Cookie:"
// would put them into PATH_INFO, from which an application may build a
// header (Location) or a file name. CPython passes them on; this module's
// servers answer 400. Raw control bytes are the server's to refuse before.
func PathHasControl(target string) bool {
	if q := strings.IndexByte(target, '?'); q >= 0 {
		target = target[:q]
	}
	for {
		i := strings.IndexByte(target, '%')
		if i < 0 || i+2 >= len(target) {
			return false
		}
		if target[i+1] == '0' {
			switch target[i+2] {
			case '0', 'a', 'A', 'd', 'D':
				return true
			}
		}
		target = target[i+1:]
	}
}

// collapseLeadingSlashes applies the gh-87389 guard again after decoding:
// "/%2F%2Fevil.example" decodes to "///evil.example", which CPython passes
// on and which a redirect built from PATH_INFO turns into another host.
func collapseLeadingSlashes(p string) string {
	if len(p) > 1 && p[0] == '/' && p[1] == '/' {
		return p[len(p)-len(strings.TrimLeft(p, "/"))-1:]
	}
	return p
}

// SplitTarget splits a request-target into the path and the query string at
// the first '?', and collapses leading slashes of the path to one as CPython
// does since gh-87389 ("//evil.example/" would read as a host to a browser
// that follows a redirect built from PATH_INFO).
func SplitTarget(target string) (path, query string) {
	path, query, _ = strings.Cut(target, "?")
	if strings.HasPrefix(path, "//") {
		n := len(path) - len(strings.TrimLeft(path, "/"))
		path = path[n-1:]
	}
	return path, query
}

// Unquote decodes %XX escapes of s into raw bytes, as CPython's
// urllib.parse.unquote(s, 'iso-8859-1') does for a PEP 3333 string: every
// byte stands for itself and a malformed escape is kept as it is. A string
// without a valid escape comes back unchanged, without allocating.
func Unquote(s string) string {
	i := firstEscape(s)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func firstEscape(s string) int {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
			return i
		}
	}
	return -1
}

func isHex(c byte) bool { return hexValue[c] != 0xff }

func unhex(c byte) byte { return hexValue[c] }

var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

// Strip removes leading and trailing whitespace as Python's str.strip()
// does on a PEP 3333 string: the ASCII whitespace, the separators \x1c to
// \x1f, and the Latin-1 \x85 (NEL) and \xa0 (no-break space).
func Strip(s string) string {
	i, j := 0, len(s)
	for i < j && pySpace[s[i]] {
		i++
	}
	for j > i && pySpace[s[j-1]] {
		j--
	}
	return s[i:j]
}

var pySpace = [256]bool{
	'\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true, ' ': true,
	0x85: true, 0xa0: true,
}
