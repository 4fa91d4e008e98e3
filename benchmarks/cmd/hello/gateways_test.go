package main

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/gowsgi/wsgiref/internal/frontend"
)

// TestGateways runs each FastCGI gateway behind a real nginx and checks the
// hello page.
func TestGateways(t *testing.T) {
	for _, name := range []string{"fastcgi", "nethttp-fcgi"} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go gateways[name](ln, "")
			fe := frontend.Nginx(t, frontend.NginxConfig{
				HTTP:   "upstream backend { server " + ln.Addr().String() + "; keepalive 4; }",
				Server: "location / { include fastcgi_params; fastcgi_keep_conn on; fastcgi_pass backend; }",
			})
			for range 3 {
				resp, err := http.Get(fe.URL("/"))
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || string(body) != helloBody || resp.ContentLength != int64(len(helloBody)) {
					t.Errorf("GET /: %s, %q (Content-Length %d), %v", resp.Status, body, resp.ContentLength, err)
				}
			}
		})
	}
}
