// Package proxyfix is middleware for an application behind reverse
// proxies: it takes the client's address, the scheme, the host and port
// and the mount point from the forwarding fields the proxies add, and
// removes every forwarding field it was not told to trust, so that an
// application cannot be fooled by a client that sends its own.
//
// It follows werkzeug's ProxyFix in counting trusted values from the right
// (one per proxy that appends to or sets the field), gunicorn's
// forwarded_allow_ips in trusting the fields only from listed proxy
// addresses, and waitress (since 3.0) in clearing untrusted fields from the
// environ.
//
// The fields and what a trusted value sets:
//
//	X-Forwarded-For     REMOTE_ADDR (REMOTE_PORT when a port is given, else deleted)
//	X-Forwarded-Proto   wsgi.url_scheme ("http" or "https")
//	X-Forwarded-Host    HTTP_HOST, SERVER_NAME, SERVER_PORT (the scheme's default port when none)
//	X-Forwarded-Port    SERVER_PORT, and the port of HTTP_HOST
//	X-Forwarded-Prefix  SCRIPT_NAME (the prefix, percent-decoded and without a final "/",
//	                    goes before the SCRIPT_NAME the server set)
//	Forwarded (RFC 7239) for=, proto= and host= of one element, as the three above
//
// An application served at https://example.org/app/ behind one nginx:
//
//	location /app/ {
//		proxy_pass http://127.0.0.1:8000/;
//		proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
//		proxy_set_header X-Forwarded-Proto $scheme;
//		proxy_set_header X-Forwarded-Host $host;
//		proxy_set_header X-Forwarded-Prefix /app;
//	}
//
// is wrapped as
//
//	app, err := proxyfix.New(app, proxyfix.Config{
//		Hops: proxyfix.Hops{For: 1, Proto: 1, Host: 1, Prefix: 1},
//	})
//
// A trusted value that is malformed (an X-Forwarded-For entry that is not an
// IP address, a Forwarded field that does not parse, a port that is not a
// number) makes the middleware answer 400 Bad Request and log the reason to
// wsgi.errors, as waitress does: a proxy that is trusted and sends nonsense
// is a fault to see, not a request to serve with the proxy's address.
//
// A field name spelled with underscores, X_Forwarded_For, becomes the same
// environ key as X-Forwarded-For in a CGI-style server that keeps such
// names (CPython's does), and the two values are joined into one list: a
// client could add a value to the list the proxy wrote. simpleserver
// leaves such names out of the environ unless told otherwise
// (simpleserver.WithUnderscoreFields), and nginx drops them
// (underscores_in_headers is off by default): keep both that way in front
// of this middleware.
//
// The values the middleware replaced are kept under the extension key
// [OriginalKey], as werkzeug keeps them under werkzeug.proxy_fix.orig.
package proxyfix
