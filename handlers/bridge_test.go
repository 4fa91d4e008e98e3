package handlers

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// lockedBuffer is a log shared by server goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fileBody is a file body that writes itself, as *fileswrap.FileWrapper.
type fileBody struct{ f *os.File }

func (b fileBody) Next() ([]byte, error) {
	buf := make([]byte, 8192)
	n, err := b.f.Read(buf)
	return buf[:n], err
}
func (b fileBody) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, b.f) }
func (b fileBody) Close() error                       { return b.f.Close() }

func bridgeApp(t *testing.T, dir string) wsgiref.AppFunc {
	return func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		switch e.Get("PATH_INFO") {
		case "/hello":
			s("200 OK", headers.New("Content-Type", "text/plain", "x-lower", "v"))
			return wsgiref.Strings("Hello, world!"), nil
		case "/environ":
			s("200 OK", headers.New("Content-Type", "text/plain"))
			return wsgiref.Strings(strings.Join([]string{e.Get("HTTP_X_TEST_HEADER"), e.Get("QUERY_STRING"),
				e.Get("PATH_INFO"), e.Get("SERVER_NAME"), e.Get("SERVER_PORT"), e.Get("SERVER_SOFTWARE")}, ";")), nil
		case "/post":
			data, err := io.ReadAll(e.Input)
			if err != nil {
				return nil, err
			}
			s("201 Created", headers.New("Content-Type", "text/plain"))
			return wsgiref.Blocks(data), nil
		case "/stream":
			s("200 OK", headers.New("Content-Type", "text/plain"))
			return wsgiref.FromSeq(func(yield func([]byte, error) bool) {
				for _, b := range []string{"one ", "two ", "three"} {
					if !yield([]byte(b), nil) {
						return
					}
				}
			}), nil
		case "/file":
			f, err := os.Open(filepath.Join(dir, "f.txt"))
			if err != nil {
				return nil, err
			}
			s("200 OK", headers.New("Content-Type", "text/plain"))
			return fileBody{f}, nil
		case "/wrapped":
			f, err := os.Open(filepath.Join(dir, "f.txt"))
			if err != nil {
				return nil, err
			}
			s("200 OK", headers.New("Content-Type", "text/plain"))
			return e.FileWrapper(f, 0), nil
		case "/bad-status":
			s("2000", nil)
			return wsgiref.Strings("x"), nil
		case "/informational":
			s("100 Continue", nil)
			return wsgiref.Strings("x"), nil
		case "/inject":
			s("200 OK", headers.New("X", "a\r\nSet-Cookie: evil=1"))
			return wsgiref.Strings("x"), nil
		case "/panic":
			panic("app exploded")
		}
		s("404 Not Found", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("not found"), nil
	}
}

// TestHTTPHandler runs applications under net/http's server on a loopback
// socket and talks to it with net/http's client.
func TestHTTPHandler(t *testing.T) {
	dir := t.TempDir()
	fileData := strings.Repeat("0123456789abcdef", 5000)
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(fileData), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	bh := NewHTTPHandler(bridgeApp(t, dir))
	bh.Errors = logs
	srv := httptest.NewServer(bh)
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]

	for _, tc := range []struct {
		method, path, body string
		hdr                []string
		code               int
		want               string
		wantHdr            []string
		log                string
	}{
		{"GET", "/hello", "", nil, 200, "Hello, world!", []string{"Content-Length", "13", "X-Lower", "v", "Content-Type", "text/plain"}, ""},
		{"GET", "/p%61th?query=test", "", nil, 404, "not found", nil, ""},
		{"GET", "/environ?query=test", "", []string{"X-Test-Header", "Python test "}, 200,
			"Python test;query=test;/environ;127.0.0.1;" + port + ";WSGIServer/0.2", nil, ""},
		{"POST", "/post", "posted data", nil, 201, "posted data", []string{"Content-Length", "11"}, ""},
		{"GET", "/stream", "", nil, 200, "one two three", []string{"Content-Length", ""}, ""},
		{"GET", "/file", "", nil, 200, fileData, nil, ""},
		{"GET", "/wrapped", "", nil, 200, fileData, []string{"Content-Length", "80000"}, ""},
		{"HEAD", "/hello", "", nil, 200, "", []string{"Content-Length", "13"}, ""},
		{"GET", "/bad-status", "", nil, 500, DefaultErrorBody, []string{"Content-Type", "text/plain"}, "Status message must have a space after code"},
		{"GET", "/informational", "", nil, 500, DefaultErrorBody, nil, "status code not supported"},
		{"GET", "/inject", "", nil, 500, DefaultErrorBody, []string{"Set-Cookie", ""}, "CR, LF or NUL"},
		{"GET", "/panic", "", nil, 500, DefaultErrorBody, nil, "panic: app exploded"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				req.Header.Add(tc.hdr[i], tc.hdr[i+1])
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.code || string(data) != tc.want {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, shorten(data), tc.code, shorten([]byte(tc.want)))
			}
			for i := 0; i+1 < len(tc.wantHdr); i += 2 {
				if got := resp.Header.Get(tc.wantHdr[i]); got != tc.wantHdr[i+1] {
					t.Errorf("%s: %q, want %q", tc.wantHdr[i], got, tc.wantHdr[i+1])
				}
			}
			if tc.log != "" && !strings.Contains(logs.String(), tc.log) {
				t.Errorf("log lacks %q", tc.log)
			}
		})
	}
}

func shorten(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

// discardResponse is a minimal ResponseWriter for allocation benchmarks.
type discardResponse struct {
	h    http.Header
	code int
}

func (d *discardResponse) Header() http.Header         { return d.h }
func (d *discardResponse) WriteHeader(code int)        { d.code = code }
func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }

var helloHeaders = headers.New("Content-Type", "text/plain")

func benchHello(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	s("200 OK", helloHeaders)
	return wsgiref.Strings("Hello, world!"), nil
}

// BenchmarkHTTPHandler measures the bridge alone, without sockets; compare
// BenchmarkPlainHandler, the same response written by a plain http.Handler.
func BenchmarkHTTPHandler(b *testing.B) {
	bh := NewHTTPHandler(wsgiref.AppFunc(benchHello))
	req := httptest.NewRequest("GET", "/hello?x=1", nil)
	req.Header.Set("User-Agent", "bench")
	req.Header.Set("Accept", "*/*")
	b.ReportAllocs()
	for b.Loop() {
		w := &discardResponse{h: make(http.Header, 4)}
		bh.ServeHTTP(w, req)
	}
}

func BenchmarkPlainHandler(b *testing.B) {
	hello := []byte("Hello, world!")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Header()["Content-Length"] = []string{"13"}
		w.WriteHeader(200)
		w.Write(hello)
	})
	req := httptest.NewRequest("GET", "/hello?x=1", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := &discardResponse{h: make(http.Header, 4)}
		h.ServeHTTP(w, req)
	}
}

// BenchmarkHTTPHandlerLoopback is the bridge under net/http's server on a
// loopback socket, one keep-alive client.
func BenchmarkHTTPHandlerLoopback(b *testing.B) {
	srv := httptest.NewServer(NewHTTPHandler(wsgiref.AppFunc(benchHello)))
	defer srv.Close()
	benchLoopback(b, srv)
}

func BenchmarkPlainHandlerLoopback(b *testing.B) {
	hello := []byte("Hello, world!")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Write(hello)
	}))
	defer srv.Close()
	benchLoopback(b, srv)
}

func benchLoopback(b *testing.B, srv *httptest.Server) {
	c := srv.Client()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(srv.URL + "/hello")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// TestHTTPHandlerControlInPath: under net/http's server too, a path that
// decodes to CR, LF or NUL never reaches the application; the query string
// is the application's to read.
func TestHTTPHandlerControlInPath(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	app := wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		mu.Lock()
		seen = append(seen, e.Get("PATH_INFO"))
		mu.Unlock()
		return benchHello(e, s)
	})
	srv := httptest.NewServer(NewHTTPHandler(app))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/a%0d%0aSet-Cookie:%20x", 400}, {"/%00", 400}, {"/fine", 200}, {"/q?x=%0d%0a", 200},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: %d %v, want %d", tc.path, resp.StatusCode, resp.Header, tc.code)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != "/fine" || seen[1] != "/q" {
		t.Errorf("the application saw %q", seen)
	}
}
