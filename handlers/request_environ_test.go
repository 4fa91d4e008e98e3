package handlers

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/oracle"
)

// cpyInfo is the ServerInfo of CPython's test_wsgiref run_amock: a server
// bound to ("", 80) whose client is 127.0.0.1:8888.
var cpyInfo = ServerInfo{Name: "", Port: "80", Software: "WSGIServer/0.2"}

func readRequest(t testing.TB, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadRequest(%q): %v", raw, err)
	}
	r.RemoteAddr = "127.0.0.1:8888"
	return r
}

func environMap(env *wsgiref.Environ) map[string]string {
	m := map[string]string{}
	for k, v := range env.All() {
		m[k] = v
	}
	return m
}

// environCases are raw requests with the CGI variables CPython's
// get_environ gives them (checked against python3 by TestRequestEnvironCPython).
var environCases = []struct {
	name   string
	raw    string
	want   map[string]string // variables checked; others may be present
	absent []string
}{
	{
		name: "test_environ",
		raw: "GET /p%61th/?query=test HTTP/1.0\r\n" +
			"X-Test-Header: Python test \r\n" +
			"X-Test-Header: Python test 2\r\n" +
			"Content-Length: 0\r\n\r\n",
		want: map[string]string{
			"HTTP_X_TEST_HEADER": "Python test,Python test 2",
			"QUERY_STRING":       "query=test",
			"PATH_INFO":          "/path/",
			"CONTENT_LENGTH":     "0",
			"CONTENT_TYPE":       "text/plain",
			"SERVER_PROTOCOL":    "HTTP/1.0",
			"REQUEST_METHOD":     "GET",
		},
	},
	{
		name: "test_cp1252_url",
		raw:  "GET /\x80%80 HTTP/1.0\r\n\r\n",
		want: map[string]string{"PATH_INFO": "/\x80\x80", "QUERY_STRING": ""},
	},
	{
		name: "base environ",
		raw:  "GET / HTTP/1.0\r\n\r\n",
		want: map[string]string{
			"SERVER_NAME":       "",
			"GATEWAY_INTERFACE": "CGI/1.1",
			"SERVER_PORT":       "80",
			"REMOTE_HOST":       "",
			"REMOTE_ADDR":       "127.0.0.1",
			"CONTENT_LENGTH":    "",
			"SCRIPT_NAME":       "",
			"SERVER_SOFTWARE":   "WSGIServer/0.2",
			"CONTENT_TYPE":      "text/plain",
			"PATH_INFO":         "/",
			"QUERY_STRING":      "",
		},
	},
	{
		name: "content type kept, header skipped",
		raw:  "POST /form?a=1&b=%20 HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b",
		want: map[string]string{
			"CONTENT_TYPE":    "application/x-www-form-urlencoded",
			"CONTENT_LENGTH":  "3",
			"HTTP_HOST":       "example.com",
			"QUERY_STRING":    "a=1&b=%20",
			"PATH_INFO":       "/form",
			"SERVER_PROTOCOL": "HTTP/1.1",
			"REQUEST_METHOD":  "POST",
		},
		absent: []string{"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"},
	},
	{
		name: "headers named like server variables are skipped",
		raw: "GET / HTTP/1.0\r\nServer-Name: evil\r\nPath-Info: /etc/passwd\r\nRemote-Addr: 10.0.0.1\r\n" +
			"Request-Method: DELETE\r\nScript-Name: /x\r\nQuery-String: q\r\nServer-Port: 1\r\n\r\n",
		want: map[string]string{
			"SERVER_NAME": "", "PATH_INFO": "/", "REMOTE_ADDR": "127.0.0.1",
			"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_PORT": "80",
		},
		absent: []string{"HTTP_SERVER_NAME", "HTTP_PATH_INFO", "HTTP_REMOTE_ADDR", "HTTP_REQUEST_METHOD"},
	},
	{
		// net/http rejects malformed escapes such as %zz (400); Unquote
		// keeps them, see TestUnquote.
		name: "escapes decode to raw bytes",
		raw:  "GET /a/%2f%2F%41%e9%25 HTTP/1.0\r\n\r\n",
		want: map[string]string{"PATH_INFO": "/a///A\xe9%"},
	},
	{
		name: "leading slashes collapse",
		raw:  "GET ///evil.example/x?y HTTP/1.0\r\n\r\n",
		want: map[string]string{"PATH_INFO": "/evil.example/x", "QUERY_STRING": "y"},
	},
	{
		name: "only the first question mark splits",
		raw:  "GET /a?b?c%20 HTTP/1.0\r\n\r\n",
		want: map[string]string{"PATH_INFO": "/a", "QUERY_STRING": "b?c%20"},
	},
	{
		name: "unknown and underscored names, latin-1 values",
		raw:  "GET / HTTP/1.0\r\nX-Custom-Thing: \xe9t\xe9\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\nAccept: text/html\r\n\r\n",
		want: map[string]string{
			"HTTP_X_CUSTOM_THING": "\xe9t\xe9",
			"HTTP_USER_AGENT":     "curl/8.0",
			"HTTP_ACCEPT":         "*/*,text/html",
		},
	},
	{
		name: "empty header value",
		raw:  "GET / HTTP/1.0\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n",
		want: map[string]string{"HTTP_X_EMPTY": "", "HTTP_X_SPACES": "", "CONTENT_LENGTH": ""},
	},
	{
		name: "asterisk form",
		raw:  "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
		want: map[string]string{"PATH_INFO": "*", "REQUEST_METHOD": "OPTIONS"},
	},
}

func TestRequestEnviron(t *testing.T) {
	for _, tc := range environCases {
		t.Run(tc.name, func(t *testing.T) {
			var env wsgiref.Environ
			RequestEnviron(&env, readRequest(t, tc.raw), cpyInfo)
			got := environMap(&env)
			for k, want := range tc.want {
				if v, ok := got[k]; !ok || v != want {
					t.Errorf("%s = %q (present %v), want %q", k, v, ok, want)
				}
			}
			for _, k := range tc.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s = %q, want absent", k, v)
				}
			}
			if got[wsgiref.URLSchemeKey] != "http" {
				t.Errorf("wsgi.url_scheme = %q", got[wsgiref.URLSchemeKey])
			}
			if env.Input == nil {
				t.Error("wsgi.input not set")
			}
		})
	}
}

// TestRequestEnvironOrder checks CPython's key order: base environ first,
// then the request variables, then the headers. http.ReadRequest moves Host
// out of the header map, so HTTP_HOST comes first (where clients put it),
// then the other headers sorted by name.
func TestRequestEnvironOrder(t *testing.T) {
	var env wsgiref.Environ
	RequestEnviron(&env, readRequest(t, "GET / HTTP/1.1\r\nHost: h\r\nB: 2\r\nA: 1\r\n\r\n"), cpyInfo)
	keys := env.Keys()
	want := []string{
		"SERVER_NAME", "GATEWAY_INTERFACE", "SERVER_PORT", "REMOTE_HOST", "CONTENT_LENGTH", "SCRIPT_NAME",
		"SERVER_PROTOCOL", "SERVER_SOFTWARE", "REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "REMOTE_ADDR",
		"CONTENT_TYPE", "HTTP_HOST", "HTTP_A", "HTTP_B", "wsgi.url_scheme",
	}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("keys\n got %v\nwant %v", keys, want)
	}
}

// TestRequestEnvironBase checks that variables already in env (a server's
// base environ) stay, and block headers of the same bare name.
func TestRequestEnvironBase(t *testing.T) {
	var env wsgiref.Environ
	env.Set("CUSTOM_VAR", "base")
	RequestEnviron(&env, readRequest(t, "GET / HTTP/1.0\r\nCustom-Var: client\r\n\r\n"), cpyInfo)
	if v := env.Get("CUSTOM_VAR"); v != "base" {
		t.Errorf("CUSTOM_VAR = %q", v)
	}
	if env.Has("HTTP_CUSTOM_VAR") {
		t.Error("header named like a base variable was not skipped")
	}
}

func TestRequestEnvironHTTPPrefixQuirk(t *testing.T) {
	// CPython checks the bare key: "Http-Host" has bare key HTTP_HOST, which
	// the Host header put in first, so it is skipped.
	var env wsgiref.Environ
	RequestEnviron(&env, readRequest(t, "GET / HTTP/1.1\r\nHost: good\r\nHttp-Host: bad\r\n\r\n"), cpyInfo)
	if v := env.Get("HTTP_HOST"); v != "good" {
		t.Errorf("HTTP_HOST = %q", v)
	}
	if v, ok := env.Lookup("HTTP_HTTP_HOST"); ok {
		t.Errorf("HTTP_HTTP_HOST = %q, want skipped", v)
	}
}

func TestRequestEnvironChunked(t *testing.T) {
	var env wsgiref.Environ
	RequestEnviron(&env, readRequest(t, "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), cpyInfo)
	if v, ok := env.Lookup("CONTENT_LENGTH"); ok {
		t.Errorf("CONTENT_LENGTH = %q, want absent for a chunked body", v)
	}
	if v := env.Get("HTTP_TRANSFER_ENCODING"); v != "chunked" {
		t.Errorf("HTTP_TRANSFER_ENCODING = %q", v)
	}
	buf := make([]byte, 10)
	n, _ := env.Input.Read(buf)
	if string(buf[:n]) != "abc" {
		t.Errorf("wsgi.input read %q", buf[:n])
	}
}

// TestRequestEnvironServerRequest covers a request as net/http's server
// hands it over: Host moved out of the header map, no RequestURI.
func TestRequestEnvironServerRequest(t *testing.T) {
	r, err := http.NewRequest("GET", "https://example.com:8443/a%20b?x=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "[::1]:5555"
	r.TLS = &tls.ConnectionState{}
	var env wsgiref.Environ
	RequestEnviron(&env, r, ServerInfo{Name: "example.com", Port: "8443", Software: "x"})
	for k, want := range map[string]string{
		"HTTP_HOST": "example.com:8443", "PATH_INFO": "/a b", "QUERY_STRING": "x=1",
		"REMOTE_ADDR": "::1", "HTTPS": "on", wsgiref.URLSchemeKey: "https", "SERVER_PROTOCOL": "HTTP/1.1",
	} {
		if got := env.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestRequestEnvironAllocs(t *testing.T) {
	raw := "GET /hello?name=x HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: bench\r\n" +
		"Accept: */*\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n"
	r := readRequest(t, raw)
	var env wsgiref.Environ
	RequestEnviron(&env, r, cpyInfo) // grow the environ once
	allocs := testing.AllocsPerRun(200, func() {
		env.Reset()
		RequestEnviron(&env, r, cpyInfo)
	})
	if allocs != 0 {
		t.Errorf("RequestEnviron allocates %v times per request, want 0", allocs)
	}
}

// TestRequestEnvironCPython runs the same raw requests through CPython's
// WSGIRequestHandler.get_environ (the oracle) and compares every CGI
// variable.
func TestRequestEnvironCPython(t *testing.T) {
	python := oracle.Python(t)
	var raws []string
	for _, tc := range environCases {
		raws = append(raws, toLatin1(tc.raw))
	}
	in, _ := json.Marshal(raws)
	cmd := exec.Command(python, "-c", cpythonEnvironScript)
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")} // keep os.environ small; it is filtered anyway
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("python3: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var envs []map[string]string
	if err := json.Unmarshal(out, &envs); err != nil {
		t.Fatalf("decode python output: %v\n%s", err, out)
	}
	for i, tc := range environCases {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string]string{}
			for k, v := range envs[i] {
				want[k] = fromLatin1(v)
			}
			var env wsgiref.Environ
			RequestEnviron(&env, readRequest(t, tc.raw), cpyInfo)
			got := environMap(&env)
			if !maps.Equal(got, want) {
				for k := range maps.Keys(want) {
					if got[k] != want[k] {
						t.Errorf("%s: got %q, CPython %q", k, got[k], want[k])
					}
				}
				for k := range maps.Keys(got) {
					if _, ok := want[k]; !ok {
						t.Errorf("%s: got %q, CPython has none", k, got[k])
					}
				}
			}
		})
	}
}

// cpythonEnvironScript reads a JSON list of raw requests (latin-1 code
// points) and prints the string variables of each environ CPython builds,
// without os.environ and without the typed wsgi.* values.
const cpythonEnvironScript = `
import json, sys, io, os
from wsgiref.simple_server import WSGIServer, WSGIRequestHandler, make_server
from socketserver import BaseServer
class S(WSGIServer):
    def __init__(self, a, h):
        BaseServer.__init__(self, a, h); self.server_name, self.server_port = a; self.setup_environ()
class H(WSGIRequestHandler):
    def setup(self): self.rfile, self.wfile = self.request
    def finish(self): pass
    def log_message(self, *a): pass
out = []
for raw in json.load(sys.stdin):
    seen = {}
    def app(e, s):
        seen.update({k: v for k, v in e.items() if isinstance(v, str) and k not in os.environ})
        s("200 OK", []); return [b""]
    srv = make_server("", 80, app, S, H)
    srv.finish_request((io.BufferedReader(io.BytesIO(raw.encode("latin-1"))), io.BytesIO()), ("127.0.0.1", 8888))
    out.append(seen)
print(json.dumps(out))
`

// toLatin1 turns raw bytes into the Latin-1 code points of those bytes, so
// JSON carries them intact and Python gets them back with .encode("latin-1").
func toLatin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func fromLatin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// FuzzRequestEnviron feeds raw requests that net/http accepts through
// RequestEnviron: it must not panic, and the variables CPython always sets
// must be there.
func FuzzRequestEnviron(f *testing.F) {
	for _, tc := range environCases {
		f.Add(tc.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return
		}
		r.RemoteAddr = "127.0.0.1:1"
		var env wsgiref.Environ
		RequestEnviron(&env, r, cpyInfo)
		for _, k := range []string{"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL", "CONTENT_TYPE", "SCRIPT_NAME", wsgiref.URLSchemeKey} {
			if !env.Has(k) {
				t.Fatalf("%s missing for %q", k, raw)
			}
		}
		for _, k := range env.Keys() {
			if strings.HasPrefix(k, "HTTP_") && strings.ContainsAny(k, "-abcdefghijklmnopqrstuvwxyz") {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}

func BenchmarkRequestEnviron(b *testing.B) {
	raw := "GET /hello?name=x HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: bench\r\n" +
		"Accept: */*\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n"
	r := readRequest(b, raw)
	var env wsgiref.Environ
	b.ReportAllocs()
	for b.Loop() {
		env.Reset()
		RequestEnviron(&env, r, cpyInfo)
	}
}
