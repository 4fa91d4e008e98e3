package routing

import (
	"net/http"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

func xenv(b *testing.B) *wsgiref.Environ {
	req, _ := http.NewRequest("GET", "http://localhost:8000/user/repos", nil)
	req.RequestURI = "/user/repos"
	req.RemoteAddr = "127.0.0.1:4000"
	req.Header.Set("User-Agent", "bench")
	req.Header.Set("Accept", "*/*")
	env := new(wsgiref.Environ)
	handlers.RequestEnviron(env, req, handlers.ServerInfo{Name: "localhost", Port: "8000", Software: "x"})
	return env
}

var sink string
var sinkb bool

func BenchmarkYAll(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		var sn, pi, m string
		var found uint8
		for k, v := range env.All() {
			switch len(k) {
			case 9:
				if k == "PATH_INFO" {
					pi, found = v, found|1
				}
			case 11:
				if k == "SCRIPT_NAME" {
					sn, found = v, found|2
				}
			case 14:
				if k == "REQUEST_METHOD" {
					m, found = v, found|4
				}
			}
			if found == 7 {
				break
			}
		}
		sink = sn + pi[:0] + m[:0]
	}
}
func BenchmarkYGets(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		sink = env.Get("REQUEST_METHOD")
		sink = env.Get("SCRIPT_NAME")
		sink = env.Get("PATH_INFO")
	}
}
func BenchmarkYClean(b *testing.B) {
	for b.Loop() {
		sinkb = cleanPathInfo("/repos/:owner/:repo/issues/:number")
	}
}
func BenchmarkYBegin(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		p, _ := Begin(env)
		sink = p.path
	}
}
func BenchmarkYSetScriptPath(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		env.SetScriptPath("/user/repos", 0)
	}
}
func BenchmarkYSetRM(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		env.Set("REQUEST_METHOD", "GET")
	}
}
func BenchmarkYCapture(b *testing.B) {
	env := xenv(b)
	var c ArgsCache
	names := []string{"owner", "repo", "number"}
	for b.Loop() {
		env.DelExtension(Key)
		c.Capture(env, names, "a", "b", "c")
	}
}
func BenchmarkYDel(b *testing.B) {
	env := xenv(b)
	for b.Loop() {
		env.SetExtension(Key, nil)
		env.DelExtension(Key)
	}
}
