package proxyfix

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Hops gives, per forwarding field, how many of its values to trust,
// counted from the right: one for each proxy in front of the application
// that appends to or sets the field. Zero trusts the field not at all: it is
// removed from the environ. A value further left than the count was written
// by someone untrusted, the client perhaps, and is never used.
//
// Without [Config.Proxies] a count is exact: a field with fewer values than
// its count is not trusted (werkzeug's rule), since the proxies that should
// have written them did not.
type Hops struct {
	For, Proto, Host, Port, Prefix int // X-Forwarded-For, -Proto, -Host, -Port, -Prefix
	Forwarded                      int // elements of the RFC 7239 Forwarded field
}

// Config says which proxies and fields the middleware trusts.
type Config struct {
	// Hops is the number of trusted values of each field.
	Hops Hops
	// Proxies, when not empty, lists the addresses and networks of the
	// trusted proxies, as gunicorn's forwarded_allow_ips does (see
	// [ParseProxies]). A request whose peer, REMOTE_ADDR, is not one of
	// them trusts no field. The client address is then found by walking
	// X-Forwarded-For (or Forwarded's for=) from the right past the
	// addresses of trusted proxies, at most Hops.For (Hops.Forwarded)
	// values: the first address that is not a trusted proxy is the
	// client's, as nginx's real_ip_recursive does.
	Proxies []netip.Prefix
}

// ErrConfig is the error of a Config that cannot work; New wraps it.
var ErrConfig = errors.New("proxyfix: bad configuration")

// check reports what is wrong with c.
func (c *Config) check() error {
	h := c.Hops
	for _, n := range []int{h.For, h.Proto, h.Host, h.Port, h.Prefix, h.Forwarded} {
		if n < 0 {
			return fmt.Errorf("%w: a negative hop count (%+v)", ErrConfig, h)
		}
	}
	// Two descriptions of the same hops would have to agree, and a proxy
	// that writes one rarely clears the other: waitress refuses the mix.
	if h.Forwarded > 0 && h.For+h.Proto+h.Host+h.Port+h.Prefix > 0 {
		return fmt.Errorf("%w: Forwarded and X-Forwarded-* cannot both be trusted", ErrConfig)
	}
	return nil
}

// ParseProxies parses a list of proxy addresses and networks as gunicorn's
// forwarded_allow_ips spells them, each item an IP address or a CIDR:
//
//	ParseProxies("127.0.0.1", "10.0.0.0/8, ::1") // 127.0.0.1/32, 10.0.0.0/8, ::1/128
//
// An item may hold several, separated by commas.
func ParseProxies(list ...string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range list {
		for _, s := range strings.Split(item, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if strings.Contains(s, "/") {
				p, err := netip.ParsePrefix(s)
				if err != nil {
					return nil, fmt.Errorf("%w: proxy %q: %v", ErrConfig, s, err)
				}
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%w: proxy %q: %v", ErrConfig, s, err)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}

// trusted reports whether a is the address of a trusted proxy.
func (c *Config) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range c.Proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
