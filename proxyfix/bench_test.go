package proxyfix_test

import (
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/proxyfix"
)

// BenchmarkFix times Fix on the environ of a request behind one nginx, as
// TestBehindNginx's locations send it, refilling a pooled environ each
// time as a server does.
func BenchmarkFix(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  proxyfix.Config
		kv   []string
	}{
		{"XForwarded", oneHop, []string{
			"HTTP_X_FORWARDED_FOR", "203.0.113.9, 198.51.100.4", "HTTP_X_FORWARDED_PROTO", "https",
			"HTTP_X_FORWARDED_HOST", "example.org", "HTTP_X_FORWARDED_PORT", "443", "HTTP_X_FORWARDED_PREFIX", "/app",
		}},
		{"Forwarded", fwdOne, []string{"HTTP_FORWARDED", `for=198.51.100.4;proto=https;host="example.org:443"`}},
		{"Untrusted", otherNet, []string{"HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_X_REAL_IP", "198.51.100.4"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m, err := proxyfix.New(recorder{}, bc.cfg)
			if err != nil {
				b.Fatal(err)
			}
			env := new(wsgiref.Environ)
			fill := func() {
				env.Reset()
				for _, kv := range [][2]string{
					{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", ""}, {"PATH_INFO", "/x"},
					{"SERVER_NAME", "app.internal"}, {"SERVER_PORT", "8000"}, {"REMOTE_ADDR", "10.0.0.2"},
					{"HTTP_HOST", "app.internal:8000"}, {wsgiref.URLSchemeKey, "http"},
				} {
					env.Set(kv[0], kv[1])
				}
				for i := 0; i+1 < len(bc.kv); i += 2 {
					env.Set(bc.kv[i], bc.kv[i+1])
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				fill()
				if err := m.Fix(env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
