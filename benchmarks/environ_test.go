package benchmarks

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// An environCase builds a request environment from the fixture request.
// build is the timed work; vars returns the variables of the last build
// for the agreement test.
type environCase struct {
	who     string
	prepare func(fx *Fixtures, r *http.Request) (build func(), vars func() map[string]string)
}

func serverInfo(fx *Fixtures) handlers.ServerInfo {
	return handlers.ServerInfo{Name: fx.Request.ServerName, Port: fx.Request.ServerPort, Software: "WSGIServer/0.2"}
}

var environPool = sync.Pool{New: func() any { return new(wsgiref.Environ) }}

var environCases = []environCase{
	{"wsgiref", func(fx *Fixtures, r *http.Request) (func(), func() map[string]string) {
		// Pooled, as a server does: take an environ, fill it, serve, put
		// it back reset.
		info := serverInfo(fx)
		return func() {
				env := environPool.Get().(*wsgiref.Environ)
				handlers.RequestEnviron(env, r, info)
				env.Reset()
				environPool.Put(env)
			}, func() map[string]string {
				env := new(wsgiref.Environ)
				handlers.RequestEnviron(env, r, info)
				m := map[string]string{}
				for k, v := range env.All() {
					m[k] = v
				}
				return m
			}
	}},
	{"cgi-style", func(fx *Fixtures, r *http.Request) (func(), func() map[string]string) {
		info := serverInfo(fx)
		var env []string
		return func() { env = cgiStyleEnv(r, info) }, func() map[string]string {
			m := map[string]string{}
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				m[k] = v
			}
			return m
		}
	}},
	{"map", func(fx *Fixtures, r *http.Request) (func(), func() map[string]string) {
		info := serverInfo(fx)
		var env map[string]string
		return func() { env = mapEnv(r, info) }, func() map[string]string { return env }
	}},
}

// cgiStyleEnv builds the environment the way net/http/cgi's Handler does
// before it starts a child: a []string of "KEY=value", each header
// upper-cased with strings.Map and joined with ", ".
func cgiStyleEnv(r *http.Request, info handlers.ServerInfo) []string {
	path, query, _ := strings.Cut(r.RequestURI, "?")
	host, port := splitRemote(r.RemoteAddr)
	env := []string{
		"SERVER_SOFTWARE=" + info.Software,
		"SERVER_PROTOCOL=HTTP/1.1",
		"HTTP_HOST=" + r.Host,
		"GATEWAY_INTERFACE=CGI/1.1",
		"REQUEST_METHOD=" + r.Method,
		"QUERY_STRING=" + query,
		"REQUEST_URI=" + r.URL.RequestURI(),
		"PATH_INFO=" + path,
		"SCRIPT_NAME=",
		"SCRIPT_FILENAME=",
		"SERVER_NAME=" + info.Name,
		"SERVER_PORT=" + info.Port,
		"REMOTE_ADDR=" + host,
		"REMOTE_HOST=" + host,
		"REMOTE_PORT=" + port,
	}
	for k, v := range r.Header {
		k = strings.Map(upperUnderscore, k)
		if k == "PROXY" {
			continue // httpoxy
		}
		env = append(env, "HTTP_"+k+"="+strings.Join(v, ", "))
	}
	if r.ContentLength > 0 {
		env = append(env, "CONTENT_LENGTH="+r.Header.Get("Content-Length"))
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		env = append(env, "CONTENT_TYPE="+ct)
	}
	return env
}

func upperUnderscore(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z':
		return r - ('a' - 'A')
	case r == '-':
		return '_'
	case r == '=':
		return '_' // a '=' would end the name early
	}
	return r
}

// mapEnv is the direct port of Python's dict environ: a fresh
// map[string]string per request, the header keys built by concatenation.
func mapEnv(r *http.Request, info handlers.ServerInfo) map[string]string {
	path, query, _ := strings.Cut(r.RequestURI, "?")
	host, _ := splitRemote(r.RemoteAddr)
	env := make(map[string]string, 16+len(r.Header))
	env["SERVER_NAME"] = info.Name
	env["GATEWAY_INTERFACE"] = "CGI/1.1"
	env["SERVER_PORT"] = info.Port
	env["REMOTE_HOST"] = ""
	env["CONTENT_LENGTH"] = ""
	env["SCRIPT_NAME"] = ""
	env["SERVER_PROTOCOL"] = r.Proto
	env["SERVER_SOFTWARE"] = info.Software
	env["REQUEST_METHOD"] = r.Method
	env["PATH_INFO"] = path
	env["QUERY_STRING"] = query
	env["REMOTE_ADDR"] = host
	env["CONTENT_TYPE"] = "text/plain"
	env["HTTP_HOST"] = r.Host
	for k, v := range r.Header {
		env["HTTP_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))] = strings.Join(v, ",")
	}
	env["wsgi.url_scheme"] = "http"
	return env
}

func splitRemote(addr string) (host, port string) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return addr, ""
	}
	return addr[:i], addr[i+1:]
}

// BenchmarkEnviron times building the environ of the fixture request.
func BenchmarkEnviron(b *testing.B) {
	fx := mustLoad(b)
	r, err := fx.HTTPRequest()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range environCases {
		b.Run("Build/"+c.who, func(b *testing.B) {
			build, _ := c.prepare(fx, r)
			b.ReportAllocs()
			for b.Loop() {
				build()
			}
		})
	}
}

// TestEnvironAgree checks that every contender saw the request the same
// way: the same request line and the same HTTP_* variables as CPython's
// get_environ would make from the fixture.
func TestEnvironAgree(t *testing.T) {
	fx := mustLoad(t)
	r, err := fx.HTTPRequest()
	if err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(fx.Request.Target, "?")
	want := map[string]string{
		"REQUEST_METHOD": fx.Request.Method,
		"PATH_INFO":      path,
		"QUERY_STRING":   query,
		"SERVER_NAME":    fx.Request.ServerName,
		"SERVER_PORT":    fx.Request.ServerPort,
	}
	for _, kv := range fx.Request.Headers {
		want["HTTP_"+strings.ToUpper(strings.ReplaceAll(kv[0], "-", "_"))] = kv[1]
	}
	for _, c := range environCases {
		t.Run(c.who, func(t *testing.T) {
			build, vars := c.prepare(fx, r)
			build()
			got := vars()
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestEnvironSteadyStateAllocs is the target of the issue: the pooled
// environ refills without allocating.
func TestEnvironSteadyStateAllocs(t *testing.T) {
	fx := mustLoad(t)
	r, err := fx.HTTPRequest()
	if err != nil {
		t.Fatal(err)
	}
	// A reused environ rather than the pool, so a GC emptying the pool
	// cannot make the count flaky.
	info := serverInfo(fx)
	var env wsgiref.Environ
	build := func() {
		env.Reset()
		handlers.RequestEnviron(&env, r, info)
	}
	build()
	if n := testing.AllocsPerRun(100, build); n != 0 {
		t.Errorf("environ build in steady state: %v allocs per request, want 0", n)
	}
}
