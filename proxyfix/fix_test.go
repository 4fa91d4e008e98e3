package proxyfix_test

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/proxyfix"
)

// absent marks a variable that must not be in the environ.
const absent = "<absent>"

// base is the environ a server makes for a request from the last proxy,
// 10.0.0.2, to this one at app.internal:8000.
func base(kv ...string) *wsgiref.Environ {
	env := wsgiref.NewEnviron(
		"REQUEST_METHOD", "GET", "SCRIPT_NAME", "", "PATH_INFO", "/x",
		"SERVER_NAME", "app.internal", "SERVER_PORT", "8000",
		"REMOTE_ADDR", "10.0.0.2", "REMOTE_PORT", "51000",
		"HTTP_HOST", "app.internal:8000", wsgiref.URLSchemeKey, "http",
	)
	for i := 0; i+1 < len(kv); i += 2 {
		env.Set(kv[i], kv[i+1])
	}
	return env
}

var (
	oneHop     = proxyfix.Config{Hops: proxyfix.Hops{For: 1, Proto: 1, Host: 1, Port: 1, Prefix: 1}}
	twoHops    = proxyfix.Config{Hops: proxyfix.Hops{For: 2, Proto: 1}}
	fwdOne     = proxyfix.Config{Hops: proxyfix.Hops{Forwarded: 1}}
	fwdTwo     = proxyfix.Config{Hops: proxyfix.Hops{Forwarded: 2}}
	tenNet     = mustProxies("10.0.0.0/8")
	fromTenNet = proxyfix.Config{Hops: proxyfix.Hops{For: 5, Proto: 1}, Proxies: tenNet}
	fwdTenNet  = proxyfix.Config{Hops: proxyfix.Hops{Forwarded: 5}, Proxies: tenNet}
	otherNet   = proxyfix.Config{Hops: proxyfix.Hops{For: 1, Proto: 1, Host: 1}, Proxies: mustProxies("192.168.0.0/16, ::1")}
)

func mustProxies(s ...string) []netip.Prefix {
	p, err := proxyfix.ParseProxies(s...)
	if err != nil {
		panic(err)
	}
	return p
}

// TestHostile runs forwarding fields, honest and hostile, through the
// middleware: the status, the reason logged, and the variables the
// application then sees.
func TestHostile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    proxyfix.Config
		in     []string          // variables set on the base environ
		status string            // "200 OK" when the application ran
		log    string            // in wsgi.errors; "" for nothing logged
		want   map[string]string // variables after; absent for deleted
	}{
		{"one hop: the proxy's view", oneHop, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_X_FORWARDED_PROTO", "https",
			"HTTP_X_FORWARDED_HOST", "example.org", "HTTP_X_FORWARDED_PREFIX", "/app/",
		}, "200 OK", "", map[string]string{
			"REMOTE_ADDR": "198.51.100.4", "REMOTE_PORT": absent, wsgiref.URLSchemeKey: "https",
			"HTTP_HOST": "example.org", "SERVER_NAME": "example.org", "SERVER_PORT": "443",
			"SCRIPT_NAME": "/app", "PATH_INFO": "/x", "HTTP_X_FORWARDED_FOR": "198.51.100.4",
		}},
		{"spoofed chain: only the last value counts", oneHop, []string{
			"HTTP_X_FORWARDED_FOR", "127.0.0.1, 10.9.9.9, 198.51.100.4",
			"HTTP_X_FORWARDED_PROTO", "https, http",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "http"}},
		{"too many hops claimed: two trusted of four", twoHops, []string{
			"HTTP_X_FORWARDED_FOR", "1.1.1.1, 2.2.2.2, 198.51.100.4, 10.0.0.1",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4"}},
		{"too few values for the hops: untrusted, removed", twoHops, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "10.0.0.2", "REMOTE_PORT": "51000", "HTTP_X_FORWARDED_FOR": absent}},
		{"untrusted fields removed", proxyfix.Config{Hops: proxyfix.Hops{For: 1}}, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_X_FORWARDED_PROTO", "https",
			"HTTP_X_FORWARDED_HOST", "evil.example", "HTTP_X_FORWARDED_PREFIX", "/evil",
			"HTTP_X_FORWARDED_PORT", "1", "HTTP_FORWARDED", "for=6.6.6.6", "HTTP_X_REAL_IP", "6.6.6.6",
			"HTTP_X_FORWARDED_SSL", "on", "HTTP_FRONT_END_HTTPS", "on",
		}, "200 OK", "", map[string]string{
			"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "http", "HTTP_HOST": "app.internal:8000",
			"SCRIPT_NAME": "", "HTTP_X_FORWARDED_PROTO": absent, "HTTP_X_FORWARDED_HOST": absent,
			"HTTP_X_FORWARDED_PREFIX": absent, "HTTP_X_FORWARDED_PORT": absent, "HTTP_FORWARDED": absent,
			"HTTP_X_REAL_IP": absent, "HTTP_X_FORWARDED_SSL": absent, "HTTP_FRONT_END_HTTPS": absent,
		}},
		{"zero config trusts nothing", proxyfix.Config{}, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_FORWARDED", "for=198.51.100.4",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": absent, "HTTP_FORWARDED": absent}},
		{"peer not a trusted proxy: nothing trusted", otherNet, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_X_FORWARDED_PROTO", "https", "HTTP_X_FORWARDED_HOST", "evil.example",
		}, "200 OK", "", map[string]string{
			"REMOTE_ADDR": "10.0.0.2", wsgiref.URLSchemeKey: "http", "HTTP_HOST": "app.internal:8000",
			"HTTP_X_FORWARDED_FOR": absent, "HTTP_X_FORWARDED_PROTO": absent, "HTTP_X_FORWARDED_HOST": absent,
		}},
		{"peer not an address: nothing trusted", otherNet, []string{
			"REMOTE_ADDR", "", "HTTP_X_FORWARDED_FOR", "198.51.100.4",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": absent}},
		{"proxies: walk past trusted hops", fromTenNet, []string{
			"HTTP_X_FORWARDED_FOR", "6.6.6.6, 198.51.100.4, 10.1.1.1, 10.0.0.3",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4"}},
		{"proxies: a client inside the trusted net", fromTenNet, []string{
			"HTTP_X_FORWARDED_FOR", "10.1.1.1, 10.0.0.3",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "10.1.1.1"}},
		{"proxies: the walk stops at the hop count", proxyfix.Config{Hops: proxyfix.Hops{For: 1}, Proxies: tenNet}, []string{
			"HTTP_X_FORWARDED_FOR", "198.51.100.4, 10.0.0.3",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "10.0.0.3"}},
		{"IPv6 client, bracketed with port", oneHop, []string{
			"HTTP_X_FORWARDED_FOR", "[2001:db8::7]:4711",
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "2001:db8::7", "REMOTE_PORT": "4711"}},
		{"IPv6 client, bare", oneHop, []string{"HTTP_X_FORWARDED_FOR", "2001:DB8::7"}, "200 OK", "",
			map[string]string{"REMOTE_ADDR": "2001:db8::7"}},
		{"IPv4 client with a port", oneHop, []string{"HTTP_X_FORWARDED_FOR", "198.51.100.4:8443"}, "200 OK", "",
			map[string]string{"REMOTE_ADDR": "198.51.100.4", "REMOTE_PORT": "8443"}},
		{"IPv4-mapped IPv6 client", oneHop, []string{"HTTP_X_FORWARDED_FOR", "::ffff:198.51.100.4"}, "200 OK", "",
			map[string]string{"REMOTE_ADDR": "198.51.100.4"}},
		{"proxy over IPv6 trusted by ::1", otherNet, []string{
			"REMOTE_ADDR", "::1", "HTTP_X_FORWARDED_FOR", "198.51.100.4", "HTTP_X_FORWARDED_HOST", "[2001:db8::1]:8443",
		}, "200 OK", "", map[string]string{
			"REMOTE_ADDR": "198.51.100.4", "HTTP_HOST": "[2001:db8::1]:8443", "SERVER_NAME": "[2001:db8::1]", "SERVER_PORT": "8443",
		}},
		{"host with port, then X-Forwarded-Port", oneHop, []string{
			"HTTP_X_FORWARDED_HOST", "example.org:8080", "HTTP_X_FORWARDED_PORT", "9090",
		}, "200 OK", "", map[string]string{"HTTP_HOST": "example.org:9090", "SERVER_NAME": "example.org", "SERVER_PORT": "9090"}},
		{"port alone", oneHop, []string{"HTTP_X_FORWARDED_PORT", "8443"}, "200 OK", "",
			map[string]string{"HTTP_HOST": "app.internal:8443", "SERVER_PORT": "8443"}},
		{"host without port over http", oneHop, []string{"HTTP_X_FORWARDED_HOST", "example.org"}, "200 OK", "",
			map[string]string{"SERVER_PORT": "80", "HTTP_HOST": "example.org"}},
		{"prefix percent-encoded", oneHop, []string{"HTTP_X_FORWARDED_PREFIX", "/sp%C3%A4m/", "SCRIPT_NAME", "/sub"}, "200 OK", "",
			map[string]string{"SCRIPT_NAME": "/sp\xc3\xa4m/sub"}},
		{"prefix of one slash", oneHop, []string{"HTTP_X_FORWARDED_PREFIX", "/"}, "200 OK", "",
			map[string]string{"SCRIPT_NAME": ""}},
		{"originals kept", oneHop, []string{"HTTP_X_FORWARDED_FOR", "198.51.100.4"}, "200 OK", "",
			map[string]string{"orig.RemoteAddr": "10.0.0.2", "orig.RemotePort": "51000", "orig.HTTPHost": "app.internal:8000"}},

		{"malformed: X-Forwarded-For not an address", oneHop, []string{"HTTP_X_FORWARDED_FOR", "198.51.100.4, evil"},
			"400 Bad Request", `X-Forwarded-For "evil": not an IP address`, map[string]string{"REMOTE_ADDR": "10.0.0.2"}},
		{"malformed: X-Forwarded-For with a zone", oneHop, []string{"HTTP_X_FORWARDED_FOR", "fe80::1%eth0"},
			"400 Bad Request", "not an IP address", nil},
		{"malformed: X-Forwarded-For IPv4 in brackets", oneHop, []string{"HTTP_X_FORWARDED_FOR", "[1.2.3.4]"},
			"400 Bad Request", "an IPv4 address in brackets", nil},
		{"malformed: X-Forwarded-For unclosed bracket", oneHop, []string{"HTTP_X_FORWARDED_FOR", "[2001:db8::1"},
			"400 Bad Request", "no closing bracket", nil},
		{"malformed: X-Forwarded-For port too big", oneHop, []string{"HTTP_X_FORWARDED_FOR", "1.2.3.4:65536"},
			"400 Bad Request", "not a port number", nil},
		{"a bad value left of the trusted hop is never read", oneHop, []string{"HTTP_X_FORWARDED_FOR", "<script>, 198.51.100.4"},
			"200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4"}},
		{"malformed: proto", oneHop, []string{"HTTP_X_FORWARDED_PROTO", "javascript"},
			"400 Bad Request", `X-Forwarded-Proto "javascript": not "http" or "https"`, map[string]string{wsgiref.URLSchemeKey: "http"}},
		{"proto in capitals", oneHop, []string{"HTTP_X_FORWARDED_PROTO", "HTTPS"}, "200 OK", "",
			map[string]string{wsgiref.URLSchemeKey: "https"}},
		{"malformed: host with a slash", oneHop, []string{"HTTP_X_FORWARDED_HOST", "evil.example/x"},
			"400 Bad Request", "not a host name", map[string]string{"HTTP_HOST": "app.internal:8000"}},
		{"malformed: host with userinfo", oneHop, []string{"HTTP_X_FORWARDED_HOST", "a@evil.example"},
			"400 Bad Request", "not a host name", nil},
		{"malformed: host with a bad port", oneHop, []string{"HTTP_X_FORWARDED_HOST", "example.org:http"},
			"400 Bad Request", "not a port number after the host", nil},
		{"malformed: host in brackets not IPv6", oneHop, []string{"HTTP_X_FORWARDED_HOST", "[evil]"},
			"400 Bad Request", "not an IPv6 address in brackets", nil},
		{"malformed: port", oneHop, []string{"HTTP_X_FORWARDED_PORT", "80x"},
			"400 Bad Request", `X-Forwarded-Port "80x": not a port number`, map[string]string{"SERVER_PORT": "8000"}},
		{"malformed: prefix not a path", oneHop, []string{"HTTP_X_FORWARDED_PREFIX", "app"},
			"400 Bad Request", `not a path starting with "/"`, map[string]string{"SCRIPT_NAME": ""}},
		{"malformed: prefix decodes to a newline", oneHop, []string{"HTTP_X_FORWARDED_PREFIX", "/a%0d%0aSet-Cookie:x"},
			"400 Bad Request", "a control character in the path", nil},
		{"malformed: prefix with a query", oneHop, []string{"HTTP_X_FORWARDED_PREFIX", "/a?b"},
			"400 Bad Request", "not a path", nil},

		{"Forwarded: one element", fwdOne, []string{
			"HTTP_FORWARDED", `for="[2001:db8::7]:4711";proto=https;host=example.org;by=10.0.0.2`,
		}, "200 OK", "", map[string]string{
			"REMOTE_ADDR": "2001:db8::7", "REMOTE_PORT": "4711", wsgiref.URLSchemeKey: "https",
			"HTTP_HOST": "example.org", "SERVER_NAME": "example.org", "SERVER_PORT": "443",
		}},
		{"Forwarded: spoofed elements on the left", fwdOne, []string{
			"HTTP_FORWARDED", `for=6.6.6.6;proto=https;host=evil.example, for=198.51.100.4;proto=http`,
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "http", "HTTP_HOST": "app.internal:8000"}},
		{"Forwarded: two hops", fwdTwo, []string{
			"HTTP_FORWARDED", `for=6.6.6.6, for=198.51.100.4;proto=https, for=10.0.0.9`,
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "https"}},
		{"Forwarded: too few elements", fwdTwo, []string{"HTTP_FORWARDED", `for=198.51.100.4`}, "200 OK", "",
			map[string]string{"REMOTE_ADDR": "10.0.0.2", "HTTP_FORWARDED": absent}},
		{"Forwarded: proxies walk", fwdTenNet, []string{
			"HTTP_FORWARDED", `for=6.6.6.6, for=198.51.100.4;proto=https, for=10.0.0.9;proto=http`,
		}, "200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "https"}},
		{"Forwarded: unknown node keeps REMOTE_ADDR", fwdOne, []string{"HTTP_FORWARDED", `for=unknown;proto=https`},
			"200 OK", "", map[string]string{"REMOTE_ADDR": "10.0.0.2", "REMOTE_PORT": "51000", wsgiref.URLSchemeKey: "https"}},
		{"Forwarded: obfuscated node and port", fwdOne, []string{"HTTP_FORWARDED", `for="_hidden:_p"`},
			"200 OK", "", map[string]string{"REMOTE_ADDR": "10.0.0.2"}},
		{"Forwarded: empty elements, case and spaces", fwdOne, []string{"HTTP_FORWARDED", ` , For=198.51.100.4 ; PROTO=https ,`},
			"200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.4", wsgiref.URLSchemeKey: "https"}},
		{"Forwarded: quoted comma and escape", fwdOne, []string{"HTTP_FORWARDED", `for=198.51.100.4;ext="a,\"b", for=198.51.100.5`},
			"200 OK", "", map[string]string{"REMOTE_ADDR": "198.51.100.5"}},
		{"malformed Forwarded: unterminated quote", fwdOne, []string{"HTTP_FORWARDED", `for="198.51.100.4, for=198.51.100.5`},
			"400 Bad Request", "unterminated quoted string", map[string]string{"REMOTE_ADDR": "10.0.0.2"}},
		{"malformed Forwarded: no =", fwdOne, []string{"HTTP_FORWARDED", `for`},
			"400 Bad Request", `parameter for has no "="`, nil},
		{"malformed Forwarded: parameter twice", fwdOne, []string{"HTTP_FORWARDED", `for=1.2.3.4;for=5.6.7.8`},
			"400 Bad Request", "parameter for twice in one element", nil},
		{"malformed Forwarded: space in a token", fwdOne, []string{"HTTP_FORWARDED", `for=1.2.3.4 5.6.7.8`},
			"400 Bad Request", `expected ";" or ","`, nil},
		{"malformed Forwarded: empty value", fwdOne, []string{"HTTP_FORWARDED", `for=;proto=http`},
			"400 Bad Request", "empty parameter value", nil},
		{"malformed Forwarded: IPv6 without brackets", fwdOne, []string{"HTTP_FORWARDED", `for="2001:db8::1"`},
			"400 Bad Request", "for=: an IPv6 address not in brackets", nil},
		{"malformed Forwarded: for= a name", fwdOne, []string{"HTTP_FORWARDED", `for=evil.example`},
			"400 Bad Request", "for=: not an IPv4 address", nil},
		{"malformed Forwarded: control in quotes", fwdOne, []string{"HTTP_FORWARDED", "for=\"1.2.3.4\x01\""},
			"400 Bad Request", "control character in a quoted string", nil},
		{"malformed Forwarded: bad proto", fwdOne, []string{"HTTP_FORWARDED", `for=1.2.3.4;proto=ftp`},
			"400 Bad Request", `Forwarded "ftp": not "http" or "https"`, nil},
		{"malformed Forwarded: bad host", fwdOne, []string{"HTTP_FORWARDED", `host="a b"`},
			"400 Bad Request", "not a host name", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := proxyfix.New(recorder{}, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			env := base(tc.in...)
			var errs bytes.Buffer
			env.Errors = &errs
			var status string
			body, err := m.ServeWSGI(env, func(s string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
				status = s
				return func([]byte) error { return nil }, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if status != tc.status {
				t.Errorf("status %q, want %q", status, tc.status)
			}
			if b, _ := body.Next(); tc.status != "200 OK" && !strings.HasPrefix(string(b), "Bad Request: malformed ") {
				t.Errorf("body %q", b)
			}
			if got := errs.String(); tc.log == "" && got != "" || !strings.Contains(got, tc.log) {
				t.Errorf("logged %q, want %q", got, tc.log)
			}
			orig, _ := env.Extension(proxyfix.OriginalKey)
			for k, want := range tc.want {
				got, ok := env.Lookup(k)
				if o, isOrig := strings.CutPrefix(k, "orig."); isOrig {
					got, ok = origField(orig, o)
				}
				if !ok {
					got = absent
				}
				if got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// recorder is the application: it answers 200.
type recorder struct{}

func (recorder) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	_, err := start("200 OK", headers.New("Content-Type", "text/plain"))
	return wsgiref.Strings("ok"), err
}

func origField(v any, name string) (string, bool) {
	o, ok := v.(*proxyfix.Original)
	if !ok {
		return "", false
	}
	switch name {
	case "RemoteAddr":
		return o.RemoteAddr, true
	case "RemotePort":
		return o.RemotePort, true
	case "HTTPHost":
		return o.HTTPHost, true
	}
	return "", false
}

func TestConfigRefused(t *testing.T) {
	for _, cfg := range []proxyfix.Config{
		{Hops: proxyfix.Hops{For: -1}},
		{Hops: proxyfix.Hops{Forwarded: 1, Proto: 1}},
	} {
		if _, err := proxyfix.New(recorder{}, cfg); !errors.Is(err, proxyfix.ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", cfg, err)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "10.0.0", "host.example"} {
		if _, err := proxyfix.ParseProxies(bad); !errors.Is(err, proxyfix.ErrConfig) {
			t.Errorf("ParseProxies(%q) = %v, want ErrConfig", bad, err)
		}
	}
	p, err := proxyfix.ParseProxies("127.0.0.1", " 10.1.2.3/8, ::1 ,", "::ffff:192.0.2.1")
	want := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.0.2.1/32"),
	}
	if err != nil || len(p) != len(want) {
		t.Fatalf("ParseProxies = %v, %v", p, err)
	}
	for i := range p {
		if p[i] != want[i] {
			t.Errorf("ParseProxies[%d] = %v, want %v", i, p[i], want[i])
		}
	}
}

// TestFieldError checks that the error a malformed field gives can be
// matched as users would.
func TestFieldError(t *testing.T) {
	m, _ := proxyfix.New(recorder{}, oneHop)
	err := m.Fix(base("HTTP_X_FORWARDED_PORT", "x"))
	var fe *proxyfix.FieldError
	if !errors.Is(err, proxyfix.ErrMalformed) || !errors.As(err, &fe) || fe.Field != "X-Forwarded-Port" || fe.Value != "x" {
		t.Fatalf("Fix = %#v", err)
	}
	if got, want := err.Error(), `proxyfix: X-Forwarded-Port "x": not a port number`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
