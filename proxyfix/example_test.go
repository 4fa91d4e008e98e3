package proxyfix_test

import (
	"fmt"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/proxyfix"
)

// Behind one nginx that sets X-Forwarded-For, -Proto and -Prefix, from
// proxies in 10.0.0.0/8 only: the application sees the client, the
// scheme and its mount point, and no forwarding field it was not told to
// trust.
func ExampleNew() {
	proxies, err := proxyfix.ParseProxies("10.0.0.0/8")
	if err != nil {
		fmt.Println(err)
		return
	}
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		for _, k := range env.Keys() {
			fmt.Printf("%s=%s\n", k, env.Get(k))
		}
		_, err := start("204 No Content", nil)
		return nil, err
	})
	fixed, err := proxyfix.New(app, proxyfix.Config{
		Hops:    proxyfix.Hops{For: 1, Proto: 1, Prefix: 1},
		Proxies: proxies,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	env := wsgiref.NewEnviron(
		"REMOTE_ADDR", "10.0.0.2",
		"SCRIPT_NAME", "",
		"PATH_INFO", "/users/42",
		"HTTP_X_FORWARDED_FOR", "203.0.113.9, 198.51.100.4", // the client forged the first
		"HTTP_X_FORWARDED_PROTO", "https",
		"HTTP_X_FORWARDED_PREFIX", "/api",
		"HTTP_X_FORWARDED_HOST", "evil.example", // not trusted
		wsgiref.URLSchemeKey, "http",
	)
	start := func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }
	if _, err := fixed.ServeWSGI(env, start); err != nil {
		fmt.Println(err)
	}
	// Output:
	// REMOTE_ADDR=198.51.100.4
	// SCRIPT_NAME=/api
	// PATH_INFO=/users/42
	// HTTP_X_FORWARDED_FOR=203.0.113.9, 198.51.100.4
	// HTTP_X_FORWARDED_PROTO=https
	// HTTP_X_FORWARDED_PREFIX=/api
	// wsgi.url_scheme=https
}
