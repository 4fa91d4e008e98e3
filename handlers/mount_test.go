package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/validate"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// dispatchApp reports the environ's SCRIPT_NAME and PATH_INFO, then
// dispatches on the first segment with ShiftPathInfo, as a WSGI app mounted
// anywhere does, and reports the environ after the shift and the URL
// wsgiutil rebuilds from it.
var dispatchApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	before := fmt.Sprintf("SCRIPT_NAME=%q PATH_INFO=%q QUERY_STRING=%q", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), env.Get("QUERY_STRING"))
	uri := wsgiutil.RequestURI(env, true)
	name, _ := wsgiutil.ShiftPathInfo(env)
	after := fmt.Sprintf("shift=%q SCRIPT_NAME=%q PATH_INFO=%q", name, env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(before, "\n", after, "\n", uri), nil
})

// TestBridgeMountPoint: under a real net/http server, an application
// mounted by a ServeMux pattern, by http.StripPrefix, or by both, sees its
// mount point in SCRIPT_NAME and the rest in PATH_INFO, so ShiftPathInfo
// dispatches on the segment after the mount point and RequestURI rebuilds
// the URL the client asked for. Before the fix SCRIPT_NAME was "" and
// PATH_INFO the whole path under every mount.
func TestBridgeMountPoint(t *testing.T) {
	bridge := handlers.NewHTTPHandler(dispatchApp)
	bridge.Errors = io.Discard
	mux := func(pattern string, h http.Handler) http.Handler {
		m := http.NewServeMux()
		m.Handle(pattern, h)
		return m
	}
	for _, tc := range []struct {
		name               string
		handler            http.Handler
		target             string
		script, path       string // before the shift
		shift              string
		shifted, remaining string // after it
	}{
		{"README's line", mux("/app/", handlers.NewHTTPHandler(validate.Validator(dispatchApp))), "/app/x/y?q=1",
			"/app", "/x/y", "x", "/app/x", "/y"},
		{"mux pattern", mux("/app/", bridge), "/app/x/y?q=1", "/app", "/x/y", "x", "/app/x", "/y"},
		{"mux, then StripPrefix", mux("/app/", http.StripPrefix("/app", bridge)), "/app/x/y?q=1",
			"/app", "/x/y", "x", "/app/x", "/y"},
		{"mux, then StripPrefix, same name twice", mux("/app/", http.StripPrefix("/app", bridge)), "/app/app/y?q=1",
			"/app", "/app/y", "app", "/app/app", "/y"},
		{"StripPrefix alone", http.StripPrefix("/app", bridge), "/app/x/y?q=1", "/app", "/x/y", "x", "/app/x", "/y"},
		{"StripPrefix with the slash", http.StripPrefix("/app/", bridge), "/app/x/y?q=1", "/app", "/x/y", "x", "/app/x", "/y"},
		{"StripPrefix, then mux", http.StripPrefix("/api", mux("/app/", bridge)), "/api/app/x/y?q=1",
			"/api/app", "/x/y", "x", "/api/app/x", "/y"},
		{"method and host in the pattern", mux("GET 127.0.0.1/app/", bridge), "/app/x/y?q=1",
			"/app", "/x/y", "x", "/app/x", "/y"},
		{"rest wildcard", mux("GET /files/{path...}", bridge), "/files/x/y?q=1", "/files", "/x/y", "x", "/files/x", "/y"},
		{"segment wildcard", mux("/users/{id}/", bridge), "/users/42/x/y?q=1", "/users/42", "/x/y", "x", "/users/42/x", "/y"},
		{"end anchor", mux("/app/{$}", bridge), "/app/?q=1", "/app", "/", "", "/app/", ""},
		{"exact pattern", mux("/app", bridge), "/app?q=1", "/app", "", "", "/app", ""},
		{"escapes decoded on both sides", mux("/my%20app/", bridge), "/my%20app/a%20b/c?q=1",
			"/my app", "/a b/c", "a b", "/my app/a b", "/c"},
		{"root pattern", mux("/", bridge), "/app/x?q=1", "", "/app/x", "app", "/app", "/x"},
		{"served directly", bridge, "/app/x?q=1", "", "/app/x", "app", "/app", "/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get(srv.URL + tc.target)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("status %d, %v: %s", resp.StatusCode, err, body)
			}
			want := fmt.Sprintf("SCRIPT_NAME=%q PATH_INFO=%q QUERY_STRING=%q\nshift=%q SCRIPT_NAME=%q PATH_INFO=%q\n%s",
				tc.script, tc.path, "q=1", tc.shift, tc.shifted, tc.remaining, srv.URL+tc.target)
			if string(body) != want {
				t.Errorf("the app saw\n%s\nwant\n%s", body, want)
			}
		})
	}
}

// FuzzMountPoint: for any ServeMux pattern, StripPrefix prefix and
// request-target, an application the mux reaches sees a SCRIPT_NAME that
// is "" or starts with '/' and does not end with one, a PATH_INFO that is
// "" or starts with '/', and the two together spell the request's path
// (as PathInfo decodes it; runs of slashes compared as one, since
// PATH_INFO's leading slashes collapse as CPython's gh-87389 guard wants).
func FuzzMountPoint(f *testing.F) {
	for _, seed := range []struct {
		mode            byte
		pattern, prefix string
		target          string
	}{
		{0, "/app/", "", "/app/x/y?q=1"},
		{1, "/app/", "/app", "/app/x/y"},
		{1, "/app/", "/app/", "/app/app/y"},
		{2, "/app/", "/api", "/api/app/x"},
		{0, "GET /files/{path...}", "", "/files/a%2Fb/c"},
		{0, "/users/{id}/", "", "/users/4%202/x"},
		{0, "/app/{$}", "", "/app/"},
		{0, "/app", "", "/app"},
		{0, "/my%20app/", "", "/my%20app/a"},
		{1, "/", "/a", "/a%2F%2Fevil.example"},
		{2, "/{x}/", "/ap", "/app/p/q"},
	} {
		f.Add(seed.mode, seed.pattern, seed.prefix, seed.target)
	}
	f.Fuzz(func(t *testing.T, mode byte, pattern, prefix, target string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n#") {
			return
		}
		var script, pathInfo string
		reached := false
		bridge := handlers.NewHTTPHandler(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			script, pathInfo, reached = env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), true
			_, err := start("204 No Content", nil)
			return nil, err
		}))
		bridge.Errors = io.Discard
		var h http.Handler
		mux := http.NewServeMux()
		func() {
			defer func() { recover() }() // an invalid pattern: nothing to serve
			switch mode % 3 {
			case 0: // the mux alone
				mux.Handle(pattern, bridge)
				h = mux
			case 1: // the mux, then StripPrefix
				mux.Handle(pattern, http.StripPrefix(prefix, bridge))
				h = mux
			case 2: // StripPrefix, then the mux
				mux.Handle(pattern, bridge)
				h = http.StripPrefix(prefix, mux)
			}
		}()
		if h == nil {
			return
		}
		var r *http.Request
		func() {
			defer func() { recover() }() // a target httptest cannot parse
			r = httptest.NewRequest("GET", "http://example.org"+target, nil)
			r.RequestURI = target
		}()
		if r == nil {
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if !reached {
			return
		}
		if script != "" && (script[0] != '/' || script[len(script)-1] == '/') {
			t.Errorf("SCRIPT_NAME %q for %q under %q (mode %d, prefix %q)", script, target, pattern, mode%3, prefix)
		}
		if pathInfo != "" && pathInfo[0] != '/' {
			t.Errorf("PATH_INFO %q for %q under %q (mode %d, prefix %q)", pathInfo, target, pattern, mode%3, prefix)
		}
		whole, _ := wsgiutil.PathInfo(target)
		if oneSlash(script+pathInfo) != oneSlash(whole) {
			t.Errorf("SCRIPT_NAME %q + PATH_INFO %q is not the path %q of %q under %q (mode %d, prefix %q)",
				script, pathInfo, whole, target, pattern, mode%3, prefix)
		}
	})
}

// oneSlash collapses each run of slashes to one: "/a//b" gives "/a/b".
func oneSlash(s string) string {
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	return s
}
