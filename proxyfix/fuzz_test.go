package proxyfix_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/gowsgi/wsgiref/proxyfix"
)

// FuzzFix feeds arbitrary X-Forwarded-* and Forwarded values through
// Fix under both kinds of configuration. Fix must not panic; it either
// fails with a FieldError or leaves a REMOTE_ADDR that is an IP address,
// a scheme of http or https, and no forwarding field it did not trust.
func FuzzFix(f *testing.F) {
	for _, s := range []string{
		"198.51.100.4", "1.1.1.1, [2001:db8::1]:80, 10.0.0.1", "[::1", "1.2.3.4:99999", "",
		`for=198.51.100.4;proto=https;host=example.org`, `for="[2001:db8::1]:4711", for=unknown`,
		`for="_x:_y";by=1.2.3.4, ,`, `for="a\"b`, "https", "example.org:8080", "/app/",
	} {
		f.Add(s, s)
	}
	xf, _ := proxyfix.New(recorder{}, proxyfix.Config{
		Hops: proxyfix.Hops{For: 2, Proto: 1, Host: 1, Port: 1, Prefix: 1}, Proxies: mustProxies("10.0.0.0/8")})
	fw, _ := proxyfix.New(recorder{}, proxyfix.Config{Hops: proxyfix.Hops{Forwarded: 2}})
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, m := range []*proxyfix.Middleware{xf, fw} {
			env := base("HTTP_X_FORWARDED_FOR", a, "HTTP_X_FORWARDED_PROTO", b, "HTTP_X_FORWARDED_HOST", b,
				"HTTP_X_FORWARDED_PORT", b, "HTTP_X_FORWARDED_PREFIX", b, "HTTP_FORWARDED", a+", "+b, "HTTP_X_REAL_IP", a)
			err := m.Fix(env)
			if env.Has("HTTP_X_REAL_IP") {
				t.Fatal("X-Real-IP left in the environ")
			}
			if err != nil {
				if !errors.Is(err, proxyfix.ErrMalformed) {
					t.Fatalf("Fix: %v is not ErrMalformed", err)
				}
				continue
			}
			if _, err := netip.ParseAddr(env.Get("REMOTE_ADDR")); err != nil {
				t.Fatalf("REMOTE_ADDR %q after Fix", env.Get("REMOTE_ADDR"))
			}
			if s := env.Get("wsgi.url_scheme"); s != "http" && s != "https" {
				t.Fatalf("wsgi.url_scheme %q after Fix", s)
			}
			if m == fw && env.Has("HTTP_X_FORWARDED_FOR") || m == xf && env.Has("HTTP_FORWARDED") {
				t.Fatal("an untrusted field left in the environ")
			}
		}
	})
}
