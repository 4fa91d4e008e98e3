package frontend

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTLS starts each front end with TLS and checks that it answers
// https on its one port with the certificate made for it, that a client
// trusting nothing else accepts it, and that plain HTTP on that port gets
// no page.
func TestTLS(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) *Server
	}{
		{"nginx", func(t *testing.T) *Server {
			return Nginx(t, NginxConfig{TLS: true, Server: `location = /hello { return 200 "scheme=$scheme https=$https"; }`})
		}},
		{"lighttpd", func(t *testing.T) *Server {
			s := LighttpdTLS(t, `server.modules += ("mod_staticfile")`)
			if err := os.WriteFile(filepath.Join(s.Dir, "htdocs", "hello"), []byte("scheme=https https=on"), 0o644); err != nil {
				t.Fatal(err)
			}
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t)
			if s.TLS == nil || !strings.HasPrefix(s.URL("/"), "https://") {
				t.Fatalf("a TLS front end has TLS %v and URL %s", s.TLS, s.URL("/"))
			}
			resp, err := s.Client().Get(s.URL("/hello"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.TLS == nil || resp.StatusCode != 200 || string(body) != "scheme=https https=on" {
				t.Errorf("GET /hello over TLS = %d %q (TLS state %v)", resp.StatusCode, body, resp.TLS != nil)
			}
			// Go's default client trusts the system's roots only: the
			// self-signed certificate must be refused there.
			if resp, err := http.Get(s.URL("/hello")); err == nil {
				resp.Body.Close()
				t.Errorf("a client that does not trust the test certificate got %s", resp.Status)
			}
			if resp, err := http.Get("http://" + s.Addr + "/hello"); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(b), "scheme=") {
					t.Errorf("plain HTTP on the TLS port served the page: %s %q", resp.Status, b)
				}
			}
		})
	}
}
