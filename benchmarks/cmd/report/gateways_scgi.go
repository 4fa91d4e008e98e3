package main

import "github.com/gowsgi/wsgiref/internal/frontend"

// The SCGI, uwsgi and proxy_pass rows of the gateway table, beside
// FastCGI's: the same hello application, the same nginx, another protocol
// between them. SCGI and uwsgi carry one request per connection, so nginx
// connects anew for each; proxy_pass keeps its connections to
// simpleserver alive, as fastcgi_keep_conn does.
func init() {
	gateways = append(gateways,
		gateway{Name: "wsgiref scgi", Server: "scgi", Nginx: scgiNginx,
			Note: "this module's `scgi.Serve`, over `scgi_pass` (a new connection per request: SCGI has no keep-alive)."},
		gateway{Name: "wsgiref uwsgi", Server: "uwsgi", Nginx: uwsgiNginx,
			Note: "this module's `uwsgi.Serve`, over `uwsgi_pass` (a new connection per request, as with uWSGI)."},
		gateway{Name: "wsgiref simpleserver (proxy_pass)", Server: "simple-quiet", Nginx: proxyNginx,
			Note: "`simpleserver` without its access log, over `proxy_pass` with `proxy_http_version 1.1` to an upstream with `keepalive 32`."},
	)
}

func scgiNginx(addr string) frontend.NginxConfig {
	return frontend.NginxConfig{
		HTTP:   "upstream backend { server " + addr + "; }",
		Server: "location / { include scgi_params; scgi_pass backend; }",
	}
}

func uwsgiNginx(addr string) frontend.NginxConfig {
	return frontend.NginxConfig{
		HTTP:   "upstream backend { server " + addr + "; }",
		Server: "location / { include uwsgi_params; uwsgi_pass backend; }",
	}
}

func proxyNginx(addr string) frontend.NginxConfig {
	return frontend.NginxConfig{
		HTTP:   "upstream backend { server " + addr + "; keepalive 32; }",
		Server: `location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }`,
	}
}
