package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldens are the route files whose generated code is kept in testdata,
// with the options they are generated with.
var goldens = []struct {
	file string
	cfg  config
}{
	{"basic.txt", config{pkg: "basic"}},
	{"backtrack.txt", config{pkg: "backtrack", name: "Tree"}},
	{"rootmount.txt", config{pkg: "rootmount"}},
	{"slash.txt", config{pkg: "slash", redirectSlash: true}},
	{"escapes.txt", config{pkg: "escapes"}},
	{"wide.txt", config{pkg: "wide"}},
	// The table shape of big route files, on the small files that show
	// its backtracking, its mounts and an ANY catch-all at the root.
	{"backtrack.txt", config{pkg: "backtrack", name: "Tree", shape: shapeTable}},
	{"rootmount.txt", config{pkg: "rootmount", shape: shapeTable}},
	{"slash.txt", config{pkg: "slash", redirectSlash: true, shape: shapeTable}},
}

// goldenName is the golden file of a route file in a shape.
func goldenName(file string, cfg config) string {
	name := strings.TrimSuffix(file, ".txt")
	if cfg.shape == shapeTable {
		name += ".table"
	}
	return filepath.Join("testdata", name+".golden")
}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		src, err := os.ReadFile(filepath.Join("testdata", g.file))
		if err != nil {
			t.Fatal(err)
		}
		g.cfg.source = g.file
		code, err := generate(g.cfg, string(src))
		if err != nil {
			t.Fatalf("%s: %v", g.file, err)
		}
		golden := goldenName(g.file, g.cfg)
		if *update {
			if err := os.WriteFile(golden, code, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(code, want) {
			t.Errorf("%s: generated code differs from %s (run go test -update and review the diff)", g.file, golden)
		}
		// The output is a pure function of the input.
		again, _ := generate(g.cfg, string(src))
		if !bytes.Equal(code, again) {
			t.Errorf("%s: two runs generate different code", g.file)
		}
	}
}

// TestGithubExampleCurrent checks the committed example against the
// generator, as CI's go generate diff does, so a generator change that
// forgets the example fails here first.
func TestGithubExampleCurrent(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "githubapi")
	src, err := os.ReadFile(filepath.Join(dir, "routes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := generate(config{pkg: "githubapi", source: "routes.txt"}, string(src))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "router_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(code, want) {
		t.Error("examples/githubapi/router_gen.go is stale: run go generate ./examples/githubapi")
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // the lines of the error, in order
	}{
		{"empty", "# nothing\n\n", []string{"r.txt:1: no routes"}},
		{"fields", "GET\nGET /a B C\n", []string{
			"r.txt:1: want METHOD /path [Handler], got 1 fields",
			"r.txt:2: want METHOD /path [Handler], got 4 fields"}},
		{"lower method", "get /a\n", []string{`r.txt:1: method "get": methods are case-sensitive, write "GET"`}},
		{"bad method", "G(T /a\n", []string{`r.txt:1: method "G(T": '(' is not allowed in a method`}},
		{"no slash", "GET a/b\n", []string{`r.txt:1: path "a/b" does not start with /`}},
		{"empty segment", "GET /a//b\n", []string{`r.txt:1: path "/a//b": empty segment`}},
		{"dot", "GET /a/./b\nGET /..\n", []string{
			`r.txt:1: path "/a/./b": segment "." is never matched, the path walk resolves it`,
			`r.txt:2: path "/..": segment ".." is never matched, the path walk resolves it`}},
		{"param name", "GET /a/:\nGET /b/:1x\nGET /c/*\n", []string{
			`r.txt:1: path "/a/:": parameter ":" needs a name of letters, digits and _`,
			`r.txt:2: path "/b/:1x": parameter ":1x" needs a name of letters, digits and _`,
			`r.txt:3: path "/c/*": parameter "*" needs a name of letters, digits and _`}},
		{"twice", "GET /a/:x/:x\n", []string{`r.txt:1: path "/a/:x/:x": parameter name "x" used twice`}},
		{"catch-all not last", "GET /a/*x/b\n", []string{`r.txt:1: path "/a/*x/b": catch-all "*x" must be the last segment`}},
		{"colon inside", "GET /a:b\n", []string{`r.txt:1: path "/a:b": ':' and '*' may only start a segment`}},
		{"handler", "GET /a get_a\nGET /b 9\n", []string{
			`r.txt:1: handler "get_a" is not an exported Go identifier`,
			`r.txt:2: handler "9" is not an exported Go identifier`}},
		{"duplicate", "GET /a/:x\n\nGET /a/:x Other\n", []string{"r.txt:3: duplicate route GET /a/:x (line 1)"}},
		{"duplicate catch-all", "ANY /a/*x\nANY /a/*x B\n", []string{"r.txt:2: duplicate route ANY /a/*x (line 1)"}},
		{"param conflict", "GET /a/:x\nPOST /a/:y/b\n", []string{
			"r.txt:2: POST /a/:y/b: parameter :y conflicts with :x at the same position (line 1)"}},
		{"catch-all conflict", "GET /a/*x\nPOST /a/*y\n", []string{
			"r.txt:2: POST /a/*y: catch-all *y conflicts with *x at the same position (line 1)"}},
		{"derived clash", "GET /a-b\nGET /a_b\n", []string{
			"r.txt:2: handler name GetAB is also the name of the route at line 1; name one of them"}},
		{"explicit vs derived", "GET /a GetB\nGET /b\n", []string{
			"r.txt:2: handler name GetB is also the name of the route at line 1; name one of them"}},
		{"underivable", "GET /~\n", nil}, // derives "Get": fine
		{"utf8", "GET /\xff\nGET /a\x01\n", []string{"r.txt:1: not valid UTF-8", `r.txt:2: control character '\x01'`}},
		{"unicode", "GET /über\n", []string{`r.txt:1: cannot derive a handler name for GET /über from the segment "über": name the handler (GET /über Name)`}},
		{"unicode named", "GET /über Uber\n", nil},
		{"comment", "GET /a # a comment\nGET /b#notcomment\n", []string{`r.txt:2: path "/b#notcomment": segment "b#notcomment": "?" and "#" end the path of a URL: write "%3F" or "%23"`}},
		{"escapes", "GET /a%20b\nGET /c%2fd\nGET /e%zz\nGET /%2E\nGET /f%0A\nGET /g?h\nGET /a%20%62 Other\n", []string{
			`r.txt:2: path "/c%2fd": segment "c%2fd": an escaped "/" is decoded before routing and would split the segment`,
			`r.txt:3: path "/e%zz": segment "e%zz": "%" must start an escape of two hex digits (write "%25" for "%")`,
			`r.txt:4: path "/%2E": segment "%2E": decodes to ".", which the path walk drops or resolves`,
			`r.txt:5: path "/f%0A": segment "f%0A": decodes to CR, LF or NUL, which the servers refuse in a path`,
			`r.txt:6: path "/g?h": segment "g?h": "?" and "#" end the path of a URL: write "%3F" or "%23"`,
			`r.txt:7: duplicate route GET /a%20%62 (line 1)`}},
		{"duplicate derived", "GET /a\nGET /a\n", []string{"r.txt:2: duplicate route GET /a (line 1)"}},
		{"param idents", "GET /a/:type/:typeArg\n", []string{`r.txt:1: GET /a/:type/:typeArg: parameters "type" and "typeArg" are both the Go variable typeArg: rename one`}},
	}
	for _, c := range cases {
		_, err := generate(config{pkg: "p", source: "r.txt"}, c.src)
		switch {
		case c.want == nil && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.want != nil && err == nil:
			t.Errorf("%s: no error, want %q", c.name, c.want)
		case c.want != nil && err.Error() != strings.Join(c.want, "\n"):
			t.Errorf("%s:\n got  %q\n want %q", c.name, err.Error(), strings.Join(c.want, "\n"))
		}
	}
}

// TestRun drives the command: a good file is written, a bad one is
// reported with file:line and exit status 1 and writes nothing; -h
// documents the grammar; bad flags get one line.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "routes.txt")
	os.WriteFile(good, []byte("GET /a\n"), 0o644)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("GET /a\nGET /a\nFOO\n"), 0o644)
	out := filepath.Join(dir, "router_gen.go")

	var stdout, stderr bytes.Buffer
	if code := run([]string{"-in", good, "-out", out, "-pkg", "api"}, &stdout, &stderr); code != 0 {
		t.Fatalf("good file: exit %d: %s", code, stderr.String())
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("package api")) {
		t.Fatalf("output not written: %v", err)
	}

	os.Remove(out)
	stderr.Reset()
	if code := run([]string{"-in", bad, "-out", out, "-pkg", "api"}, &stdout, &stderr); code != 1 {
		t.Errorf("bad file: exit %d, want 1", code)
	}
	// One message for the duplicate, none about its handler name.
	want := "bad.txt:2: duplicate route GET /a (line 1)\nbad.txt:3: want METHOD /path [Handler], got 1 fields\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a bad route file wrote output")
	}

	// -out - writes to standard output.
	stdout.Reset()
	if code := run([]string{"-in", good, "-out", "-", "-pkg", "api", "-redirect-slash"}, &stdout, &stderr); code != 0 ||
		!bytes.HasPrefix(stdout.Bytes(), []byte("// Code generated by routegen from routes.txt. DO NOT EDIT.")) ||
		!bytes.Contains(stdout.Bytes(), []byte("routing.RedirectSlash")) {
		t.Errorf("-out -: exit %d, stdout %.200q", code, stdout.String())
	}

	// -shape picks the shape; an unknown one is refused.
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout for 0, stderr otherwise
	}{
		{[]string{"-shape", "table"}, 0, "routing.Table{"},
		{[]string{"-shape", "switch"}, 0, "p.Start()"},
		{[]string{"-shape", "auto"}, 0, "p.Start()"},
		{[]string{"-shape", "tree"}, 2, `-shape "tree" is not auto, switch or table`},
		{[]string{"-shape", "table", "-redirect-slash"}, 0, "RedirectSlash: true"},
	} {
		stdout.Reset()
		stderr.Reset()
		code := run(append([]string{"-in", good, "-out", "-", "-pkg", "api"}, c.args...), &stdout, &stderr)
		got := stdout.String()
		if c.code != 0 {
			got = stderr.String()
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("%v: exit %d (want %d), output %.300q lacks %q", c.args, code, c.code, got, c.out)
		}
	}

	// -h prints the grammar and the naming rules, and exits 0.
	stdout.Reset()
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	for _, w := range []string{"segment = static | \":\" name", "GetReposByOwnerByRepoGitCommitsBySHA", "DeleteUserKeysByID", "ID, SHA", "-redirect-slash"} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("-h output lacks %q", w)
		}
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-in", good}, 2, "usage: routegen -in routes.txt -out router_gen.go -pkg name [-name Prefix] [-redirect-slash] [-shape auto|switch|table] (routegen -h for more)\n"},
		{[]string{"-in", good, "-out", out, "-pkg", "my-api"}, 2, `routegen: -pkg "my-api" is not a Go package name: letters, digits and _, not starting with a digit, not a keyword` + "\n"},
		{[]string{"-in", good, "-out", out, "-pkg", "func"}, 2, `routegen: -pkg "func" is not a Go package name: letters, digits and _, not starting with a digit, not a keyword` + "\n"},
		{[]string{"-in", good, "-out", out, "-pkg", "api", "-name", "github"}, 2, `routegen: -name "github" is not an exported Go identifier: it prefixes exported names (-name Github gives GithubRouter)` + "\n"},
		{[]string{"-in", good, "-out", out, "-pkg", "api", "-name", "Git-hub"}, 2, `routegen: -name "Git-hub" is not an exported Go identifier: it prefixes exported names (-name Github gives GithubRouter)` + "\n"},
	} {
		stderr.Reset()
		if code := run(c.args, &stdout, &stderr); code != c.code || stderr.String() != c.want {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
	stderr.Reset()
	if code := run([]string{"-in", filepath.Join(dir, "none.txt"), "-out", out, "-pkg", "x"}, &stdout, &stderr); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}

// request is one request of the routing checks.
type request struct {
	method, script, path string
}

func (r request) env() *wsgiref.Environ {
	env := new(wsgiref.Environ)
	env.Set("REQUEST_METHOD", r.method)
	env.Set("SCRIPT_NAME", r.script)
	env.Set("PATH_INFO", r.path)
	return env
}

// concrete turns a route into a request path: a parameter gets ":name"
// (a colon cannot start a static segment, so no static route takes it),
// a catch-all gets rest.
func concrete(r *route, rest string) string {
	var b strings.Builder
	for _, s := range r.segs {
		switch s.kind {
		case static:
			b.WriteString("/" + s.text)
		case param:
			b.WriteString("/:" + s.text)
		case catchAll:
			b.WriteString(rest)
		}
	}
	return b.String()
}

// requestsFor builds the requests of the routing checks: each route's
// own path with its method, HEAD, an unused method, and variants of the
// path (trailing slash, doubled slash, dot segments, a prefix, a longer
// path) with and without a SCRIPT_NAME.
func requestsFor(routes []*route) []request {
	var reqs []request
	seen := map[request]bool{}
	add := func(r request) {
		if !seen[r] {
			seen[r] = true
			reqs = append(reqs, r)
		}
	}
	for _, r := range routes {
		m := r.method
		if m == anyMethod {
			m = "NOTDECLARED"
		}
		for _, rest := range []string{"", "/", "/x/y", "/x//y/.", "/.."} {
			p := concrete(r, rest)
			variants := []string{p, p + "/", strings.Replace(p, "/", "//", 1), p + "/.", p + "/..",
				"/." + p, p + "/more", strings.TrimSuffix(p, "/")}
			if i := strings.LastIndexByte(p, '/'); i > 0 {
				variants = append(variants, p[:i])
			}
			for _, v := range variants {
				for _, method := range []string{m, "HEAD", "NOTDECLARED"} {
					add(request{method, "", v})
				}
				add(request{m, "/app", v})
				add(request{m, "/", v})
			}
		}
	}
	return reqs
}

func load(t testing.TB, name string) ([]*route, *node, []string) {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := parseRoutes(filepath.Base(name), string(src))
	if err != nil {
		t.Fatal(err)
	}
	root, err := buildTree(filepath.Base(name), routes)
	if err != nil {
		t.Fatal(err)
	}
	table, err := methodTable(routes)
	if err != nil {
		t.Fatal(err)
	}
	return routes, root, table
}

var routeFiles = []string{"testdata/basic.txt", "testdata/backtrack.txt", "testdata/escapes.txt", "testdata/wide.txt", "../../examples/githubapi/routes.txt"}

// TestTreeMatchesSpec checks the tree's decisions (through the
// interpreter that mirrors the generated code) against the brute-force
// reading of the rules, on every route file and many requests.
func TestTreeMatchesSpec(t *testing.T) {
	for _, f := range routeFiles {
		routes, root, table := load(t, f)
		for _, rq := range requestsFor(routes) {
			got := interpret(root, table, rq.env())
			want := bruteForce(routes, table, rq.env())
			if got != want {
				t.Errorf("%s: %+v:\n tree  %v\n rules %v", f, rq, got, want)
			}
		}
	}
}

// TestDeclaredRoutes checks that each route's own path reaches it, with
// the environ and the args the documentation promises.
func TestDeclaredRoutes(t *testing.T) {
	for _, f := range routeFiles {
		routes, root, table := load(t, f)
		for _, r := range routes {
			checkDeclared(t, f, root, table, r)
		}
	}
}

func checkDeclared(t testing.TB, f string, root *node, table []string, r *route) {
	m := r.method
	if m == anyMethod {
		m = "NOTDECLARED"
	}
	rest := ""
	hasRest := len(r.segs) > 0 && r.segs[len(r.segs)-1].kind == catchAll
	p := concrete(r, rest)
	got := interpret(root, table, request{m, "", p}.env())
	if hasRest {
		// A catch-all yields to a route ending at its mount point; only
		// check the environ when it was chosen.
		if got.handler != r.handler {
			return
		}
	}
	var names, values []string
	for _, s := range r.segs {
		switch s.kind {
		case param:
			names, values = append(names, s.text), append(values, ":"+s.text)
		case catchAll:
			names, values = append(names, s.text), append(values, rest)
		}
	}
	want := outcome{status: 200, handler: r.handler, script: p, path: "", args: formatArgs(names, values)}
	if got != want {
		t.Errorf("%s:%d %s %s: got %v, want %v", f, r.line, r.method, r.path, got, want)
	}
}

var errLine = regexp.MustCompile(`^fuzz\.txt:\d+: .`)

// FuzzRoutegen feeds route files to the generator. A file is either
// rejected with file:line errors, or accepted: then the code generates
// (jennifer formats it, so it parses), every declared route's path
// reaches its handler, and the tree decides every request of the checks
// as the brute-force reading of the rules does, and so does the
// routing.Table of the tree.
func FuzzRoutegen(f *testing.F) {
	for _, name := range []string{"testdata/basic.txt", "testdata/backtrack.txt"} {
		src, _ := os.ReadFile(name)
		f.Add(string(src))
	}
	f.Add("GET /a/:b\nPOST /a/:c\n")
	f.Add("ANY /*rest\nGET /\n")
	f.Add("GET /a/\nGET /a\nGET /a/:x/\n")
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1000 {
			return
		}
		code, err := generate(config{pkg: "p", source: "fuzz.txt"}, src)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !errLine.MatchString(line) {
					t.Fatalf("error line %q is not file:line: message", line)
				}
			}
			return
		}
		if !bytes.HasPrefix(code, []byte("// Code generated by routegen")) {
			t.Fatal("no generated-code header")
		}
		routes, _ := parseRoutes("fuzz.txt", src)
		root, _ := buildTree("fuzz.txt", routes)
		table, _ := methodTable(routes)
		for _, r := range routes {
			if r.method == "NOTDECLARED" {
				return
			}
		}
		for _, r := range routes {
			checkDeclared(t, "fuzz.txt", root, table, r)
		}
		reqs := requestsFor(routes)
		if len(reqs) > 200 {
			reqs = reqs[:200]
		}
		tbl, _ := tableOf(routes, root, table)
		for _, rq := range reqs {
			got, want := interpret(root, table, rq.env()), bruteForce(routes, table, rq.env())
			if got != want {
				t.Fatalf("%+v:\n tree  %v\n rules %v", rq, got, want)
			}
			if got := serveTable(&tbl, rq.env()); got != want {
				t.Fatalf("%+v:\n table %v\n rules %v", rq, got, want)
			}
		}
	})
}

// One run reports every problem of a file, malformed lines and conflicts
// together, each as file:line: message.
func Example_errors() {
	_, err := generate(config{pkg: "api", source: "routes.txt"},
		"GET  /users/:id\n"+
			"POST /users/:name/keys\n"+
			"GET  /users/:id  GetUser\n"+
			"get  /health\n")
	fmt.Println(err)
	// Output:
	// routes.txt:2: POST /users/:name/keys: parameter :name conflicts with :id at the same position (line 1)
	// routes.txt:3: duplicate route GET /users/:id (line 1)
	// routes.txt:4: method "get": methods are case-sensitive, write "GET"
}
