package gatewaytest

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fastcgi"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
	"github.com/gowsgi/wsgiref/proxyfix"
	"github.com/gowsgi/wsgiref/scgi"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/uwsgi"
)

// schemeApp answers with the variables that say how the client reached
// the front end.
var schemeApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	var b strings.Builder
	for _, k := range []string{wsgiref.URLSchemeKey, "HTTPS", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"} {
		v, ok := env.Lookup(k)
		if !ok {
			v = "(absent)"
		}
		b.WriteString(k + "=" + v + "\n")
	}
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Blocks([]byte(b.String())), nil
})

// tlsSetup is a gateway behind a front end that terminates TLS.
type tlsSetup struct {
	name string
	// https is the HTTPS variable the application must see: "on" where
	// the front end passes it (every CGI-style gateway), "(absent)" behind
	// a proxy, which says https with X-Forwarded-Proto instead.
	https string
	// frontPort: SERVER_PORT is the front end's port (CGI-style
	// gateways); behind a proxy it is the backend's own.
	frontPort bool
	start     func(t *testing.T) *frontend.Server
}

var tlsSetups = []tlsSetup{
	{name: "nginx fastcgi_pass tcp", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l := listenTCP(t)
		s := fastcgi.NewServer(schemeApp, fastcgi.WithLogger(quiet()))
		serve(t, l, s.Serve, s.Close)
		conf := examplecmdtest.FastCGIBlock(t, l.Addr().String())
		conf.TLS = true
		return frontend.Nginx(t, conf)
	}},
	{name: "nginx scgi_pass unix", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l, path := listenUnix(t, "scgi.sock")
		s := scgi.NewServer(schemeApp, scgi.WithLogger(quiet()), scgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.Nginx(t, frontend.NginxConfig{TLS: true,
			Server: examplecmdtest.READMEBlock(t, "nginx scgi_pass", "unix:/run/app/scgi.sock", "unix:"+path)})
	}},
	{name: "nginx uwsgi_pass tcp", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l := listenTCP(t)
		s := uwsgi.NewServer(schemeApp, uwsgi.WithLogger(quiet()), uwsgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.Nginx(t, frontend.NginxConfig{TLS: true,
			Server: examplecmdtest.READMEBlock(t, "nginx uwsgi_pass", "127.0.0.1:8001", l.Addr().String())})
	}},
	{name: "lighttpd mod_fastcgi tcp", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l := listenTCP(t)
		s := fastcgi.NewServer(schemeApp, fastcgi.WithLogger(quiet()))
		serve(t, l, s.Serve, s.Close)
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		return frontend.LighttpdTLS(t, `server.modules += ("mod_fastcgi")
fastcgi.server = ("/app" => (("host" => "127.0.0.1", "port" => `+port+`, "check-local" => "disable")))`)
	}},
	{name: "lighttpd mod_scgi tcp", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l := listenTCP(t)
		s := scgi.NewServer(schemeApp, scgi.WithLogger(quiet()), scgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		return frontend.LighttpdTLS(t, examplecmdtest.READMEBlock(t, "lighttpd mod_scgi", `"port" => 8002`, `"port" => `+port))
	}},
	{name: "lighttpd mod_scgi uwsgi unix", https: "on", frontPort: true, start: func(t *testing.T) *frontend.Server {
		l, path := listenUnix(t, "uwsgi.sock")
		s := uwsgi.NewServer(schemeApp, uwsgi.WithLogger(quiet()), uwsgi.WithErrors(io.Discard))
		serve(t, l, s.Serve, s.Close)
		return frontend.LighttpdTLS(t, examplecmdtest.READMEBlock(t, "lighttpd mod_scgi",
			`"host" => "127.0.0.1", "port" => 8002`, `"socket" => "`+path+`"`,
			`# scgi.protocol = "uwsgi"`, `scgi.protocol = "uwsgi"`))
	}},
	{name: "nginx proxy_pass simpleserver", https: "(absent)", start: func(t *testing.T) *frontend.Server {
		l := listenTCP(t)
		// The README's configuration: the prefix and the scheme of one
		// proxy trusted.
		app, err := proxyfix.New(schemeApp, proxyfix.Config{Hops: proxyfix.Hops{Prefix: 1, Proto: 1}})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, app, simpleserver.WithListener(l),
			simpleserver.WithLogger(quiet()), simpleserver.WithErrors(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		serve(t, l, func(net.Listener) error { return srv.ServeForever() }, srv.Close)
		return frontend.Nginx(t, frontend.NginxConfig{TLS: true,
			Server: examplecmdtest.READMEBlock(t, "nginx proxy_pass", "127.0.0.1:8000", l.Addr().String())})
	}},
}

// TestBehindTLS runs each gateway behind a front end that terminates TLS,
// with the configuration the README shows, and checks that the
// application learns the request came over https: wsgi.url_scheme https
// (PEP 3333 takes it from HTTPS=on, which the front ends' parameter files
// pass), and, for the CGI-style gateways, SERVER_PORT the port the client
// used.
func TestBehindTLS(t *testing.T) {
	for _, s := range tlsSetups {
		t.Run(s.name, func(t *testing.T) {
			fe := s.start(t)
			resp, err := fe.Client().Get(fe.URL("/app/x/y?q=1"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.TLS == nil || resp.StatusCode != 200 {
				t.Fatalf("GET over TLS: %s, TLS state %v\n%s", resp.Status, resp.TLS != nil, body)
			}
			got := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				got[k] = v
			}
			_, port, _ := net.SplitHostPort(fe.Addr)
			want := map[string]string{wsgiref.URLSchemeKey: "https", "HTTPS": s.https,
				"SCRIPT_NAME": "/app", "PATH_INFO": "/x/y", "QUERY_STRING": "q=1"}
			if s.frontPort {
				want["SERVER_PORT"] = port
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if t.Failed() {
				t.Logf("the application saw:\n%s", body)
			}
		})
	}
}
