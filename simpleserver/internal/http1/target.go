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
		// The authority becomes HTTP_HOST: a DNS name or an IP
		// literal, never percent-encoded by a real client, and an
		// escape there ("http://h%00/") would reach the application
		// undecoded.
		if host, _ := Authority(target); strings.IndexByte(host, '%') >= 0 {
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
