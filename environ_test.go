package wsgiref_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

func vars(e *wsgiref.Environ) string {
	var b strings.Builder
	for k, v := range e.All() {
		fmt.Fprintf(&b, "%s=%s;", k, v)
	}
	return b.String()
}

// The zero value is an empty environ ready to use, and presence is kept
// apart from emptiness, as in a Python dict.
func TestEnvironPresence(t *testing.T) {
	var e wsgiref.Environ
	if e.Len() != 0 || e.Has("X") || e.Get("X") != "" || vars(&e) != "" {
		t.Fatal("zero Environ not empty")
	}
	if v, ok := e.Lookup("X"); ok || v != "" {
		t.Errorf("Lookup(X) on empty = %q, %v", v, ok)
	}
	e.Set("EMPTY", "")
	if !e.Has("EMPTY") || e.Len() != 1 {
		t.Error("a key holding \"\" is not present")
	}
	if v, ok := e.Lookup("EMPTY"); !ok || v != "" {
		t.Errorf("Lookup(EMPTY) = %q, %v", v, ok)
	}
	if e.Has("empty") {
		t.Error("keys must be case-sensitive, as CGI variables are")
	}
	e.Del("EMPTY")
	if e.Has("EMPTY") || e.Len() != 0 {
		t.Error("Del left the key")
	}
	e.Del("EMPTY") // deleting a missing key does nothing
}

func TestEnvironOrder(t *testing.T) {
	for _, tt := range []struct {
		name string
		op   func(*wsgiref.Environ)
		want string
	}{
		{"insertion order", func(e *wsgiref.Environ) {}, "A=1;B=2;C=3;"},
		{"set existing keeps place", func(e *wsgiref.Environ) { e.Set("A", "9") }, "A=9;B=2;C=3;"},
		{"set new goes last", func(e *wsgiref.Environ) { e.Set("D", "4") }, "A=1;B=2;C=3;D=4;"},
		{"del keeps order", func(e *wsgiref.Environ) { e.Del("B") }, "A=1;C=3;"},
		{"del then set goes last", func(e *wsgiref.Environ) { e.Del("A"); e.Set("A", "1") }, "B=2;C=3;A=1;"},
		{"setdefault present", func(e *wsgiref.Environ) {
			if v := e.SetDefault("B", "x"); v != "2" {
				panic(v)
			}
		}, "A=1;B=2;C=3;"},
		{"setdefault absent", func(e *wsgiref.Environ) {
			if v := e.SetDefault("Z", "x"); v != "x" {
				panic(v)
			}
		}, "A=1;B=2;C=3;Z=x;"},
		{"setdefault present empty", func(e *wsgiref.Environ) {
			e.Set("E", "")
			if v := e.SetDefault("E", "x"); v != "" {
				panic(v)
			}
		}, "A=1;B=2;C=3;E=;"},
	} {
		e := wsgiref.NewEnviron("A", "1", "B", "2", "C", "3")
		tt.op(e)
		if got := vars(e); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		if keys := e.Keys(); len(keys) != e.Len() {
			t.Errorf("%s: Keys gave %d, Len %d", tt.name, len(keys), e.Len())
		}
	}
}

func TestEnvironIteratorsStop(t *testing.T) {
	e := new(wsgiref.Environ)
	for i := range 5 {
		e.Set(fmt.Sprint(i), "v")
		e.SetExtension(fmt.Sprint(i), i)
	}
	n := 0
	for range e.All() {
		if n++; n == 2 {
			break
		}
	}
	for range e.Extensions() {
		if n++; n == 4 {
			break
		}
	}
	if n != 4 {
		t.Errorf("iterators did not stop: %d", n)
	}
}

func TestEnvironExtensions(t *testing.T) {
	e := new(wsgiref.Environ)
	if _, ok := e.Extension("wsgiorg.routing_args"); ok {
		t.Error("extension on an empty environ")
	}
	args := [2]any{[]string{"a"}, map[string]string{"id": "42"}}
	e.SetExtension("wsgiorg.routing_args", args)
	e.SetExtension("x.nil", nil)
	e.SetExtension("x.other", 1)
	e.SetExtension("x.other", 2)
	if v, ok := e.Extension("x.nil"); !ok || v != nil {
		t.Errorf("a nil extension is not present: %v %v", v, ok)
	}
	if v, _ := e.Extension("x.other"); v != 2 {
		t.Errorf("x.other = %v", v)
	}
	var order []string
	for k := range e.Extensions() {
		order = append(order, k)
	}
	if strings.Join(order, ",") != "wsgiorg.routing_args,x.nil,x.other" {
		t.Errorf("extension order %v", order)
	}
	e.DelExtension("x.nil")
	e.DelExtension("x.missing")
	if _, ok := e.Extension("x.nil"); ok || e.Len() != 0 {
		t.Error("DelExtension failed, or extensions leaked into the variables")
	}
	if v, _ := e.Extension("wsgiorg.routing_args"); v.([2]any)[1].(map[string]string)["id"] != "42" {
		t.Errorf("routing_args = %v", v)
	}
}

// Clone copies the variable lists; the typed fields and the extension
// values are shared, as copy.copy(environ) shares them in Python.
func TestEnvironClone(t *testing.T) {
	in := strings.NewReader("body")
	errs := new(bytes.Buffer)
	e := &wsgiref.Environ{Input: in, Errors: errs, Version: [2]int{1, 0}, Multithread: true}
	e.Set("A", "1")
	e.Set("B", "2")
	e.SetExtension("x", []int{1})
	c := e.Clone()
	c.Set("A", "changed")
	c.Set("C", "3")
	c.Del("B")
	c.SetExtension("y", 2)
	if vars(e) != "A=1;B=2;" || vars(c) != "A=changed;C=3;" {
		t.Errorf("clone not independent: %s / %s", vars(e), vars(c))
	}
	if _, ok := e.Extension("y"); ok {
		t.Error("extension leaked into the original")
	}
	if c.Input != io.Reader(in) || c.Errors != io.Writer(errs) || c.Version != e.Version || !c.Multithread {
		t.Error("typed fields not copied")
	}
	var empty wsgiref.Environ
	if c := empty.Clone(); c.Len() != 0 {
		t.Error("clone of empty")
	}
}

func fill(e *wsgiref.Environ) {
	e.Set("REQUEST_METHOD", "GET")
	e.Set("SCRIPT_NAME", "")
	e.Set("PATH_INFO", "/index.html")
	e.Set("QUERY_STRING", "")
	e.Set("SERVER_NAME", "127.0.0.1")
	e.Set("SERVER_PORT", "8000")
	e.Set("SERVER_PROTOCOL", "HTTP/1.1")
	e.Set("HTTP_HOST", "127.0.0.1:8000")
	e.Set("HTTP_USER_AGENT", "test")
	e.Set(wsgiref.URLSchemeKey, "http")
	e.SetExtension("wsgiorg.routing_args", e)
	e.Version = [2]int{1, 0}
	e.Input = http0
	e.Errors = io.Discard
}

var http0 = strings.NewReader("")

func TestEnvironReset(t *testing.T) {
	e := new(wsgiref.Environ)
	fill(e)
	e.SetScriptPath("/a/b", 2)
	e.Reset()
	if e.Len() != 0 || vars(e) != "" || e.Input != nil || e.Errors != nil || e.Version != [2]int{} {
		t.Errorf("Reset left %s %v %v %v", vars(e), e.Input, e.Errors, e.Version)
	}
	if _, ok := e.Extension("wsgiorg.routing_args"); ok {
		t.Error("Reset left an extension")
	}
	if p, i := e.ScriptPath(); p != "" || i != 0 {
		t.Errorf("Reset left the script path %q %d", p, i)
	}
	if testing.CoverMode() != "" {
		return
	}
	// A pooled environ fills again without allocating.
	if n := testing.AllocsPerRun(100, func() { e.Reset(); fill(e) }); n != 0 {
		t.Errorf("Reset and refill: %v allocs, want 0", n)
	}
}

func TestScriptPath(t *testing.T) {
	for _, tt := range []struct {
		name    string
		setup   func(*wsgiref.Environ)
		path    string
		i       int
		sn, pi  string
		present bool
	}{
		{"nothing", func(e *wsgiref.Environ) {}, "", 0, "", "", false},
		{"split", func(e *wsgiref.Environ) { e.SetScriptPath("/app/x/y", 4) }, "/app/x/y", 4, "/app", "/x/y", true},
		{"split at 0", func(e *wsgiref.Environ) { e.SetScriptPath("/x", 0) }, "/x", 0, "", "/x", true},
		{"split at end", func(e *wsgiref.Environ) { e.SetScriptPath("/x", 2) }, "/x", 2, "/x", "", true},
		{"clamped low", func(e *wsgiref.Environ) { e.SetScriptPath("/x", -3) }, "/x", 0, "", "/x", true},
		{"clamped high", func(e *wsgiref.Environ) { e.SetScriptPath("/x", 9) }, "/x", 2, "/x", "", true},
		{"set apart", func(e *wsgiref.Environ) { e.Set("SCRIPT_NAME", "/a"); e.Set("PATH_INFO", "/b") }, "/a/b", 2, "/a", "/b", true},
		{"edited after split", func(e *wsgiref.Environ) {
			e.SetScriptPath("/app/x", 4)
			e.Set("PATH_INFO", "/other")
		}, "/app/other", 4, "/app", "/other", true},
		{"script only", func(e *wsgiref.Environ) { e.Set("SCRIPT_NAME", "/a") }, "/a", 2, "/a", "", false},
	} {
		e := new(wsgiref.Environ)
		tt.setup(e)
		path, i := e.ScriptPath()
		if path != tt.path || i != tt.i {
			t.Errorf("%s: ScriptPath = %q, %d; want %q, %d", tt.name, path, i, tt.path, tt.i)
		}
		if e.Get("SCRIPT_NAME") != tt.sn || e.Get("PATH_INFO") != tt.pi || e.Has("PATH_INFO") != tt.present {
			t.Errorf("%s: SCRIPT_NAME %q PATH_INFO %q", tt.name, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
		}
	}
}

// SetScriptPath keeps the variables' places, as Set does.
func TestSetScriptPathOrder(t *testing.T) {
	e := new(wsgiref.Environ)
	e.Set("PATH_INFO", "/old")
	e.Set("X", "1")
	e.SetScriptPath("/a/b", 2)
	if got := vars(e); got != "PATH_INFO=/b;X=1;SCRIPT_NAME=/a;" {
		t.Errorf("order: %s", got)
	}
}

func TestScriptPathAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("allocation counts differ under coverage")
	}
	e := new(wsgiref.Environ)
	e.Set("SCRIPT_NAME", "")
	e.Set("PATH_INFO", "/repos/o/r")
	path := "/api/repos/o/r"
	if n := testing.AllocsPerRun(100, func() {
		e.SetScriptPath(path, 4)
		for i := 4; i < len(path); i++ {
			p, j := e.ScriptPath()
			e.SetScriptPath(p, j+1)
		}
	}); n != 0 {
		t.Errorf("SetScriptPath/ScriptPath: %v allocs, want 0", n)
	}
}

func BenchmarkEnvironRefill(b *testing.B) {
	e := new(wsgiref.Environ)
	fill(e)
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		fill(e)
	}
}

func BenchmarkEnvironGet(b *testing.B) {
	e := new(wsgiref.Environ)
	fill(e)
	b.ReportAllocs()
	for b.Loop() {
		_ = e.Get("HTTP_USER_AGENT")
	}
}

func TestLookupOrSet(t *testing.T) {
	// Below and above the index's threshold, for a hot key and others.
	for _, n := range []int{0, 5, 40} {
		e := wsgiref.NewEnviron()
		for i := range n {
			e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
		}
		for _, key := range []string{"HTTP_NEW", "QUERY_STRING", "HTTP_X_3"} {
			wantPresent := key == "HTTP_X_3" && n > 3
			before, _ := e.Lookup(key)
			got, present := e.LookupOrSet(key, "set")
			want := "set"
			if wantPresent {
				want = before
			}
			if got != want || present != wantPresent || e.Get(key) != want {
				t.Errorf("%d keys: LookupOrSet(%q) = %q, %v (then Get %q), want %q, %v", n, key, got, present, e.Get(key), want, wantPresent)
			}
			if got, present := e.LookupOrSet(key, "again"); got != want || !present {
				t.Errorf("%d keys: second LookupOrSet(%q) = %q, %v, want %q, true", n, key, got, present, want)
			}
		}
	}
}
