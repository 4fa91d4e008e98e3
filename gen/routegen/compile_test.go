package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compiled are the route files the compile test builds into real routers,
// with the options they are generated with.
var compiled = []struct {
	file string
	cfg  config
}{
	{"testdata/basic.txt", config{pkg: "r0"}},
	{"testdata/backtrack.txt", config{pkg: "r1", name: "Tree"}},
	{"testdata/rootmount.txt", config{pkg: "r2"}},
	{"../../examples/githubapi/routes.txt", config{pkg: "r3", name: "Github"}},
	{"testdata/escapes.txt", config{pkg: "r4", name: "Escapes"}},
	{"testdata/wide.txt", config{pkg: "r5"}},
	// The same files as routing.Tables: both shapes decide alike.
	{"testdata/basic.txt", config{pkg: "t0", shape: shapeTable}},
	{"testdata/backtrack.txt", config{pkg: "t1", name: "Tree", shape: shapeTable}},
	{"testdata/rootmount.txt", config{pkg: "t2", shape: shapeTable}},
	{"../../examples/githubapi/routes.txt", config{pkg: "t3", name: "Github", shape: shapeTable}},
	{"testdata/escapes.txt", config{pkg: "t4", name: "Escapes", shape: shapeTable}},
	{"testdata/wide.txt", config{pkg: "t5", shape: shapeTable}},
	// A random REST-like file in both shapes ("" is written by the test).
	{"", config{pkg: "s6", shape: shapeSwitch}},
	{"", config{pkg: "t6", shape: shapeTable}},
}

// randomRoutes is the size of the random route file of the compile test:
// deep and wide enough to backtrack, small enough to keep the test short.
const randomRoutes = 200

// TestGeneratedRoutersRun generates real routers into a temporary module
// (a replace points it at this repository), vets them, builds a program
// that serves requests through them, and checks that each request gets
// what the interpreter says: the generated switch tree and the tree the
// tests reason about decide alike.
func TestGeneratedRoutersRun(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goVersion := "1.26"
	write("go.mod", fmt.Sprintf("module routetest\n\ngo %s\n\nrequire github.com/gowsgi/wsgiref v0.0.0\n\nreplace github.com/gowsgi/wsgiref => %s\n", goVersion, root))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(sum))

	var input strings.Builder
	var want []string
	var imports, news strings.Builder
	mounted := 0
	random := filepath.Join(dir, "random.txt")
	write("random.txt", randomRouteFile(2, randomRoutes))
	for i, c := range compiled {
		if c.file == "" {
			c.file = random
		}
		src, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		cfg := c.cfg
		cfg.source = filepath.Base(c.file)
		code, err := generate(cfg, string(src))
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(cfg.pkg, "router_gen.go"), string(code))
		n := cfg.names()
		fmt.Fprintf(&imports, "\t%q\n", "routetest/"+cfg.pkg)
		fmt.Fprintf(&news, "\tfunc() wsgiref.App { var h %s.%s; fill(&h, %d); return %s.%s(h) }(),\n", cfg.pkg, n.handlers, i, cfg.pkg, n.newFunc)

		routes, tree, table := load(t, c.file)
		for _, rq := range requestsFor(routes) {
			fmt.Fprintf(&input, "%d\t%s\t%s\t%s\n", i, strconv.Quote(rq.method), strconv.Quote(rq.script), strconv.Quote(rq.path))
			full := interpretFull(tree, table, rq.env())
			if i == 0 && full.out.handler == "Mount" {
				// The driver mounts the second router there: it sees the
				// environ the first one committed and adds its args.
				_, tree1, table1 := load(t, compiled[1].file)
				inner := interpretFull(tree1, table1, full.env)
				if inner.out.status == 200 {
					inner.out.args = formatArgs(append(full.names, inner.names...), append(full.values, inner.values...))
				}
				full = inner
				mounted++
			}
			want = append(want, full.out.String())
		}
	}
	write("main.go", strings.Replace(strings.Replace(driver, "//IMPORTS\n", imports.String(), 1), "//ROUTERS\n", news.String(), 1))
	write("input.txt", input.String())

	goCmd := func(args ...string) []byte {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		timer := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
		defer timer.Stop()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	goCmd("vet", "./...")
	out := goCmd("run", ".", "input.txt")
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d results for %d requests", len(got), len(want))
	}
	lines := strings.Split(input.String(), "\n")
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("request %s:\n generated   %s\n interpreter %s", lines[i], got[i], want[i])
			}
		}
	}
	if mounted == 0 {
		t.Error("no request went through the mounted router")
	}
	t.Logf("%d requests through %d generated routers, %d of them through a mounted one", len(want), len(compiled), mounted)
}

// driver is the program of the temporary module: it routes each request
// of its input file and prints what happened, in outcome.String's format.
const driver = `package main

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
//IMPORTS
)

var called string

// fill sets every handler field to an application that prints its name
// and the environ it sees; router 0's Mount field mounts router 1.
func fill(h any, router int) {
	v := reflect.ValueOf(h).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if router == 0 && name == "Mount" {
			v.Field(i).Set(reflect.ValueOf(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
				return routers[1].ServeWSGI(env, start)
			})))
			continue
		}
		v.Field(i).Set(reflect.ValueOf(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			var parts []string
			for n, val := range routing.ArgsOf(env).All() {
				parts = append(parts, fmt.Sprintf("%s=%q", n, val))
			}
			called = fmt.Sprintf("%s script=%q path=%q args=[%s]", name, env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), strings.Join(parts, " "))
			return nil, nil
		})))
	}
}

var routers []wsgiref.App

func init() {
	routers = []wsgiref.App{
//ROUTERS
	}
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(f)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		i, _ := strconv.Atoi(fields[0])
		method, _ := strconv.Unquote(fields[1])
		script, _ := strconv.Unquote(fields[2])
		path, _ := strconv.Unquote(fields[3])
		env := new(wsgiref.Environ)
		env.Set("REQUEST_METHOD", method)
		env.Set("SCRIPT_NAME", script)
		env.Set("PATH_INFO", path)
		called = ""
		var status string
		var allow string
		start := func(s string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
			status, allow = s, h.Get("Allow")
			return nil, nil
		}
		if _, err := routers[i].ServeWSGI(env, start); err != nil {
			panic(err)
		}
		if called != "" {
			fmt.Fprintln(w, called)
		} else {
			code, _ := strconv.Atoi(status[:3])
			fmt.Fprintf(w, "%d allow=%q\n", code, allow)
		}
	}
}
`
