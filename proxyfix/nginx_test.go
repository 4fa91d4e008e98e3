package proxyfix_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/frontend"
	"github.com/gowsgi/wsgiref/proxyfix"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// reportKeys are the variables the report application prints.
var reportKeys = []string{"REMOTE_ADDR", "REMOTE_PORT", wsgiref.URLSchemeKey, "HTTP_HOST", "SERVER_NAME",
	"SERVER_PORT", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"}

// reportApp prints the variables a proxy-aware application reads, one
// "KEY=value" a line ("KEY" alone when absent), then the forwarding
// fields left in the environ, sorted.
var reportApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	var b strings.Builder
	for _, k := range reportKeys {
		if v, ok := env.Lookup(k); ok {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		} else {
			fmt.Fprintf(&b, "%s\n", k)
		}
	}
	var fwd []string
	for _, k := range env.Keys() {
		if strings.HasPrefix(k, "HTTP_X_") || k == "HTTP_FORWARDED" {
			fwd = append(fwd, k+"="+env.Get(k))
		}
	}
	slices.Sort(fwd)
	fmt.Fprintf(&b, "fields=%s\n", strings.Join(fwd, "|"))
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(b.String()), nil
})

// syncBuffer is wsgi.errors for a server whose requests run on their own
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts simpleserver on 127.0.0.1 with reportApp behind cfg.
func serve(t *testing.T, cfg proxyfix.Config) (addr string, errs *syncBuffer) {
	t.Helper()
	app, err := proxyfix.New(reportApp, cfg)
	if err != nil {
		t.Fatal(err)
	}
	errs = new(syncBuffer)
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app, simpleserver.WithErrors(errs),
		simpleserver.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeForever()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv.Addr().String(), errs
}

// clientFrom is an HTTP client whose connections come from the loopback
// address local, so that the address a proxy forwards differs from the
// proxy's own (127.0.0.1).
func clientFrom(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// fetch GETs url with the header fields h (name, value, ...) and returns
// the status code and body.
func fetch(t *testing.T, c *http.Client, url string, h ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(h); i += 2 {
		req.Header.Add(h[i], h[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// spoofed are the forwarding fields a hostile client sends along.
var spoofed = []string{
	"X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example",
	"X-Forwarded-Port", "1", "X-Forwarded-Prefix", "/evil", "X-Real-IP", "203.0.113.9",
	"Forwarded", "for=203.0.113.9;proto=https;host=evil.example", "X-Forwarded-Ssl", "on",
}

// TestBehindNginx runs the middleware behind a real nginx proxy_pass to
// simpleserver: one location with X-Forwarded-*, one with Forwarded, a
// client from 127.0.0.2 that sends forged fields of every kind, and a
// client that skips nginx.
func TestBehindNginx(t *testing.T) {
	local := mustProxies("127.0.0.1")
	xff, _ := serve(t, proxyfix.Config{Hops: proxyfix.Hops{For: 1, Proto: 1, Host: 1, Port: 1, Prefix: 1}, Proxies: local})
	fwd, fwdErrs := serve(t, proxyfix.Config{Hops: proxyfix.Hops{Forwarded: 1}, Proxies: local})
	fe := frontend.Nginx(t, frontend.NginxConfig{Server: `
		location /app/ {
			proxy_pass http://` + xff + `/;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto $scheme;
			proxy_set_header X-Forwarded-Host $host;
			proxy_set_header X-Forwarded-Port $server_port;
			proxy_set_header X-Forwarded-Prefix /app;
		}
		location /fwd/ {
			proxy_pass http://` + fwd + `/;
			proxy_set_header Forwarded "$http_forwarded, for=$remote_addr;proto=$scheme;host=\"$http_host\"";
		}`})
	port := fe.Addr[strings.LastIndexByte(fe.Addr, ':')+1:]
	client := clientFrom("127.0.0.2")

	for _, tc := range []struct {
		name   string
		url    string
		fields []string
		code   int
		want   []string // lines of the report
	}{
		{"X-Forwarded-*, forged fields sent along", fe.URL("/app/x/y?q=1"), spoofed, 200, []string{
			"REMOTE_ADDR=127.0.0.2", "REMOTE_PORT", "wsgi.url_scheme=http", "HTTP_HOST=127.0.0.1:" + port,
			"SERVER_NAME=127.0.0.1", "SERVER_PORT=" + port, "SCRIPT_NAME=/app", "PATH_INFO=/x/y", "QUERY_STRING=q=1",
			"fields=HTTP_X_FORWARDED_FOR=203.0.113.9, 127.0.0.2|HTTP_X_FORWARDED_HOST=127.0.0.1|" +
				"HTTP_X_FORWARDED_PORT=" + port + "|HTTP_X_FORWARDED_PREFIX=/app|HTTP_X_FORWARDED_PROTO=http",
		}},
		{"X-Forwarded-*, honest client", fe.URL("/app/"), nil, 200, []string{
			"REMOTE_ADDR=127.0.0.2", "SCRIPT_NAME=/app", "PATH_INFO=/",
		}},
		{"Forwarded, forged fields sent along", fe.URL("/fwd/z"), spoofed, 200, []string{
			"REMOTE_ADDR=127.0.0.2", "REMOTE_PORT", "wsgi.url_scheme=http", "HTTP_HOST=127.0.0.1:" + port,
			"SERVER_NAME=127.0.0.1", "SERVER_PORT=" + port, "SCRIPT_NAME=", "PATH_INFO=/z",
			`fields=HTTP_FORWARDED=for=203.0.113.9;proto=https;host=evil.example, for=127.0.0.2;proto=http;host="127.0.0.1:` + port + `"`,
		}},
		{"Forwarded, honest client (an empty element first)", fe.URL("/fwd/"), nil, 200, []string{
			"REMOTE_ADDR=127.0.0.2", "PATH_INFO=/",
		}},
		{"Forwarded, malformed by the client", fe.URL("/fwd/"), []string{"Forwarded", `for="203.0.113.9`}, 400, nil},
		{"straight to the backend: nothing trusted", "http://" + xff + "/x", spoofed, 200, []string{
			"REMOTE_ADDR=127.0.0.2", "wsgi.url_scheme=http", "HTTP_HOST=" + xff, "SCRIPT_NAME=", "PATH_INFO=/x", "fields=",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := fetch(t, client, tc.url, tc.fields...)
			if code != tc.code {
				t.Fatalf("status %d, want %d; body:\n%s", code, tc.code, body)
			}
			lines := strings.Split(body, "\n")
			for _, w := range tc.want {
				if !slices.Contains(lines, w) {
					t.Errorf("no line %q in:\n%s", w, body)
				}
			}
		})
	}
	// The client's quote ends at the one nginx opens for host=, so the
	// parse fails right after it.
	if got := fwdErrs.String(); !strings.Contains(got, `proxyfix: Forwarded "for=\"203.0.113.9, for=127.0.0.2;proto=http;host=\"127.0.0.1:`+port+`\"": expected ";" or "," after parameter for`) {
		t.Errorf("the malformed Forwarded field was not logged with its reason; wsgi.errors:\n%s", got)
	}
	if _, err := netip.ParseAddrPort(fe.Addr); err != nil {
		t.Errorf("front end address %q: %v", fe.Addr, err)
	}
}
