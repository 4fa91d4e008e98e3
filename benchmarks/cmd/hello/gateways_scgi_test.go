package main

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/gowsgi/wsgiref/internal/frontend"
)

// TestSCGIAndUWSGIGateways runs the scgi and uwsgi backends behind a real
// nginx, configured as the report configures it, and checks the hello page.
func TestSCGIAndUWSGIGateways(t *testing.T) {
	for name, location := range map[string]string{
		"scgi":  "location / { include scgi_params; scgi_pass backend; }",
		"uwsgi": "location / { include uwsgi_params; uwsgi_pass backend; }",
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go gateways[name](ln, "")
			fe := frontend.Nginx(t, frontend.NginxConfig{
				HTTP:   "upstream backend { server " + ln.Addr().String() + "; }",
				Server: location,
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
