// Package frontend starts real front ends, nginx and lighttpd, on 127.0.0.1
// for tests: each in a private temporary directory (configuration, pid file,
// logs and temp paths all inside it), on a free port, waited for until it
// accepts connections, and stopped and cleaned up when the test ends. When the
// test fails, the front end's error log is attached to the failure.
//
// A test starts its gateway first, on a listener of its own, and writes that
// address (or Unix socket, see [SocketPath]) into the configuration it hands
// over:
//
//	l, _ := net.Listen("tcp", "127.0.0.1:0")
//	go fastcgi.Serve(l, app)
//	fe := frontend.Nginx(t, frontend.NginxConfig{Server: `
//		location /app/ {
//			include fastcgi_params;
//			fastcgi_pass ` + l.Addr().String() + `;
//		}`})
//	resp, err := http.Get(fe.URL("/app/x?y=1"))
//
// A missing binary skips the test with the reason, except in CI (CI=true),
// where it fails it: CI installs both front ends, so a missing one is a
// broken CI image, not a reason to pass.
package frontend
