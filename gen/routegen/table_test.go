package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
)

// serveTable routes env through tbl, the table routegen writes for a big
// route file, with an application per route that notes what it sees,
// and returns the outcome in the interpreter's terms.
func serveTable(tbl *routing.Table, env *wsgiref.Environ) outcome {
	var got outcome
	apps := make([]wsgiref.App, len(tbl.Routes))
	for k := range apps {
		name := tbl.Routes[k].Handler
		apps[k] = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			var names, values []string
			if a := routing.ArgsOf(env); a != nil {
				for n, v := range a.All() {
					names, values = append(names, n), append(values, v)
				}
			}
			got = outcome{status: 200, handler: name, script: env.Get("SCRIPT_NAME"), path: env.Get("PATH_INFO"), args: formatArgs(names, values)}
			return nil, nil
		})
	}
	start := func(status string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
		got.status, _ = strconv.Atoi(status[:3])
		got.allow = h.Get("Allow")
		return nil, nil
	}
	var args routing.ArgsCache
	if _, err := tbl.Serve(env, start, apps, &args, nil); err != nil {
		panic(err)
	}
	return got
}

// TestTableMatchesTree serves the requests of every route file through
// the routing.Table of its tree and checks that the table decides as the
// switch tree's interpreter does (TestGeneratedRoutersRun compiles both
// shapes; this runs without the compiler, as the fuzz test does).
func TestTableMatchesTree(t *testing.T) {
	for _, f := range append(routeFiles, "testdata/rootmount.txt") {
		routes, root, table := load(t, f)
		tbl, _ := tableOf(routes, root, table)
		for _, rq := range requestsFor(routes) {
			if got, want := serveTable(&tbl, rq.env()), interpret(root, table, rq.env()); got != want {
				t.Errorf("%s: %+v:\n table %v\n tree  %v", f, rq, got, want)
			}
		}
	}
}

// TestTableManyParams: a route with more parameters than a walk keeps on
// the stack gets every value, in order, and a backtrack past them drops
// the ones of the branch that failed.
func TestTableManyParams(t *testing.T) {
	var deep, deeper strings.Builder
	for i := range 20 {
		fmt.Fprintf(&deep, "/:p%d", i)
		fmt.Fprintf(&deeper, "/v%d", i)
	}
	src := "GET " + deep.String() + "\nGET " + deep.String() + "/x\nGET /:p0/*rest\n"
	routes, err := parseRoutes("deep.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	root, err := buildTree("deep.txt", routes)
	if err != nil {
		t.Fatal(err)
	}
	table, _ := methodTable(routes)
	tbl, _ := tableOf(routes, root, table)
	for _, path := range []string{deeper.String(), deeper.String() + "/x", deeper.String() + "/y", "/v0/v1"} {
		rq := request{"GET", "", path}
		got, want := serveTable(&tbl, rq.env()), interpret(root, table, rq.env())
		if got != want {
			t.Errorf("%s:\n table %v\n tree  %v", path, got, want)
		}
		if path == deeper.String() && !strings.Contains(got.args, `p19="v19"`) {
			t.Errorf("%s: args %s lack p19", path, got.args)
		}
	}
}

// TestShapeBySize: the automatic shape is a switch tree below tableMin
// routes and a table from there, with -redirect-slash too.
func TestShapeBySize(t *testing.T) {
	for _, c := range []struct {
		cfg    config
		routes int
		table  bool
	}{
		{config{}, 203, false},
		{config{}, tableMin - 1, false},
		{config{}, tableMin, true},
		{config{redirectSlash: true}, 5000, true},
		{config{shape: shapeSwitch}, 5000, false},
		{config{shape: shapeTable}, 1, true},
	} {
		if got := c.cfg.useTable(c.routes); got != c.table {
			t.Errorf("%+v with %d routes: table %v, want %v", c.cfg, c.routes, got, c.table)
		}
	}
}
