package proxyfix

import (
	"net/netip"
	"strings"
)

// An X-Forwarded-For element is an IP address, as nginx's
// $proxy_add_x_forwarded_for writes it; some proxies add a port, and IPv6
// addresses come bare or in brackets:
//
//	192.0.2.7   192.0.2.7:4711   2001:db8::1   [2001:db8::1]   [2001:db8::1]:4711
//
// A Forwarded for= node (RFC 7239 section 6) is
//
//	node     = nodename [ ":" node-port ]
//	nodename = IPv4address / "[" IPv6address "]" / "unknown" / obfnode
//	obfnode  = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" )
//	node-port = port / obfport
//
// so an IPv6 address is always in brackets there, and a node may hide the
// address ("unknown", "_hidden"), which leaves REMOTE_ADDR as it was.

// parseAddrPort parses an X-Forwarded-For element. It returns the address
// and the port ("" when none), or a reason.
func parseAddrPort(s string) (a netip.Addr, port, reason string) {
	host := s
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return a, "", "no closing bracket"
		}
		host = s[1:end]
		switch rest := s[end+1:]; {
		case rest == "":
		case rest[0] == ':' && isPort(rest[1:]):
			port = rest[1:]
		default:
			return a, "", "junk after the bracketed address"
		}
		if !strings.Contains(host, ":") {
			return a, "", "an IPv4 address in brackets"
		}
	case strings.Count(s, ":") == 1:
		i := strings.IndexByte(s, ':')
		if !isPort(s[i+1:]) {
			return a, "", "not a port number after the address"
		}
		host, port = s[:i], s[i+1:]
	}
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, "", "not an IP address"
	}
	return a.Unmap(), port, ""
}

// parseNode parses a Forwarded for= node. known is false for "unknown"
// and obfuscated nodes, which are valid but name no address.
func parseNode(s string) (a netip.Addr, port string, known bool, reason string) {
	name := s
	if strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[") {
		return a, "", false, "an IPv6 address not in brackets"
	}
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return a, "", false, "no closing bracket"
		}
		name, port = s[:end+1], s[end+1:]
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		name, port = s[:i], s[i:]
	}
	if port != "" {
		if port[0] != ':' || !(isPort(port[1:]) || isObfuscated(port[1:])) {
			return a, "", false, "bad node port"
		}
		port = port[1:]
		if isObfuscated(port) {
			port = ""
		}
	}
	switch {
	case strings.EqualFold(name, "unknown") || isObfuscated(name):
		return a, "", false, ""
	case strings.HasPrefix(name, "["):
		a, err := netip.ParseAddr(name[1 : len(name)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return netip.Addr{}, "", false, "not an IPv6 address in brackets"
		}
		return a.Unmap(), port, true, ""
	}
	a, err := netip.ParseAddr(name)
	if err != nil || !a.Is4() {
		return netip.Addr{}, "", false, "not an IPv4 address, a bracketed IPv6 address, unknown or an obfuscated name"
	}
	return a, port, true, ""
}

// isObfuscated reports whether s is an obfnode or obfport: "_" then
// letters, digits, ".", "_" or "-".
func isObfuscated(s string) bool {
	if len(s) < 2 || s[0] != '_' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(isAlnum(c) || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// isPort reports whether s is a TCP port: 1 to 5 digits, at most 65535.
func isPort(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n <= 65535
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
