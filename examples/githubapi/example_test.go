package githubapi_test

import (
	"errors"
	"fmt"
	"io"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/examples/githubapi"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// Fill the handler fields, build the router, serve: the application of
// the route sees its parameters and the environ of a mounted WSGI app.
func Example() {
	issue := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		args := routing.ArgsOf(env)
		n, err := args.Int("number")
		if err != nil {
			return nil, err
		}
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings(fmt.Sprintf("issue %d of %s/%s at %s\n",
			n, args.Get("owner"), args.Get("repo"), env.Get("SCRIPT_NAME"))), nil
	})
	router := githubapi.NewRouter(githubapi.Handlers{GetReposByOwnerByRepoIssuesByNumber: issue})

	for _, req := range []struct{ method, path string }{
		{"GET", "/repos/gowsgi/wsgiref/issues/5"},
		{"POST", "/repos/gowsgi/wsgiref/issues/5"},
		{"GET", "/repos/gowsgi/wsgiref/issues/5/"},
	} {
		env := new(wsgiref.Environ)
		wsgiutil.SetupTestingDefaults(env)
		env.Set("REQUEST_METHOD", req.method)
		env.Set("PATH_INFO", req.path)
		var status string
		var h headers.Headers
		start := func(s string, hs headers.Headers, _ ...error) (wsgiref.Write, error) {
			status, h = s, hs
			return nil, nil
		}
		body, _ := router.ServeWSGI(env, start)
		fmt.Printf("%s %s -> %s %s", req.method, req.path, status, readAll(body))
		if allow := h.Get("Allow"); allow != "" {
			fmt.Printf("  Allow: %s\n", allow)
		}
	}
	// Output:
	// GET /repos/gowsgi/wsgiref/issues/5 -> 200 OK issue 5 of gowsgi/wsgiref at /repos/gowsgi/wsgiref/issues/5
	// POST /repos/gowsgi/wsgiref/issues/5 -> 405 Method Not Allowed Method Not Allowed
	//   Allow: GET, HEAD
	// GET /repos/gowsgi/wsgiref/issues/5/ -> 404 Not Found Not Found
}

func readAll(b wsgiref.Body) string {
	var s []byte
	for {
		data, err := b.Next()
		if err == io.EOF || err != nil {
			return string(s)
		}
		s = append(s, data...)
	}
}

// Build a route's path back from its parameters: each value is escaped so
// that the request for the path routes back to the same values, and a
// value no path can carry is refused.
func ExamplePathGetReposByOwnerByRepoIssuesByNumber() {
	path, err := githubapi.PathGetReposByOwnerByRepoIssuesByNumber("go wsgi", "wsgiref?#", "5")
	fmt.Println(path, err)

	_, err = githubapi.PathGetReposByOwnerByRepoIssuesByNumber("gowsgi", "a/b", "5")
	fmt.Println(errors.Is(err, routing.ErrSlashInValue), err)

	// The absolute form, for a router mounted at /api/v3 on example.com.
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	env.Set("HTTP_HOST", "example.com")
	env.Set("SCRIPT_NAME", "/api/v3")
	url, _ := githubapi.URLGetReposByOwnerByRepoIssuesByNumber(env, "gowsgi", "wsgiref", "5")
	fmt.Println(url)
	// Output:
	// /repos/go%20wsgi/wsgiref%3F%23/issues/5 <nil>
	// true routing: cannot build a path with repo="a/b": "/" in a parameter value: a server decodes %2F to "/" before routing
	// http://example.com/api/v3/repos/gowsgi/wsgiref/issues/5
}
