package benchmarks

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// A uriCase computes a URI, or shifts the path, from the fixture request.
// got renders the result of the last run for the agreement test.
type uriCase struct {
	op, who string
	prepare func(env *wsgiref.Environ, r *http.Request) (run func(), got func() string)
}

var uriCases = []uriCase{
	{"RequestURI", "wsgiref", func(env *wsgiref.Environ, r *http.Request) (func(), func() string) {
		var s string
		return func() { s = wsgiutil.RequestURI(env, true) }, func() string { return s }
	}},
	{"RequestURI", "neturl", func(env *wsgiref.Environ, r *http.Request) (func(), func() string) {
		u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
		var s string
		return func() { s = u.String() }, func() string { return s }
	}},
	{"ApplicationURI", "wsgiref", func(env *wsgiref.Environ, r *http.Request) (func(), func() string) {
		var s string
		return func() { s = wsgiutil.ApplicationURI(env) }, func() string { return s }
	}},
	{"ApplicationURI", "neturl", func(env *wsgiref.Environ, r *http.Request) (func(), func() string) {
		u := &url.URL{Scheme: "http", Host: r.Host, Path: "/"}
		var s string
		return func() { s = u.String() }, func() string { return s }
	}},
	{"ShiftPathInfo", "wsgiref", func(env *wsgiref.Environ, r *http.Request) (func(), func() string) {
		// All five segments, resetting SCRIPT_NAME and PATH_INFO first,
		// as the CPython script does.
		path := env.Get("PATH_INFO")
		n := strings.Count(path, "/")
		var names []string
		return func() {
				env.Set("SCRIPT_NAME", "")
				env.Set("PATH_INFO", path)
				for range n {
					wsgiutil.ShiftPathInfo(env)
				}
			}, func() string {
				env.Set("SCRIPT_NAME", "")
				env.Set("PATH_INFO", path)
				names = names[:0]
				for range n {
					name, _ := wsgiutil.ShiftPathInfo(env)
					names = append(names, name)
				}
				return strings.Join(names, ",") + " " + env.Get("SCRIPT_NAME") + " [" + env.Get("PATH_INFO") + "]"
			}
	}},
}

// uriEnviron is the environ of the fixture request, as our server builds
// it.
func uriEnviron(tb testing.TB, fx *Fixtures) (*wsgiref.Environ, *http.Request) {
	tb.Helper()
	r, err := fx.HTTPRequest()
	if err != nil {
		tb.Fatal(err)
	}
	env := new(wsgiref.Environ)
	handlers.RequestEnviron(env, r, serverInfo(fx))
	return env, r
}

// BenchmarkURI times RequestURI and ApplicationURI against
// (*url.URL).String on the same values, and ShiftPathInfo over the five
// segments of the fixture path.
func BenchmarkURI(b *testing.B) {
	fx := mustLoad(b)
	for _, c := range uriCases {
		b.Run(c.op+"/"+c.who, func(b *testing.B) {
			env, r := uriEnviron(b, fx)
			run, _ := c.prepare(env, r)
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
		})
	}
}

// TestURIAgree checks every contender against the URI the fixture
// describes, the values the CPython script checks too.
func TestURIAgree(t *testing.T) {
	fx := mustLoad(t)
	host := ""
	for _, kv := range fx.Request.Headers {
		if kv[0] == "Host" {
			host = kv[1]
		}
	}
	path, _, _ := strings.Cut(fx.Request.Target, "?")
	segments := strings.Split(strings.Trim(path, "/"), "/")
	want := map[string]string{
		"RequestURI":     "http://" + host + fx.Request.Target,
		"ApplicationURI": "http://" + host + "/",
		"ShiftPathInfo":  strings.Join(segments, ",") + " " + path + " []",
	}
	for _, c := range uriCases {
		t.Run(c.op+"/"+c.who, func(t *testing.T) {
			env, r := uriEnviron(t, fx)
			run, got := c.prepare(env, r)
			run()
			if g := got(); g != want[c.op] {
				t.Errorf("got %q, want %q", g, want[c.op])
			}
		})
	}
}
