package wsgiutil_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/oracle"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// report is the application both servers run: the URLs wsgiutil computes
// from the environ the server built, then every shift of the path.
func report(env *wsgiref.Environ) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scheme %s\napp %s\nreq %s\nreq-noquery %s\n", wsgiutil.GuessScheme(env),
		wsgiutil.ApplicationURI(env), wsgiutil.RequestURI(env, true), wsgiutil.RequestURI(env, false))
	for range 10 {
		name, ok := wsgiutil.ShiftPathInfo(env)
		if !ok {
			fmt.Fprintf(&b, "shift None %s|%s\n", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
			break
		}
		fmt.Fprintf(&b, "shift %s %s|%s\n", name, env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
	}
	return b.String()
}

// pythonReport is report in Python, for CPython's own wsgiref server.
const pythonReport = `
import sys
from wsgiref import util
from wsgiref.simple_server import make_server, WSGIRequestHandler

def app(environ, start_response):
    out = "scheme %s\napp %s\nreq %s\nreq-noquery %s\n" % (util.guess_scheme(environ),
        util.application_uri(environ), util.request_uri(environ, True), util.request_uri(environ, False))
    for _ in range(10):
        name = util.shift_path_info(environ)
        if name is None:
            out += "shift None %s|%s\n" % (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""))
            break
        out += "shift %s %s|%s\n" % (name, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [out.encode("latin-1")]

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

srv = make_server("127.0.0.1", 0, app, handler_class=Quiet)
print(srv.server_port, flush=True)
srv.serve_forever()
`

var serverPaths = []string{
	"/", "/spam", "/sp%E4m/x", "/sp%C3%A4m", "/a/b/../c", "/a//b/./c/", "/a;b=c,d",
	"/x?y=1&z=%20", "/%7Euser", "/a%20b", "/a%2Fb/c", "/.", "/..", "/a/", "/a/.", "/x/%2E%2E/y",
	"/repos/gowsgi/wsgiref/issues/42?state=open", "/a%3Fb?c?d",
}

// refusedPaths decode to a control character that CPython passes into
// PATH_INFO and this module's server answers with 400 instead.
var refusedPaths = []string{"/%00", "/%0d%0a", "/a%0Ab"}

// body sends one HTTP/1.0 request and returns the response body.
func body(t *testing.T, addr, target string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.0\r\nHost: example.org:8080\r\n\r\n", target)
	resp, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	_, b, ok := bytes.Cut(resp, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(resp, []byte("HTTP/1.0 200 ")) {
		t.Fatalf("%s: response %q", target, resp)
	}
	return string(b)
}

// TestAgainstCPythonServer sends the same requests over loopback TCP to
// this module's simple server and to CPython's wsgiref.simple_server, each
// running the same application, and compares the bodies byte for byte: the
// environ each server builds and what wsgiutil computes from it must agree.
func TestAgainstCPythonServer(t *testing.T) {
	py := oracle.Python(t)
	cmd := exec.Command(py, "-c", pythonReport)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	portLine, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("CPython server did not start: %v", err)
	}
	pyAddr := "127.0.0.1:" + strings.TrimSpace(portLine)

	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		out := report(env)
		if _, err := start("200 OK", nil); err != nil {
			return nil, err
		}
		return wsgiref.Strings(out), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
		simpleserver.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go srv.ServeForever()

	for _, target := range serverPaths {
		got, want := body(t, srv.Addr().String(), target), body(t, pyAddr, target)
		if got != want {
			t.Errorf("GET %s\n--- Go:\n%s--- CPython:\n%s", target, got, want)
		}
		if !strings.Contains(got, "\nshift ") {
			t.Errorf("GET %s: no report: %q", target, got)
		}
		if target == "/a//b/./c/" {
			t.Logf("GET %s:\n%s", target, got)
		}
	}
	for _, target := range refusedPaths {
		body(t, pyAddr, target)
		if got := statusLine(t, srv.Addr().String(), target); got != "HTTP/1.0 400 Bad Request" {
			t.Errorf("GET %s: %q, want 400", target, got)
		}
	}
}

// statusLine sends one HTTP/1.0 request and returns the status line.
func statusLine(t *testing.T, addr, target string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.0\r\n\r\n", target)
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSuffix(line, "\r\n")
}
