package wsgiref_test

import (
	"fmt"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

// MethodPath reads the three values of a router in one call; each row
// builds the environ another way, so the kept positions are exercised
// with keys present, absent and moved.
func TestMethodPath(t *testing.T) {
	for _, tt := range []struct {
		name   string
		setup  func(*wsgiref.Environ)
		method string
		path   string
		i      int
	}{
		{"empty", func(e *wsgiref.Environ) {}, "", "", 0},
		{"method only", func(e *wsgiref.Environ) { e.Set("REQUEST_METHOD", "PUT") }, "PUT", "", 0},
		{"origin", func(e *wsgiref.Environ) {
			e.Set("REQUEST_METHOD", "GET")
			e.Set("PATH_INFO", "/users/7")
		}, "GET", "/users/7", 0},
		{"split", func(e *wsgiref.Environ) {
			e.Set("X", "1")
			e.SetScriptPath("/api/users/7", 4)
			e.Set("REQUEST_METHOD", "DELETE")
		}, "DELETE", "/api/users/7", 4},
		{"set apart", func(e *wsgiref.Environ) {
			e.Set("SCRIPT_NAME", "/cgi")
			e.Set("REQUEST_METHOD", "POST")
			e.Set("PATH_INFO", "/x")
		}, "POST", "/cgi/x", 4},
		{"method deleted", func(e *wsgiref.Environ) {
			e.Set("REQUEST_METHOD", "GET")
			e.SetScriptPath("/a/b", 2)
			e.Del("REQUEST_METHOD")
		}, "", "/a/b", 2},
		{"script deleted", func(e *wsgiref.Environ) {
			e.SetScriptPath("/a/b", 2)
			e.Set("REQUEST_METHOD", "HEAD")
			e.Del("SCRIPT_NAME")
		}, "HEAD", "/b", 0},
	} {
		e := new(wsgiref.Environ)
		tt.setup(e)
		method, path, i := e.MethodPath()
		if method != tt.method || path != tt.path || i != tt.i {
			t.Errorf("%s: MethodPath = %q, %q, %d; want %q, %q, %d", tt.name, method, path, i, tt.method, tt.path, tt.i)
		}
		if method != e.Get("REQUEST_METHOD") {
			t.Errorf("%s: MethodPath's method %q, Get %q", tt.name, method, e.Get("REQUEST_METHOD"))
		}
	}
}

// SetScriptPath with one half missing adds it after the others and
// writes the present one in place.
func TestSetScriptPathOneMissing(t *testing.T) {
	for _, first := range []string{"SCRIPT_NAME", "PATH_INFO"} {
		e := new(wsgiref.Environ)
		e.Set(first, "old")
		e.Set("X", "1")
		e.SetScriptPath("/a/b", 2)
		e.SetScriptPath("/c/d/e", 4) // both present now
		if e.Get("SCRIPT_NAME") != "/c/d" || e.Get("PATH_INFO") != "/e" {
			t.Errorf("%s first: SCRIPT_NAME %q PATH_INFO %q", first, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
		}
		if got := strings.Join(e.Keys(), ","); !strings.HasPrefix(got, first+",X,") || e.Len() != 3 {
			t.Errorf("%s first: keys %s", first, got)
		}
	}
}

// DelExtension removes the first, a middle and the last key, keeping the
// others' order.
func TestDelExtensionOrder(t *testing.T) {
	for _, tt := range []struct{ del, want string }{
		{"a", "b,c,d"}, {"b", "a,c,d"}, {"d", "a,b,c"}, {"missing", "a,b,c,d"},
	} {
		e := new(wsgiref.Environ)
		for i, k := range []string{"a", "b", "c", "d"} {
			e.SetExtension(k, i)
		}
		e.DelExtension(tt.del)
		var keys []string
		for k, v := range e.Extensions() {
			keys = append(keys, k)
			if want := int(k[0] - 'a'); v != want {
				t.Errorf("del %s: %s = %v, want %d", tt.del, k, v, want)
			}
		}
		if got := strings.Join(keys, ","); got != tt.want {
			t.Errorf("del %s: keys %s, want %s", tt.del, got, tt.want)
		}
		e.SetExtension("e", 4) // reuses the freed place
		if v, ok := e.Extension("e"); !ok || v != 4 {
			t.Errorf("del %s: e = %v %v after re-adding", tt.del, v, ok)
		}
	}
}

// A router's first read: the method and the whole path with where
// SCRIPT_NAME ends in it.
func ExampleEnviron_MethodPath() {
	e := wsgiref.NewEnviron("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/api", "PATH_INFO", "/users/7")
	method, path, i := e.MethodPath()
	fmt.Println(method, path, path[:i], path[i:])
	// Output:
	// GET /api/users/7 /api /users/7
}
