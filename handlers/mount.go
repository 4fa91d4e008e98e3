package handlers

import (
	"net/http"
	"strings"

	"github.com/gowsgi/wsgiref/wsgiutil"
)

// The mount point of an application under net/http (see [HTTPHandler])
// comes from two places: r.Pattern, set by http.ServeMux, and the prefix
// that http.StripPrefix cut from r.URL while r.RequestURI keeps the path as
// sent. Both at once are read in the order they were applied: a mux in
// front of StripPrefix (mux.Handle("/app/", http.StripPrefix("/app", h)))
// matched the full path, and the prefix cut is the mount point; StripPrefix
// in front of a mux (http.StripPrefix("/api", mux), mux.Handle("/app/", h))
// matched the rest, and the mount point is both ("/api/app"). When the
// pattern matches both the full path and the rest, the first reading wins.

// mountLength returns how many bytes at the start of path, the path of the
// request-target as the client sent it (still percent-encoded, leading
// slashes collapsed), are the application's mount point, without a slash
// at its end. For r from mux.Handle("/app/", h) and path "/app/x/y" it
// returns 4 ("/app"). It is 0 for a handler served directly.
func mountLength(r *http.Request, path string) int {
	stripped := strippedLength(r, path)
	pattern := patternPath(r.Pattern)
	if pattern == "" {
		return stripped
	}
	if stripped > 0 {
		if n, ok := matchPattern(pattern, path); ok && n <= stripped {
			return stripped // mux, then StripPrefix
		}
	}
	if n, ok := matchPattern(pattern, path[stripped:]); ok {
		return stripped + n // StripPrefix (if any), then mux
	}
	return stripped
}

// strippedLength returns the length of the prefix of path that a
// middleware cut from r.URL ("/app" when path is "/app/x" and
// r.URL.EscapedPath() is "/x"), without a slash at its end. A cut inside
// a segment ("/ap" of "/app/x") or a path rewritten otherwise is no mount
// point and gives 0.
func strippedLength(r *http.Request, path string) int {
	if r.URL == nil {
		return 0
	}
	rest := r.URL.EscapedPath()
	if len(rest) >= len(path) || !strings.HasSuffix(path, rest) {
		return 0
	}
	n := len(path) - len(rest)
	switch {
	case path[n-1] == '/':
		return n - 1 // StripPrefix("/app/"): the slash belongs to PATH_INFO
	case rest == "" || rest[0] == '/':
		return n
	}
	return 0
}

// patternPath returns the path part of a ServeMux pattern, without its
// method and host: "GET example.org/app/" gives "/app/". A pattern that
// names no path gives "".
func patternPath(pattern string) string {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}

// matchPattern walks the segments of a pattern's path and of path
// together and returns the length of path the pattern's mount point covers:
// matchPattern("/app/", "/app/x") is 4, true; matchPattern("/app/",
// "/x/y") is 0, false.
//
//	pattern  = 1*( "/" segment ) [ "/" [ "{$}" / "{" name "...}" ] ]
//	segment  = literal / "{" name "}"
//
// A literal compares with the percent-decoded segment of path, as
// ServeMux compares them.
func matchPattern(pattern, path string) (n int, ok bool) {
	for {
		// pattern starts with '/' here.
		rest := pattern[1:]
		seg, more := rest, false
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, more = rest[:i], true
		}
		if seg == "" || seg == "{$}" || strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "...}") {
			return n, true // the mount point ends before a trailing slash or a rest wildcard
		}
		if n >= len(path) || path[n] != '/' {
			return 0, false
		}
		end := len(path)
		if j := strings.IndexByte(path[n+1:], '/'); j >= 0 {
			end = n + 1 + j
		}
		wildcard := seg[0] == '{' && seg[len(seg)-1] == '}'
		if !wildcard && wsgiutil.Unquote(path[n+1:end]) != wsgiutil.Unquote(seg) {
			return 0, false
		}
		n = end
		if !more {
			return n, n == len(path) // an exact pattern covers the whole path
		}
		pattern = rest[len(seg):]
	}
}
