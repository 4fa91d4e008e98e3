package githubapi

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// seen is what a handler saw of its request.
type seen struct {
	handler, script, path string
	names, values         []string
}

// recordingRouter sets every handler field to an application that records
// its field name and the environ it got, and answers 200 with that name.
func recordingRouter(got *seen) *Router {
	var h Handlers
	v := reflect.ValueOf(&h).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			*got = seen{handler: name, script: env.Get("SCRIPT_NAME"), path: env.Get("PATH_INFO")}
			for n, val := range routing.ArgsOf(env).All() {
				got.names = append(got.names, n)
				got.values = append(got.values, val)
			}
			if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
				return nil, err
			}
			return wsgiref.Strings(name), nil
		})
		v.Field(i).Set(reflect.ValueOf(app))
	}
	return NewRouter(h)
}

// fileRoute is a line of routes.txt, read here without the generator.
type fileRoute struct {
	line         int
	method, path string
}

func readRouteFile(t *testing.T) []fileRoute {
	f, err := os.Open("routes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fileRoute
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		out = append(out, fileRoute{n, fields[0], fields[1]})
	}
	return out
}

// concrete fills a route's parameters with values no static segment of
// the table has, and returns the path with the expected names and values.
func concrete(route string) (path string, names, values []string) {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			names = append(names, s[1:])
			values = append(values, "v-"+s[1:]+"-"+fmt.Sprint(i))
			segs[i] = values[len(values)-1]
		}
	}
	return strings.Join(segs, "/"), names, values
}

// TestEveryRoute dispatches each of the 203 routes of routes.txt and
// checks the handler chosen, the parameters captured and the SCRIPT_NAME
// and PATH_INFO the handler saw, on a pooled environ as a server uses it.
func TestEveryRoute(t *testing.T) {
	file := readRouteFile(t)
	if len(file) != 203 || len(Routes) != 203 {
		t.Fatalf("%d routes in routes.txt, %d generated; want 203", len(file), len(Routes))
	}
	var got seen
	router := recordingRouter(&got)
	env := new(wsgiref.Environ)
	handlerOf := map[string]bool{}
	for i, fr := range file {
		gen := Routes[i]
		if gen.Method != fr.method || gen.Path != fr.path || gen.Line != fr.line {
			t.Fatalf("Routes[%d] = %+v, routes.txt line %d says %s %s", i, gen, fr.line, fr.method, fr.path)
		}
		if handlerOf[gen.Handler] {
			t.Errorf("handler %s serves two routes", gen.Handler)
		}
		handlerOf[gen.Handler] = true

		path, names, values := concrete(fr.path)
		for _, script := range []string{"", "/api/v3"} {
			env.Reset()
			wsgiutil.SetupTestingDefaults(env)
			env.Set("REQUEST_METHOD", fr.method)
			env.Set("SCRIPT_NAME", script)
			env.Set("PATH_INFO", path)
			got = seen{}
			if _, err := router.ServeWSGI(env, discardStart); err != nil {
				t.Fatal(err)
			}
			want := seen{handler: gen.Handler, script: script + path, path: "", names: names, values: values}
			if got.handler != want.handler || got.script != want.script || got.path != want.path ||
				!slices.Equal(got.names, want.names) || !slices.Equal(got.values, want.values) {
				t.Errorf("%s %s (SCRIPT_NAME %q):\n got  %+v\n want %+v", fr.method, path, script, got, want)
			}
		}
	}
}

func discardStart(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }

// TestRoutingAllocs checks that routing a param route on a pooled
// environ allocates nothing.
func TestRoutingAllocs(t *testing.T) {
	var got seen
	_ = recordingRouter(&got)
	nop := wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) { return nil, nil })
	var h Handlers
	h.GetReposByOwnerByRepoIssuesByNumber = nop
	router := NewRouter(h)
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	env.Set("REQUEST_METHOD", "GET")
	n := testing.AllocsPerRun(100, func() {
		env.SetScriptPath("/repos/gowsgi/wsgiref/issues/5", 0)
		env.DelExtension(routing.Key)
		router.ServeWSGI(env, discardStart)
	})
	if n != 0 {
		t.Errorf("routing allocates %v times per request, want 0", n)
	}
	if got := routing.ArgsOf(env).Get("number"); got != "5" {
		t.Errorf("number = %q", got)
	}
}

// TestOverHTTP serves the router on a real loopback socket through the
// module's net/http bridge and talks to it with net/http's client: the
// 404, the 405 with its Allow header, HEAD served by GET, /x vs /x/.
func TestOverHTTP(t *testing.T) {
	var got seen
	srv := httptest.NewServer(handlers.NewHTTPHandler(recordingRouter(&got)))
	defer srv.Close()
	cases := []struct {
		method, path string
		status       int
		body, allow  string
	}{
		{"GET", "/repos/gowsgi/wsgiref/issues/5", 200, "GetReposByOwnerByRepoIssuesByNumber", ""},
		{"HEAD", "/user/repos", 200, "", ""},
		{"GET", "/user/repos/", 404, "Not Found\n", ""},
		{"GET", "/nowhere", 404, "Not Found\n", ""},
		{"PATCH", "/user/repos", 405, "Method Not Allowed\n", "GET, HEAD, POST"},
		{"DELETE", "/user/keys/7", 200, "DeleteUserKeysByID", ""},
		{"GET", "/user//repos", 200, "GetUserRepos", ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || string(body) != c.body || resp.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d %q Allow %q, want %d %q Allow %q", c.method, c.path,
				resp.StatusCode, body, resp.Header.Get("Allow"), c.status, c.body, c.allow)
		}
	}
}

// TestOverHTTPOtherClients asks the same server with curl and Python's
// http.client, when the machine has them: the 405 and its Allow header,
// a parameter route, a HEAD with no body.
func TestOverHTTPOtherClients(t *testing.T) {
	var got seen
	srv := httptest.NewServer(handlers.NewHTTPHandler(recordingRouter(&got)))
	defer srv.Close()

	curl, err := exec.LookPath("curl")
	if err != nil {
		missing(t, "curl")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		missing(t, "python3")
	}
	{
		out, err := exec.Command(curl, "-s", "-i", "-X", "PATCH", srv.URL+"/user/repos").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		resp := strings.ReplaceAll(string(out), "\r\n", "\n")
		if !strings.HasPrefix(resp, "HTTP/1.1 405 Method Not Allowed\n") || !strings.Contains(resp, "\nAllow: GET, HEAD, POST\n") ||
			!strings.HasSuffix(resp, "\n\nMethod Not Allowed\n") {
			t.Errorf("curl PATCH /user/repos:\n%s", resp)
		}
	}

	{
		script := `
import http.client, sys
c = http.client.HTTPConnection(sys.argv[1])
for method, path in [("GET", "/repos/a/b/issues/7"), ("HEAD", "/user/repos"), ("GET", "/user/repos/")]:
    c.request(method, path)
    r = c.getresponse()
    print(method, path, r.status, repr(r.read().decode()))
`
		out, err := exec.Command(py, "-c", script, strings.TrimPrefix(srv.URL, "http://")).CombinedOutput()
		if err != nil {
			t.Fatalf("python3: %v\n%s", err, out)
		}
		want := "GET /repos/a/b/issues/7 200 'GetReposByOwnerByRepoIssuesByNumber'\n" +
			"HEAD /user/repos 200 ''\n" +
			"GET /user/repos/ 404 'Not Found\\n'\n"
		if string(out) != want {
			t.Errorf("python3 http.client:\n%s\nwant\n%s", out, want)
		}
	}
}

// missing skips the test for want of a tool, or fails it in CI, where
// every tool the tests use is installed.
func missing(t *testing.T, tool string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not on PATH: CI installs it (.ci/run), so the test must not skip", tool)
	}
	t.Skipf("%s is not on PATH: install it to run this test", tool)
}

// TestConcurrent routes from many goroutines at once, each with its own
// pooled environ, as a server does: every request must see its own
// parameters (run it with -race to check the args cache).
func TestConcurrent(t *testing.T) {
	type result struct{ owner, repo, number string }
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		a := routing.ArgsOf(env)
		if got, want := env.Get("SCRIPT_NAME"), "/repos/"+a.Get("owner")+"/"+a.Get("repo")+"/issues/"+a.Get("number"); got != want {
			return nil, fmt.Errorf("SCRIPT_NAME %q, args say %q", got, want)
		}
		return nil, nil
	})
	router := NewRouter(Handlers{GetReposByOwnerByRepoIssuesByNumber: app})
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			env := new(wsgiref.Environ)
			for i := range 300 {
				env.Reset()
				wsgiutil.SetupTestingDefaults(env)
				env.Set("PATH_INFO", fmt.Sprintf("/repos/o%d/r%d/issues/%d", g, i, i*g))
				if _, err := router.ServeWSGI(env, discardStart); err != nil {
					errs <- err
					return
				}
				a := routing.ArgsOf(env)
				if got, want := (result{a.Get("owner"), a.Get("repo"), a.Get("number")}), (result{fmt.Sprint("o", g), fmt.Sprint("r", i), fmt.Sprint(i * g)}); got != want {
					errs <- fmt.Errorf("goroutine %d request %d: args %v, want %v", g, i, got, want)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
