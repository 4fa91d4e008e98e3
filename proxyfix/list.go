package proxyfix

import "strings"

// A field value such as X-Forwarded-For is a comma-separated list
// (RFC 9110 section 5.6.1):
//
//	#element = [ element ] *( OWS "," OWS [ element ] )
//
// Proxies append on the right, so the trusted values are the last ones.
// fromRight walks the elements from the right without splitting the value
// into a slice; empty elements are skipped, as the list rule asks.
type fromRight struct{ rest string }

// next returns the next element leftwards, trimmed of optional white
// space, and false when none is left. For "a, b,,c" it returns "c", "b",
// "a".
func (l *fromRight) next() (string, bool) {
	for l.rest != "" {
		var elem string
		if i := strings.LastIndexByte(l.rest, ','); i >= 0 {
			elem, l.rest = l.rest[i+1:], l.rest[:i]
		} else {
			elem, l.rest = l.rest, ""
		}
		if elem = trimOWS(elem); elem != "" {
			return elem, true
		}
	}
	return "", false
}

// nthFromRight returns the n-th element from the right (n >= 1) of a list,
// and false when the list has fewer than n elements.
//
//	nthFromRight("https, http", 1) // "http", true
//	nthFromRight("https, http", 3) // "", false
func nthFromRight(list string, n int) (string, bool) {
	l := fromRight{list}
	for range n - 1 {
		if _, ok := l.next(); !ok {
			return "", false
		}
	}
	return l.next()
}

// trimOWS cuts the optional white space (SP and HTAB) around s.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
