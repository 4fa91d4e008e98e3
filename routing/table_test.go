package routing_test

import (
	"fmt"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
)

// usersTable is the table routegen writes for
//
//	GET  /users/:user/keys
//	POST /users
//	ANY  /static/*file
var usersTable = routing.Table{
	Routes: []routing.Route{
		{Method: "GET", Path: "/users/:user/keys", Handler: "GetUsersByUserKeys", Pattern: &routing.Pattern{Names: []string{"user"}}},
		{Method: "POST", Path: "/users", Handler: "PostUsers", Pattern: &routing.Pattern{}},
		{Method: "ANY", Path: "/static/*file", Handler: "Static", Pattern: &routing.Pattern{Names: []string{"file"}, Rest: true}},
	},
	Methods: routing.Methods{"GET", "HEAD", "POST"},
	Nodes: []routing.Node{
		// 0: the root
		{Statics: []routing.Static{{Segment: "static", Node: 4}, {Segment: "users", Node: 1}}},
		// 1: /users
		{Param: 2, Leaf: []routing.Leaf{{Method: "POST", Route: 1}}, LeafAllow: 1 << 2},
		// 2: /users/:user
		{Statics: []routing.Static{{Segment: "keys", Node: 3}}},
		// 3: /users/:user/keys
		{Leaf: []routing.Leaf{{Method: "GET", Route: 0}}, LeafAllow: 1<<0 | 1<<1},
		// 4: /static, mounted ANY Static
		{Rest: []routing.Leaf{{Method: "ANY", Route: 2}}},
	},
}

// app answers with its name, the environ it sees and its routing args.
func app(name string) wsgiref.App {
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if _, err := start("200 OK", nil); err != nil {
			return nil, err
		}
		var args []string
		for n, v := range routing.ArgsOf(env).All() {
			args = append(args, n+"="+v)
		}
		return wsgiref.Strings(fmt.Sprintf("%s script=%q path=%q args=%v", name, env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), args)), nil
	})
}

// serve sends one request through t and returns the status line, the
// Allow header and the body.
func serve(t *routing.Table, apps []wsgiref.App, notFound wsgiref.App, method, path string) string {
	env := new(wsgiref.Environ)
	env.Set("REQUEST_METHOD", method)
	env.Set("SCRIPT_NAME", "")
	env.Set("PATH_INFO", path)
	var status, allow string
	start := func(s string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
		status, allow = s, h.Get("Allow")
		return nil, nil
	}
	var cache routing.ArgsCache
	body, err := t.Serve(env, start, apps, &cache, notFound)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for {
		block, err := body.Next()
		if err != nil {
			break
		}
		b.Write(block)
	}
	out := status + " " + strings.TrimSpace(b.String())
	if allow != "" {
		out += " (Allow: " + allow + ")"
	}
	return out
}

// A Table routes as the switch tree routegen writes for a small file
// does: the environ committed, the parameters in the routing args, GET
// serving HEAD, 405 with the methods of the path.
func ExampleTable() {
	apps := []wsgiref.App{app("GetUsersByUserKeys"), app("PostUsers"), app("Static")}
	for _, rq := range []struct{ method, path string }{
		{"GET", "/users/gopher/keys"},
		{"HEAD", "/users/gopher/keys"},
		{"POST", "/users"},
		{"GET", "/users"},
		{"PUT", "/static/css/site.css"},
		{"GET", "/nowhere"},
	} {
		fmt.Println(rq.method, rq.path, "->", serve(&usersTable, apps, nil, rq.method, rq.path))
	}
	// Output:
	// GET /users/gopher/keys -> 200 OK GetUsersByUserKeys script="/users/gopher/keys" path="" args=[user=gopher]
	// HEAD /users/gopher/keys -> 200 OK GetUsersByUserKeys script="/users/gopher/keys" path="" args=[user=gopher]
	// POST /users -> 200 OK PostUsers script="/users" path="" args=[]
	// GET /users -> 405 Method Not Allowed Method Not Allowed (Allow: POST)
	// PUT /static/css/site.css -> 200 OK Static script="/static" path="/css/site.css" args=[file=/css/site.css]
	// GET /nowhere -> 404 Not Found Not Found
}

// TestTableAnswers: a nil application answers 501 naming its field, a
// path no route matches goes to notFound when given, and a backtrack
// from a static segment to the parameter keeps only the parameter's
// value.
func TestTableAnswers(t *testing.T) {
	apps := []wsgiref.App{app("GetUsersByUserKeys"), nil, app("Static")}
	for _, c := range []struct {
		method, path string
		notFound     wsgiref.App
		want         string
	}{
		{"POST", "/users", nil, "501 Not Implemented Not Implemented: no handler for route PostUsers"},
		{"GET", "/nowhere", app("NotFound"), `200 OK NotFound script="" path="/nowhere" args=[]`},
		{"GET", "/users/keys/keys", nil, `200 OK GetUsersByUserKeys script="/users/keys/keys" path="" args=[user=keys]`},
		{"GET", "/users/gopher//keys", nil, `200 OK GetUsersByUserKeys script="/users/gopher/keys" path="" args=[user=gopher]`},
		{"GET", "/users/a/keys/more", nil, "404 Not Found Not Found"},
		{"DELETE", "/users/a/keys", nil, "405 Method Not Allowed Method Not Allowed (Allow: GET, HEAD)"},
	} {
		if got := serve(&usersTable, apps, c.notFound, c.method, c.path); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.method, c.path, got, c.want)
		}
	}
}

// TestTableAllocs: a routed request with a parameter allocates nothing
// on a reused environ, as the switch tree's walk does not.
func TestTableAllocs(t *testing.T) {
	ok := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) { return nil, nil })
	apps := []wsgiref.App{ok, ok, ok}
	env := new(wsgiref.Environ)
	var cache routing.ArgsCache
	start := func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }
	n := testing.AllocsPerRun(100, func() {
		env.Set("REQUEST_METHOD", "GET")
		env.Set("SCRIPT_NAME", "")
		env.Set("PATH_INFO", "/users/gopher/keys")
		usersTable.Serve(env, start, apps, &cache, nil)
	})
	if n != 0 {
		t.Errorf("%v allocations per request, want 0", n)
	}
}

// BenchmarkTable routes a parameter route and a POST through the table,
// with one reused environ, as a pooled server connection does.
func BenchmarkTable(b *testing.B) {
	ok := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) { return nil, nil })
	apps := []wsgiref.App{ok, ok, ok}
	env := new(wsgiref.Environ)
	var cache routing.ArgsCache
	for _, rq := range []struct{ name, method, path string }{
		{"Param", "GET", "/users/gopher/keys"},
		{"Static", "POST", "/users"},
	} {
		b.Run(rq.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				env.Set("REQUEST_METHOD", rq.method)
				env.Set("SCRIPT_NAME", "")
				env.Set("PATH_INFO", rq.path)
				env.DelExtension(routing.Key)
				usersTable.Serve(env, nil, apps, &cache, nil)
			}
		})
	}
}

// TestTableApps: the applications come from the Handlers fields the
// routes name, a missing or unset field gives nil, and anything but a
// pointer to a struct gives no application at all.
func TestTableApps(t *testing.T) {
	get := &namedApp{"GetUsersByUserKeys"} // comparable, unlike an AppFunc
	var h struct {
		GetUsersByUserKeys wsgiref.App
		PostUsers          wsgiref.App
		Other              int
	}
	h.GetUsersByUserKeys = get
	apps := usersTable.Apps(&h)
	if len(apps) != 3 || apps[0] != wsgiref.App(get) || apps[1] != nil || apps[2] != nil {
		t.Errorf("Apps(&h) = %v, want [get nil nil]", apps)
	}
	for _, bad := range []any{nil, h, 3, &[]int{}} {
		if apps := usersTable.Apps(bad); len(apps) != 3 || apps[0] != nil {
			t.Errorf("Apps(%T) = %v, want 3 nils", bad, apps)
		}
	}
}

type namedApp struct{ name string }

func (a *namedApp) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	return app(a.name).ServeWSGI(env, start)
}
