package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// NginxConfig is the part of an nginx configuration a test writes; [Nginx]
// wraps it in a complete one.
type NginxConfig struct {
	// HTTP holds directives for the http block, outside the server:
	// upstream blocks, maps, keepalive settings.
	HTTP string
	// Server holds directives for the one server block, which listens on
	// the Server's Addr: location blocks, mostly.
	Server string
	// Workers is the number of worker processes; 0 means 1.
	Workers int
	// TLS makes the server block listen with TLS only, on a self-signed
	// certificate made for the run: the front end's $https is then "on",
	// which fastcgi_params, scgi_params and uwsgi_params pass as HTTPS.
	// The Server's TLS field is a client configuration that trusts it.
	TLS bool
}

// paramFiles are the parameter files of the distribution's nginx that a
// location block includes by relative name ("include fastcgi_params;"):
// they are copied into the configuration's directory, so the test runs with
// the very files a deployment uses.
var paramFiles = []string{"fastcgi_params", "fastcgi.conf", "scgi_params", "uwsgi_params", "mime.types"}

// nginxEtc is where the distribution keeps them.
const nginxEtc = "/etc/nginx"

// Nginx starts nginx with c on 127.0.0.1 and a free port, in the foreground
// with a master and c.Workers workers (as root when the test runs as root,
// so that workers can reach sockets in the test's directories). Access logs
// are off; the error log, at level "notice", is attached to a failing test.
// nginx is stopped when the test ends.
func Nginx(t testing.TB, c NginxConfig) *Server {
	t.Helper()
	return start(t, nginxLaunch(c))
}

func nginxLaunch(c NginxConfig) launch {
	return launch{
		name:  "nginx",
		tls:   c.TLS,
		files: func(dir string, port int) (string, string, error) { return nginxFiles(dir, port, c) },
		args: func(dir, config string) []string {
			return []string{"-p", dir + "/", "-c", config, "-e", filepath.Join(dir, "error.log")}
		},
	}
}

// StartNginx is [Nginx] for a program that is not a test (the benchmark
// report): nginx runs in a new directory under dir, a missing binary or a
// failed start is an error, and the caller calls Stop.
func StartNginx(dir string, c NginxConfig) (*Server, error) {
	return startProgram(dir, nginxLaunch(c))
}

// nginxFiles writes nginx.conf for c on port, and the parameter files, into
// dir.
func nginxFiles(dir string, port int, c NginxConfig) (config, errorLog string, err error) {
	for _, name := range paramFiles {
		data, err := os.ReadFile(filepath.Join(nginxEtc, name))
		if err != nil {
			continue // not every distribution ships every file
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", "", err
		}
	}
	config = filepath.Join(dir, "nginx.conf")
	errorLog = filepath.Join(dir, "error.log")
	return config, errorLog, os.WriteFile(config, []byte(nginxConf(dir, port, c)), 0o644)
}

// nginxConf returns the complete configuration: c's directives inside a
// skeleton that keeps every path nginx writes within dir.
func nginxConf(dir string, port int, c NginxConfig) string {
	workers := c.Workers
	if workers <= 0 {
		workers = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "daemon off;\nmaster_process on;\nworker_processes %d;\n", workers)
	if os.Geteuid() == 0 {
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, "pid %s/nginx.pid;\nerror_log %s/error.log notice;\n", dir, dir)
	b.WriteString("events { worker_connections 1024; }\nhttp {\n\taccess_log off;\n")
	for _, temp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "\t%s_temp_path %s/%s_temp;\n", temp, dir, temp)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", port)
	if c.TLS {
		listen += " ssl;\n\t\tssl_certificate " + filepath.Join(dir, certFile) +
			";\n\t\tssl_certificate_key " + filepath.Join(dir, keyFile)
	}
	fmt.Fprintf(&b, "%s\n\tserver {\n\t\tlisten %s;\n\t\tserver_name localhost;\n%s\n\t}\n}\n", c.HTTP, listen, c.Server)
	return b.String()
}
