package proxyfix

import (
	"net/netip"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// forwarding is what the trusted fields of one request say.
type forwarding struct {
	addr       netip.Addr // the client; invalid when not given
	addrText   string     // addr as the field spelled it, port and brackets cut
	remotePort string
	scheme     string // "http" or "https"; "" when not given
	host       string // host[:port] for HTTP_HOST; "" when not given
	hostName   string // host without the port
	hostPort   string
	port       string // X-Forwarded-Port
	prefix     string // decoded, without a final "/"; "" when not given
	hasPrefix  bool
}

// Fix applies the trusted forwarding fields of env to it and removes the
// untrusted ones; [Middleware.ServeWSGI] calls it before the application.
// For example, with Hops{For: 1, Proto: 1}, an environ holding
//
//	REMOTE_ADDR=10.0.0.2  HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4"
//	HTTP_X_FORWARDED_PROTO=https  HTTP_X_FORWARDED_HOST=evil.example
//
// comes out with REMOTE_ADDR=198.51.100.4, wsgi.url_scheme=https, the two
// trusted fields kept and X-Forwarded-Host removed.
//
// A trusted value that is malformed returns a *[FieldError] (and env has
// only had its untrusted fields removed).
func (m *Middleware) Fix(env *wsgiref.Environ) error {
	trust := m.cfg.Hops
	if len(m.cfg.Proxies) > 0 {
		peer, err := netip.ParseAddr(env.Get("REMOTE_ADDR"))
		if err != nil || !m.cfg.trusted(peer) {
			trust = Hops{}
		}
	}
	var fw forwarding
	var used [6]bool // by field, in the order of the keys below
	var err *FieldError
	if trust.Forwarded > 0 {
		used[5], err = m.fromForwarded(env, trust.Forwarded, &fw)
	} else {
		used, err = m.fromXForwarded(env, trust, &fw)
	}
	for i, k := range [...]string{keyXFor, keyXProto, keyXHost, keyXPort, keyXPrefix, keyForwarded} {
		if !used[i] {
			env.Del(k)
		}
	}
	for _, k := range otherForwardingKeys {
		env.Del(k)
	}
	if err != nil {
		return err
	}
	apply(env, &fw)
	return nil
}

// fromXForwarded reads the X-Forwarded-* fields that trust allows into fw
// and reports which it used.
func (m *Middleware) fromXForwarded(env *wsgiref.Environ, trust Hops, fw *forwarding) (used [6]bool, err *FieldError) {
	if v, ok := env.Lookup(keyXFor); ok && trust.For > 0 {
		if used[0], err = m.clientFor(v, trust.For, fw); err != nil {
			return used, err
		}
	}
	if v, ok := trustedValue(env, keyXProto, trust.Proto); ok {
		if fw.scheme, err = scheme("X-Forwarded-Proto", v); err != nil {
			return used, err
		}
		used[1] = true
	}
	if v, ok := trustedValue(env, keyXHost, trust.Host); ok {
		if err = fw.setHost("X-Forwarded-Host", v); err != nil {
			return used, err
		}
		used[2] = true
	}
	if v, ok := trustedValue(env, keyXPort, trust.Port); ok {
		if !isPort(v) {
			return used, &FieldError{"X-Forwarded-Port", v, "not a port number"}
		}
		fw.port, used[3] = v, true
	}
	if v, ok := trustedValue(env, keyXPrefix, trust.Prefix); ok {
		if err = fw.setPrefix(v); err != nil {
			return used, err
		}
		used[4] = true
	}
	return used, nil
}

// trustedValue returns the value of a list field at hop n from the right,
// and false when the field is absent, untrusted (n is 0) or short.
func trustedValue(env *wsgiref.Environ, key string, n int) (string, bool) {
	v, ok := env.Lookup(key)
	if !ok || n <= 0 {
		return "", false
	}
	return nthFromRight(v, n)
}

// clientFor finds the client in an X-Forwarded-For value: the n-th
// address from the right, or with Proxies the first from the right that
// is not a trusted proxy, within n.
func (m *Middleware) clientFor(v string, n int, fw *forwarding) (bool, *FieldError) {
	l := fromRight{v}
	var client netip.Addr
	var port, text string
	for i := 1; i <= n; i++ {
		elem, ok := l.next()
		if !ok {
			// A short list: without Proxies the count is exact, so the
			// field is not trusted; with them, the leftmost address
			// walked is the client's.
			if len(m.cfg.Proxies) == 0 || i == 1 {
				return false, nil
			}
			break
		}
		a, p, reason := parseAddrPort(elem)
		if reason != "" {
			return false, &FieldError{"X-Forwarded-For", elem, reason}
		}
		client, port, text = a, p, elem[:len(elem)-len(p)]
		if len(m.cfg.Proxies) > 0 && !m.cfg.trusted(a) {
			break
		}
	}
	fw.addr, fw.remotePort, fw.addrText = client, port, strings.TrimSuffix(text, ":")
	return true, nil
}

// fromForwarded reads the element of the Forwarded field at hop n into fw
// and reports whether it used the field.
func (m *Middleware) fromForwarded(env *wsgiref.Environ, n int, fw *forwarding) (bool, *FieldError) {
	v, ok := env.Lookup(keyForwarded)
	if !ok {
		return false, nil
	}
	var buf [8]forwardedElement
	elems, reason := parseForwarded(buf[:0], v)
	if reason != "" {
		return false, &FieldError{"Forwarded", v, reason}
	}
	// Without Proxies the element is the n-th from the right; with them,
	// the walk goes left past elements whose for= is a trusted proxy.
	var el *forwardedElement
	var client netip.Addr
	var port string
	for i := 1; i <= n; i++ {
		if i > len(elems) {
			if len(m.cfg.Proxies) == 0 || i == 1 {
				return false, nil // short: see clientFor
			}
			break
		}
		el = &elems[len(elems)-i]
		if len(m.cfg.Proxies) == 0 && i < n {
			continue
		}
		client, port = netip.Addr{}, ""
		if !el.hasFor {
			break // the client is unknown; the walk ends here
		}
		a, p, known, reason := parseNode(el.forNode)
		if reason != "" {
			return false, &FieldError{"Forwarded", el.forNode, "for=: " + reason}
		}
		if !known {
			break // "unknown" or obfuscated: REMOTE_ADDR stays
		}
		client, port = a, p
		if len(m.cfg.Proxies) > 0 && !m.cfg.trusted(a) {
			break
		}
	}
	fw.addr, fw.remotePort = client, port
	if client.IsValid() {
		fw.addrText = el.forNode // reused by addrString only when it is the bare address
	}
	if el.hasProto {
		var err *FieldError
		if fw.scheme, err = scheme("Forwarded", el.proto); err != nil {
			return false, err
		}
	}
	if el.hasHost {
		if err := fw.setHost("Forwarded", el.host); err != nil {
			return false, err
		}
	}
	return true, nil
}

// scheme checks a forwarded protocol: "http" or "https", in any case.
func scheme(field, v string) (string, *FieldError) {
	switch {
	case strings.EqualFold(v, "http"):
		return "http", nil
	case strings.EqualFold(v, "https"):
		return "https", nil
	}
	return "", &FieldError{field, v, `not "http" or "https"`}
}

// setHost checks a forwarded host, uri-host [ ":" port ] (RFC 3986), where
// a name holds only letters, digits, "-", ".", "_" and "~", and an IPv6
// address is in brackets.
func (fw *forwarding) setHost(field, v string) *FieldError {
	name, port := v, ""
	if strings.HasPrefix(v, "[") {
		end := strings.IndexByte(v, ']')
		if end < 0 {
			return &FieldError{field, v, "no closing bracket"}
		}
		if a, err := netip.ParseAddr(v[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return &FieldError{field, v, "not an IPv6 address in brackets"}
		}
		name, port = v[:end+1], v[end+1:]
	} else {
		if i := strings.LastIndexByte(v, ':'); i >= 0 {
			name, port = v[:i], v[i:]
		}
		if name == "" {
			return &FieldError{field, v, "no host name"}
		}
		for i := 0; i < len(name); i++ {
			if c := name[i]; !isAlnum(c) && c != '-' && c != '.' && c != '_' && c != '~' {
				return &FieldError{field, v, "not a host name"}
			}
		}
	}
	if port != "" {
		if port[0] != ':' || !isPort(port[1:]) {
			return &FieldError{field, v, "not a port number after the host"}
		}
		port = port[1:]
	}
	fw.host, fw.hostName, fw.hostPort = v, name, port
	return nil
}

// setPrefix checks an X-Forwarded-Prefix: a URL path, percent-encoded or
// not, that decodes to no control character.
func (fw *forwarding) setPrefix(v string) *FieldError {
	if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?#") {
		return &FieldError{"X-Forwarded-Prefix", v, `not a path starting with "/"`}
	}
	p := wsgiutil.Unquote(v)
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return &FieldError{"X-Forwarded-Prefix", v, "a control character in the path"}
		}
	}
	fw.prefix, fw.hasPrefix = strings.TrimRight(p, "/"), true
	return nil
}
