package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Lighttpd starts lighttpd in the foreground (-D) on 127.0.0.1 and a free
// port, with config appended to a skeleton that sets the address, port,
// document root (an empty directory), upload directory and error log, all
// within the Server's Dir. config loads the modules it needs, for example:
//
//	server.modules += ("mod_fastcgi")
//	fastcgi.server = ("/app" => (("host" => "127.0.0.1", "port" => 9000, "check-local" => "disable")))
//
// The error log is attached to a failing test; lighttpd is stopped when the
// test ends.
func Lighttpd(t testing.TB, config string) *Server {
	t.Helper()
	return start(t, lighttpdLaunch(config, false))
}

// LighttpdTLS is [Lighttpd] listening with TLS only (mod_openssl), on a
// self-signed certificate made for the run. lighttpd then passes HTTPS=on
// and REQUEST_SCHEME=https to its backends; the Server's TLS field is a
// client configuration that trusts the certificate.
func LighttpdTLS(t testing.TB, config string) *Server {
	t.Helper()
	return start(t, lighttpdLaunch(config, true))
}

func lighttpdLaunch(config string, tls bool) launch {
	return launch{
		name: "lighttpd",
		tls:  tls,
		files: func(dir string, port int) (string, string, error) {
			text := config
			if tls {
				text = fmt.Sprintf("server.modules += (\"mod_openssl\")\nssl.engine = \"enable\"\nssl.pemfile = %q\nssl.privkey = %q\n%s",
					filepath.Join(dir, certFile), filepath.Join(dir, keyFile), config)
			}
			return lighttpdFiles(dir, port, text)
		},
		args: func(dir, config string) []string { return []string{"-D", "-f", config} },
	}
}

// lighttpdFiles writes lighttpd.conf for config on port, and the document
// root, into dir.
func lighttpdFiles(dir string, port int, config string) (conf, errorLog string, err error) {
	root := filepath.Join(dir, "htdocs")
	if err := os.Mkdir(root, 0o755); err != nil {
		return "", "", err
	}
	conf = filepath.Join(dir, "lighttpd.conf")
	errorLog = filepath.Join(dir, "error.log")
	text := fmt.Sprintf(`server.document-root = %q
server.bind = "127.0.0.1"
server.port = %d
server.errorlog = %q
server.upload-dirs = (%q)
%s
`, root, port, errorLog, dir, config)
	return conf, errorLog, os.WriteFile(conf, []byte(text), 0o644)
}
