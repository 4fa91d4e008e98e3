package proxyfix

import "strings"

// The Forwarded field (RFC 7239 section 4):
//
//	Forwarded         = 1#forwarded-element
//	forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
//	forwarded-pair    = token "=" value
//	value             = token / quoted-string
//	quoted-string     = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	quoted-pair       = "\" ( HTAB / SP / VCHAR / obs-text )
//
// Parameter names are case-insensitive and appear at most once per
// element. One element per proxy, appended on the right:
//
//	Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8::1]:4711"
//
// A quoted string may hold a comma, so the elements can only be found by
// parsing from the left: one malformed byte anywhere makes the whole field
// unusable.

// A forwardedElement holds the parameters of one element that this
// package uses; by= and extensions are checked for syntax and dropped.
type forwardedElement struct {
	forNode, host, proto string
	hasFor, hasHost      bool
	hasProto             bool
}

// parseForwarded parses a Forwarded value into elements, appending them to
// dst. On a syntax error it returns a reason.
//
//	parseForwarded(nil, `for=192.0.2.60;proto=https, for="[::1]"`)
//	// [{forNode: "192.0.2.60", proto: "https"}, {forNode: "[::1]"}], ""
func parseForwarded(dst []forwardedElement, s string) ([]forwardedElement, string) {
	var el forwardedElement
	empty := true // the element so far has no pair
	for i := 0; ; {
		i = skipOWS(s, i)
		if i == len(s) {
			if !empty {
				dst = append(dst, el)
			}
			return dst, ""
		}
		switch s[i] {
		case ',':
			if !empty {
				dst = append(dst, el)
			}
			el, empty = forwardedElement{}, true
			i++
			continue
		case ';':
			i++
			continue
		}
		// forwarded-pair
		j := i
		for j < len(s) && isTokenChar(s[j]) {
			j++
		}
		if j == i {
			return dst, "expected a parameter name"
		}
		name := s[i:j]
		if j == len(s) || s[j] != '=' {
			return dst, "parameter " + name + " has no \"=\""
		}
		value, next, reason := forwardedValue(s, j+1)
		if reason != "" {
			return dst, reason
		}
		var seen *bool
		var slot *string
		switch strings.ToLower(name) {
		case "for":
			seen, slot = &el.hasFor, &el.forNode
		case "host":
			seen, slot = &el.hasHost, &el.host
		case "proto":
			seen, slot = &el.hasProto, &el.proto
		}
		if seen != nil {
			if *seen {
				return dst, "parameter " + name + " twice in one element"
			}
			*seen, *slot = true, value
		}
		empty = false
		i = skipOWS(s, next)
		if i < len(s) && s[i] != ';' && s[i] != ',' {
			return dst, "expected \";\" or \",\" after parameter " + name
		}
	}
}

// forwardedValue reads a token or a quoted string at s[i:], returning the
// value (quotes and quoted-pair escapes removed) and the index after it.
func forwardedValue(s string, i int) (value string, next int, reason string) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		plain := true // no escape so far: the value is a substring
		start := i + 1
		for j := start; j < len(s); j++ {
			switch c := s[j]; {
			case c == '"':
				if plain {
					return s[start:j], j + 1, ""
				}
				return b.String(), j + 1, ""
			case c == '\\':
				if j+1 == len(s) || !isQuotedPairChar(s[j+1]) {
					return "", 0, "bad escape in a quoted string"
				}
				if plain {
					b.WriteString(s[start:j])
					plain = false
				}
				j++
				b.WriteByte(s[j])
			case !isQdtext(c):
				return "", 0, "control character in a quoted string"
			default:
				if !plain {
					b.WriteByte(c)
				}
			}
		}
		return "", 0, "unterminated quoted string"
	}
	j := i
	for j < len(s) && isTokenChar(s[j]) {
		j++
	}
	if j == i {
		return "", 0, "empty parameter value"
	}
	return s[i:j], j, ""
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// isTokenChar reports whether c is a tchar of RFC 9110 section 5.6.2.
func isTokenChar(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isQdtext reports whether c may stand unescaped in a quoted string:
// HTAB, SP, VCHAR except DQUOTE and "\", or obs-text.
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c >= 0x21 && c != '"' && c != '\\' && c != 0x7f
}

func isQuotedPairChar(c byte) bool { return c == '\t' || c == ' ' || c >= 0x21 && c != 0x7f }
