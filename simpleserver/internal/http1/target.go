package http1

import "strings"

// checkTarget refuses a request-target that is none of the forms an
// origin server takes (RFC 9112 section 3.2), or whose path has a
// malformed escape or one that decodes to CR, LF or NUL:
//
//	/p?q                    origin form
//	http://example.org/p    absolute form, http or https with a host
//	*                       asterisk form, OPTIONS only
//	a:?x, http:/p, /%zz     refused
//	http://h%41/p           refused: an escape in the authority
//	http://u@h/, http://}/  refused: userinfo, a byte no host has
func checkTarget(method, target string) error {
	switch {
	case target[0] == '/':
	case target == "*":
		if method != "OPTIONS" {
			return ErrTargetForm
		}
		return nil
	default:
		if _, ok := absolutePath(target); !ok {
			return ErrTargetForm
		}
		// The authority becomes HTTP_HOST, so it must be one.
		if host, _ := Authority(target); !validAuthority(host) {
			return ErrTargetForm
		}
	}
	path, _ := PathQuery(target)
	for i := 0; i < len(path); i++ {
		if path[i] != '%' {
			continue
		}
		if i+2 >= len(path) || hexValue[path[i+1]] == 0xFF || hexValue[path[i+2]] == 0xFF {
			return ErrEscape
		}
		if path[i+1] == '0' {
			switch path[i+2] {
			case '0', 'a', 'A', 'd', 'D':
				return ErrPathControl
			}
		}
		i += 2
	}
	return nil
}

// validAuthority reports whether a, the authority of an absolute-form
// target, is a host and an optional port (RFC 3986 section 3.2.2 and
// 3.2.3): a reg-name of unreserved and sub-delims bytes, or an IP literal
// in brackets of hex digits, colons and dots; then ":" and digits.
// Refused besides: userinfo ("u@h", which RFC 9110 section 4.2.4 has a
// recipient treat as an error) and percent-escapes, which no client
// sends in a host and which would reach the application undecoded.
//
//	example.org:8080, [::1]:80, h:   valid
//	u@h, h%41, }, h:x, [::1          not
func validAuthority(a string) bool {
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return false
		}
		for i := 1; i < end; i++ {
			if c := a[i]; c != ':' && c != '.' && hexValue[c] == 0xFF {
				return false
			}
		}
		host, port = "", a[end+1:]
		if port != "" && port[0] != ':' {
			return false
		}
	} else if i := strings.IndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i:]
	}
	for i := 0; i < len(host); i++ {
		if !regNameByte(host[i]) {
			return false
		}
	}
	for i := 1; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

// regNameByte reports whether c may stand in a reg-name without an
// escape: unreserved or sub-delims (RFC 3986 section 3.2.2).
func regNameByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=", c) >= 0
}

// absolutePath returns the path and query of an absolute-form target,
// "http://host/p?q" gives "/p?q", "http://host?q" gives "/?q"; ok is false
// when the target is not an http or https URI with an authority.
func absolutePath(target string) (pathQuery string, ok bool) {
	scheme, rest, found := strings.Cut(target, "://")
	if !found || !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
		return "", false
	}
	i := strings.IndexAny(rest, "/?")
	switch {
	case i == 0:
		return "", false // no authority
	case i < 0:
		return "/", true
	case rest[i] == '?':
		return "/" + rest[i:], true
	}
	return rest[i:], true
}

// PathQuery splits a target the reader accepted into its raw path and
// query string at the first '?'; an absolute-form target gives its own
// path ("http://h/p?q" gives "/p", "q"), as RFC 9112 section 3.2.2 has an
// origin server use it. The asterisk form gives "*", "".
func PathQuery(target string) (path, query string) {
	if target != "" && target[0] != '/' && target != "*" {
		target, _ = absolutePath(target)
	}
	path, query, _ = strings.Cut(target, "?")
	return path, query
}

// Authority returns the host of an absolute-form target, "example.org:8080"
// for "http://example.org:8080/p"; ok is false for any other form. RFC
// 9112 section 3.2.2 has an origin server use it instead of the Host
// field's value.
func Authority(target string) (host string, ok bool) {
	if target == "" || target[0] == '/' || target == "*" {
		return "", false
	}
	if _, ok := absolutePath(target); !ok {
		return "", false
	}
	_, rest, _ := strings.Cut(target, "://")
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}
