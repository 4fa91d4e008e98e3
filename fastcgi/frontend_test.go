package fastcgi_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fastcgi"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
	"github.com/gowsgi/wsgiref/internal/logbuf"
)

// pattern returns n deterministic bytes: a large body whose every byte is
// checked.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i*7%26)
		if i%64 == 63 {
			b[i] = '\n'
		}
	}
	return b
}

// envReport is what /env answers: the variables a front end must get right.
func envReport(env *wsgiref.Environ, body []byte) string {
	var b strings.Builder
	for _, k := range []string{"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", wsgiref.URLSchemeKey} {
		fmt.Fprintf(&b, "%s=%q\n", k, env.Get(k))
	}
	fmt.Fprintf(&b, "body=%d %x\n", len(body), sha256.Sum256(body))
	return b.String()
}

// frontApp is the application behind the front ends; PATH_INFO picks what
// it does.
var frontApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	text := headers.New("Content-Type", "text/plain")
	path := env.Get("PATH_INFO")
	switch {
	case path == "/echo": // the request body back, read whole first
		// nginx stops sending the request body once the response
		// headers arrive, so an application must read the body before it
		// answers (see the package doc).
		body, err := io.ReadAll(env.Input)
		if err != nil {
			return nil, err
		}
		start("200 OK", headers.New("Content-Type", "application/octet-stream", "X-Echo", "1"))
		return wsgiref.Blocks(body), nil
	case strings.HasPrefix(path, "/large/"): // n pattern bytes, in 10 KiB blocks, or one
		n, _ := strconv.Atoi(path[len("/large/"):])
		start("200 OK", text)
		data := pattern(n)
		if env.Get("QUERY_STRING") == "one" {
			return wsgiref.Blocks(data), nil
		}
		var blocks [][]byte
		for len(data) > 0 {
			k := min(len(data), 10<<10)
			blocks = append(blocks, data[:k])
			data = data[k:]
		}
		return wsgiref.FromSeq(func(yield func([]byte, error) bool) {
			for _, b := range blocks {
				if !yield(b, nil) {
					return
				}
			}
		}), nil
	case path == "/fail-before":
		return nil, errors.New("failed before the headers")
	case path == "/fail-after": // 64 KiB, a pause so that they go out, then a failure
		start("200 OK", text)
		return wsgiref.FromSeq(func(yield func([]byte, error) bool) {
			if yield(pattern(64<<10), nil) {
				time.Sleep(50 * time.Millisecond)
				yield(nil, errors.New("failed after the headers"))
			}
		}), nil
	default: // /env and anything else
		body, err := io.ReadAll(env.Input)
		if err != nil {
			return nil, err
		}
		start("200 OK", text)
		return wsgiref.Strings(envReport(env, body)), nil
	}
})

// frontCase is one request through a front end and what the client must
// get: the status, the application's headers and the body, byte for byte.
type frontCase struct {
	name    string
	method  string
	target  string // from /app on
	body    []byte
	chunked bool // send the body with chunked coding (no Content-Length)

	status  int
	headers map[string]string // the application's headers; "" means absent
	want    []byte            // the body
	cut     bool              // the body must end with an error
}

// envWant is the report frontApp gives for a request.
func envWant(method, script, path, query, ctype string, body []byte) []byte {
	var b strings.Builder
	for _, v := range [][2]string{{"REQUEST_METHOD", method}, {"SCRIPT_NAME", script}, {"PATH_INFO", path},
		{"QUERY_STRING", query}, {"CONTENT_TYPE", ctype}, {wsgiref.URLSchemeKey, "http"}} {
		fmt.Fprintf(&b, "%s=%q\n", v[0], v[1])
	}
	fmt.Fprintf(&b, "body=%d %x\n", len(body), sha256.Sum256(body))
	return []byte(b.String())
}

func frontCases() []frontCase {
	post := pattern(300 << 10)
	large := pattern(3 << 20)
	errPage := []byte(handlers.DefaultErrorBody)
	return []frontCase{
		{name: "GET under the prefix", method: "GET", target: "/app/some/path?x=1&y=%20z&x=2",
			status: 200, headers: map[string]string{"Content-Type": "text/plain"},
			want: envWant("GET", "/app", "/some/path", "x=1&y=%20z&x=2", "", nil)},
		{name: "GET of the mount point", method: "GET", target: "/app/",
			status: 200, want: envWant("GET", "/app", "/", "", "", nil)},
		{name: "percent-decoded PATH_INFO", method: "GET", target: "/app/a%20b/c%2Fd?q",
			status: 200, want: envWant("GET", "/app", "/a b/c/d", "q", "", nil)},
		{name: "POST with Content-Length", method: "POST", target: "/app/env?form", body: []byte("a=1&b=two"),
			status: 200, want: envWant("POST", "/app", "/env", "form", "application/x-test", []byte("a=1&b=two"))},
		{name: "POST of 300 KiB echoed", method: "POST", target: "/app/echo", body: post,
			status: 200, headers: map[string]string{"Content-Type": "application/octet-stream", "X-Echo": "1"}, want: post},
		{name: "chunked POST of 300 KiB echoed", method: "POST", target: "/app/echo", body: post, chunked: true,
			status: 200, want: post},
		{name: "large response in blocks", method: "GET", target: "/app/large/" + strconv.Itoa(len(large)),
			status: 200, want: large},
		{name: "large response in one block", method: "GET", target: "/app/large/" + strconv.Itoa(len(large)) + "?one",
			status: 200, headers: map[string]string{"Content-Length": strconv.Itoa(len(large))}, want: large},
		{name: "HEAD", method: "HEAD", target: "/app/large/1000?one",
			status: 200, headers: map[string]string{"Content-Length": "1000", "Content-Type": "text/plain"}, want: nil},
		{name: "error before the headers", method: "GET", target: "/app/fail-before",
			status: 500, headers: map[string]string{"Content-Type": "text/plain", "Content-Length": strconv.Itoa(len(errPage))}, want: errPage},
		{name: "error after the headers", method: "GET", target: "/app/fail-after",
			status: 200, want: pattern(64 << 10), cut: true},
	}
}

// chunkedReader hides the body's length from the client, which then sends
// it with chunked coding.
type chunkedReader struct{ r io.Reader }

func (c chunkedReader) Read(p []byte) (int, error) { return c.r.Read(p) }

// runFrontCases sends every case through the front end at base and checks
// what comes back.
func runFrontCases(t *testing.T, base string) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, tc := range frontCases() {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != nil {
				body = bytes.NewReader(tc.body)
				if tc.chunked {
					body = chunkedReader{body}
				}
			}
			req, err := http.NewRequest(tc.method, base+tc.target, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.body != nil {
				req.Header.Set("Content-Type", "application/x-test")
			}
			if tc.chunked && req.ContentLength != -1 && req.ContentLength != 0 {
				t.Fatalf("request would not be chunked (ContentLength %d)", req.ContentLength)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.cut != (err != nil) {
				t.Errorf("reading the body: %v; want an error: %v", err, tc.cut)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			for k, v := range tc.headers {
				if g := resp.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			if tc.chunked && len(resp.TransferEncoding) == 0 && tc.status == 0 {
				t.Errorf("no chunked coding")
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("body of %d bytes differs from the %d the application sent%s", len(got), len(tc.want), firstDiff(got, tc.want))
			}
		})
	}
}

// firstDiff describes where a and b first differ.
func firstDiff(a, b []byte) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf(" at byte %d: %q vs %q", i, a[i:min(len(a), i+40)], b[i:min(len(b), i+40)])
		}
	}
	if len(a) < 400 && len(b) < 400 {
		return fmt.Sprintf(":\n%q\nwant\n%q", a, b)
	}
	return ""
}

// serve starts frontApp over FastCGI on network ("tcp" or "unix") and
// returns the address as a front end names it, and the server's log.
func serve(t *testing.T, network string) (tcpAddr, sockPath string, logs *logbuf.Buffer) {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = frontend.SocketPath(t, "fcgi.sock")
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	logs = &logbuf.Buffer{}
	go fastcgi.Serve(l, frontApp, fastcgi.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	t.Cleanup(func() { l.Close() })
	if network == "unix" {
		return "", addr, logs
	}
	return l.Addr().String(), "", logs
}

func TestNginxFastCGI(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			tcpAddr, sock, logs := serve(t, network)
			upstream := tcpAddr
			if sock != "" {
				upstream = "unix:" + sock
			}
			fe := frontend.Nginx(t, examplecmdtest.FastCGIBlock(t, upstream))
			runFrontCases(t, fe.URL(""))
			if strings.Contains(logs.String(), "fastcgi:") && !strings.Contains(logs.String(), "failed after") {
				t.Errorf("the server logged:\n%s", logs)
			}
			if log := fe.ErrorLog(); !strings.Contains(log, "failed after the headers") || !strings.Contains(log, "failed before the headers") {
				t.Errorf("the application's errors did not reach nginx's error log through FCGI_STDERR:\n%s", log)
			}
		})
	}
}

func TestLighttpdFastCGI(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			tcpAddr, sock, _ := serve(t, network)
			backend := fmt.Sprintf(`"socket" => %q`, sock)
			if sock == "" {
				host, port, _ := net.SplitHostPort(tcpAddr)
				backend = fmt.Sprintf(`"host" => %q, "port" => %s`, host, port)
			}
			// stream-response-body: by default lighttpd collects the whole
			// response first and gives it a Content-Length, so a response
			// cut by an application error reaches the client looking
			// complete; streamed, the client sees it cut.
			fe := frontend.Lighttpd(t, `server.modules += ("mod_fastcgi")
fastcgi.server = ("/app" => ((`+backend+`, "check-local" => "disable")))
server.stream-response-body = 1
`)
			runFrontCases(t, fe.URL(""))
			if log := fe.ErrorLog(); !strings.Contains(log, "failed before the headers") {
				t.Errorf("the application's error did not reach lighttpd's error log through FCGI_STDERR:\n%s", log)
			}
		})
	}
}
