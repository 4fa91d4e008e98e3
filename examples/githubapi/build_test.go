package githubapi

import (
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/routing"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// valueAlphabet is what the random parameter values are made of: the
// bytes a path must escape ("/", "%", space, "?", "#"), the ones it may
// keep (";", "=", ",", "~", "."), non-ASCII letters and plain ones.
var valueAlphabet = []string{"a", "Z", "0", "-", "_", ".", "~", "/", "%", " ", "?", "#", ";", "=", ",", "+", "&", "ü", "日", "\x7f", "%2F", "%25"}

func randomValue(rng *rand.Rand) string {
	switch rng.IntN(20) {
	case 0:
		return ""
	case 1:
		return "."
	case 2:
		return ".."
	}
	var b strings.Builder
	for range 1 + rng.IntN(6) {
		b.WriteString(valueAlphabet[rng.IntN(len(valueAlphabet))])
	}
	return b.String()
}

// wantRefusal is the reason a parameter value cannot be built into a
// path, or nil when it can.
func wantRefusal(v string) error {
	switch {
	case v == "":
		return routing.ErrEmptyValue
	case v == "." || v == "..":
		return routing.ErrDotValue
	case strings.Contains(v, "/"):
		return routing.ErrSlashInValue
	}
	return nil
}

// staticSegments are the static segments of the table: a value equal to
// one of them routes, rightly, to the static route instead.
func staticSegments() map[string]bool {
	m := map[string]bool{}
	for _, r := range Routes {
		for _, s := range strings.Split(r.Path, "/") {
			m[s] = true
		}
	}
	return m
}

// routeBuilt routes a built path as a server would: the request-target
// is percent-decoded into PATH_INFO, under SCRIPT_NAME script.
func routeBuilt(t *testing.T, router *Router, got *seen, method, script, built string) {
	t.Helper()
	u, err := url.Parse(built)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.Path != wsgiutil.Unquote(built) {
		t.Fatalf("built path %q is not a plain URL path: %v, %+v", built, err, u)
	}
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	env.Set("REQUEST_METHOD", method)
	env.Set("SCRIPT_NAME", script)
	env.Set("PATH_INFO", wsgiutil.Unquote(built))
	*got = seen{}
	if _, err := router.ServeWSGI(env, discardStart); err != nil {
		t.Fatal(err)
	}
}

// TestBuildersRouteBack is the builders' property: for every route of the
// table, a path built from random values routes back to the same route
// with the same values, and a value that no path can carry is refused
// with the reason. It goes through the table (Route.BuildPath), whose
// Pattern the typed builders call; TestTypedBuilders checks they agree.
func TestBuildersRouteBack(t *testing.T) {
	var got seen
	router := recordingRouter(&got)
	statics := staticSegments()
	rng := rand.New(rand.NewPCG(13, 13))
	built, refused := 0, 0
	for _, r := range Routes {
		for range 60 {
			values := make([]string, len(r.Pattern.Names))
			var refusal error
			for i := range values {
				values[i] = randomValue(rng)
				for statics[values[i]] && values[i] != "" {
					values[i] = randomValue(rng)
				}
				if e := wantRefusal(values[i]); e != nil && refusal == nil {
					refusal = e
				}
			}
			path, err := r.BuildPath(values...)
			if refusal != nil {
				var be *routing.BuildError
				if !errors.Is(err, refusal) || !errors.As(err, &be) || !slices.Contains(r.Pattern.Names, be.Param) {
					t.Fatalf("%s %s with %q: error %v, want %v", r.Method, r.Path, values, err, refusal)
				}
				refused++
				continue
			}
			if err != nil {
				t.Fatalf("%s %s with %q: %v", r.Method, r.Path, values, err)
			}
			built++
			for _, script := range []string{"", "/api/v3"} {
				routeBuilt(t, router, &got, r.Method, script, path)
				if got.handler != r.Handler || !slices.Equal(got.names, r.Pattern.Names) || !slices.Equal(got.values, values) && len(values) > 0 {
					t.Fatalf("%s %s with %q built %q, routed to %+v", r.Method, r.Path, values, path, got)
				}
			}
		}
	}
	if built < 5000 || refused < 1000 {
		t.Errorf("only %d paths built and %d refused: the values do not cover both", built, refused)
	}
}

// TestBuildersOverHTTP sends a built path of every route to a real server
// (the net/http bridge on loopback) with Go's client: the server's own
// decoding of the request-target gives the router the values back.
func TestBuildersOverHTTP(t *testing.T) {
	var got seen
	srv := httptest.NewServer(handlers.NewHTTPHandler(recordingRouter(&got)))
	defer srv.Close()
	values := []string{"a b", "c%d", "e?f", "g#h", "über", "日本", "x;y=z,w", "~.-_"}
	for _, r := range Routes {
		path, err := r.BuildPath(values[:len(r.Pattern.Names)]...)
		if err != nil {
			t.Fatalf("%s %s: %v", r.Method, r.Path, err)
		}
		req, err := http.NewRequest(r.Method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || got.handler != r.Handler || !slices.Equal(got.values, values[:len(r.Pattern.Names)]) {
			t.Errorf("%s %s: %s -> %d %+v", r.Method, r.Path, path, resp.StatusCode, got)
		}
	}
}

// TestTypedBuilders checks a typed builder against its table entry.
func TestTypedBuilders(t *testing.T) {
	for _, r := range Routes {
		if r.Handler != "GetReposByOwnerByRepoIssuesByNumber" {
			continue
		}
		for _, v := range [][3]string{{"a", "b", "1"}, {"a b", "ü?", "#"}, {"a/b", "c", "d"}} {
			typed, err1 := PathGetReposByOwnerByRepoIssuesByNumber(v[0], v[1], v[2])
			table, err2 := r.BuildPath(v[:]...)
			if typed != table || (err1 == nil) != (err2 == nil) {
				t.Errorf("%q: typed %q %v, table %q %v", v, typed, err1, table, err2)
			}
		}
		return
	}
	t.Fatal("no route GetReposByOwnerByRepoIssuesByNumber")
}

// TestURLBuilders checks the absolute form: the application URI of the
// mount, then the path.
func TestURLBuilders(t *testing.T) {
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	env.Set("HTTP_HOST", "api.example.com")
	for _, c := range []struct{ script, want string }{
		{"", "http://api.example.com/repos/go%20wsgi/wsgiref/issues/5"},
		{"/api/v3", "http://api.example.com/api/v3/repos/go%20wsgi/wsgiref/issues/5"},
		{"/a b", "http://api.example.com/a%20b/repos/go%20wsgi/wsgiref/issues/5"},
	} {
		env.Set("SCRIPT_NAME", c.script)
		got, err := URLGetReposByOwnerByRepoIssuesByNumber(env, "go wsgi", "wsgiref", "5")
		if err != nil || got != c.want {
			t.Errorf("SCRIPT_NAME %q: %q, %v; want %q", c.script, got, err, c.want)
		}
	}
	if got := URLGetUserRepos(env); got != "http://api.example.com/a%20b/user/repos" {
		t.Errorf("URLGetUserRepos = %q", got)
	}
	if _, err := URLGetReposByOwnerByRepo(env, "a/b", "c"); !errors.Is(err, routing.ErrSlashInValue) {
		t.Errorf("a/b: %v", err)
	}
	if _, err := Routes[0].BuildPath("extra"); !errors.Is(err, routing.ErrArity) {
		t.Errorf("BuildPath with a value too many: %v", err)
	}
}

// FuzzBuilders builds the path of a three-parameter route from fuzzed
// values: either the builder refuses them with the right reason, or the
// path is a plain URL path that routes back to the route and the values.
func FuzzBuilders(f *testing.F) {
	f.Add("gowsgi", "wsgiref", "5")
	f.Add("a b", "c%2Fd", "?#")
	f.Add("..", "ü", "日本")
	f.Add("a/b", "", ".")
	f.Add("x\r\n", "\x00", "%zz")
	var got seen
	router := recordingRouter(&got)
	f.Fuzz(func(t *testing.T, owner, repo, number string) {
		path, err := PathGetReposByOwnerByRepoIssuesByNumber(owner, repo, number)
		var refusal error
		for _, v := range []string{owner, repo, number} {
			if refusal = wantRefusal(v); refusal == nil && strings.ContainsAny(v, "\r\n\x00") {
				refusal = routing.ErrControlValue
			}
			if refusal != nil {
				break
			}
		}
		if refusal != nil {
			if !errors.Is(err, refusal) {
				t.Fatalf("%q %q %q: error %v, want %v", owner, repo, number, err, refusal)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q %q %q: %v", owner, repo, number, err)
		}
		routeBuilt(t, router, &got, "GET", "", path)
		if got.handler != "GetReposByOwnerByRepoIssuesByNumber" || !slices.Equal(got.values, []string{owner, repo, number}) {
			t.Fatalf("%q %q %q built %q, routed to %+v", owner, repo, number, path, got)
		}
	})
}
