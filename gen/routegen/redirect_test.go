package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRedirectSlashRuns builds the router of testdata/slash.txt with
// -redirect-slash, in both shapes, into a temporary module and routes
// requests through them: a path that matches only with its trailing slash changed gets 301
// (GET, HEAD) or 308 with the Location a client follows; an exact match
// still wins, and a method no route there takes is not redirected. On
// the requests of the other tests the two shapes answer alike.
func TestRedirectSlashRuns(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no go command on PATH")
		}
		t.Skip("no go command on PATH")
	}
	cases := []struct {
		method, script, path, query string
		want                        string // status and Location, or the handler called
	}{
		{"GET", "", "/x/", "", "301 /x"},
		{"HEAD", "", "/x/", "", "301 /x"},
		{"POST", "", "/x/", "", "308 /x"},
		{"DELETE", "", "/x/", "", "404"},
		{"GET", "", "/x/", "a=1&b", "301 /x?a=1&b"},
		{"GET", "/app", "/x/", "", "301 /app/x"},
		{"GET", "", "/x//", "", "301 /x"},
		{"GET", "", "/y", "", "301 /y/"},
		{"PUT", "", "/y", "", "308 /y/"},
		{"PATCH", "", "/y", "", "404"},
		{"GET", "", "/users/a b/", "", "301 /users/a%20b"},
		{"GET", "", "/users/7", "", "GetUsersByID"},
		{"GET", "", "/z", "", "GetZ"},
		{"GET", "", "/z/", "", "GetZSlash"},
		{"GET", "", "/files", "", "GetFilesStarPath"},
		{"GET", "", "/files/", "", "GetFilesStarPath"},
		{"GET", "", "/nowhere/", "", "404"},
		{"POST", "", "/z/", "", "405"},
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/slash.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Both shapes: the switch tree in package slash, the table in slasht.
	code, err := generate(config{pkg: "slash", source: "slash.txt", redirectSlash: true, shape: shapeSwitch}, string(src))
	if err != nil {
		t.Fatal(err)
	}
	tableCode, err := generate(config{pkg: "slasht", source: "slash.txt", redirectSlash: true, shape: shapeTable}, string(src))
	if err != nil {
		t.Fatal(err)
	}
	var input strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&input, "%s\t%s\t%s\t%s\n", strconv.Quote(c.method), strconv.Quote(c.script), strconv.Quote(c.path), strconv.Quote(c.query))
	}
	// The requests of the other tests, on which the two shapes must agree.
	routes, _, _ := load(t, "testdata/slash.txt")
	more := requestsFor(routes)
	for _, rq := range more {
		fmt.Fprintf(&input, "%s\t%s\t%s\t%s\n", strconv.Quote(rq.method), strconv.Quote(rq.script), strconv.Quote(rq.path), strconv.Quote(""))
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":           fmt.Sprintf("module slashtest\n\ngo 1.26\n\nrequire github.com/gowsgi/wsgiref v0.0.0\n\nreplace github.com/gowsgi/wsgiref => %s\n", root),
		"go.sum":           string(sum),
		"slash/router.go":  string(code),
		"slasht/router.go": string(tableCode),
		"main.go":          slashDriver,
		"input.txt":        input.String(),
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", ".", "input.txt")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	timer := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(cases)+len(more) {
		t.Fatalf("%d results for %d requests:\n%s", len(got), len(cases)+len(more), out)
	}
	for i, c := range cases {
		// The driver adds the environ a handler saw, and a 405's Allow.
		for shape, out := range strings.Split(got[i], "\t") {
			if out != c.want && !strings.HasPrefix(out, c.want+" ") {
				t.Errorf("%s %q (SCRIPT_NAME %q, query %q): %s in the %s shape, want %s", c.method, c.path, c.script, c.query,
					out, []string{"switch", "table"}[shape], c.want)
			}
		}
	}
	bad := 0
	for i, rq := range more {
		if sw, tb, _ := strings.Cut(got[len(cases)+i], "\t"); sw != tb {
			if bad++; bad <= 10 {
				t.Errorf("%+v: switch %s, table %s", rq, sw, tb)
			}
		}
	}
}

const slashDriver = `package main

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"slashtest/slash"
	"slashtest/slasht"
)

var called string

func fill(h any) {
	v := reflect.ValueOf(h).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		v.Field(i).Set(reflect.ValueOf(wsgiref.AppFunc(func(env *wsgiref.Environ, _ wsgiref.StartResponse) (wsgiref.Body, error) {
			called = name + " " + env.Get("SCRIPT_NAME") + " " + env.Get("PATH_INFO")
			return nil, nil
		})))
	}
}

func main() {
	var h slash.Handlers
	fill(&h)
	var ht slasht.Handlers
	fill(&ht)
	routers := []wsgiref.App{slash.NewRouter(h), slasht.NewRouter(ht)}
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var in [4]string
		for i, q := range strings.Split(sc.Text(), "\t") {
			in[i], _ = strconv.Unquote(q)
		}
		var outs []string
		for _, router := range routers {
			env := new(wsgiref.Environ)
			env.Set("REQUEST_METHOD", in[0])
			env.Set("SCRIPT_NAME", in[1])
			env.Set("PATH_INFO", in[2])
			env.Set("QUERY_STRING", in[3])
			called = ""
			var status, location, allow string
			start := func(s string, hs headers.Headers, _ ...error) (wsgiref.Write, error) {
				status, location, allow = s, hs.Get("Location"), hs.Get("Allow")
				return nil, nil
			}
			if _, err := router.ServeWSGI(env, start); err != nil {
				panic(err)
			}
			switch {
			case called != "":
				outs = append(outs, called)
			case location != "":
				outs = append(outs, status[:3]+" "+location)
			case allow != "":
				outs = append(outs, status[:3]+" allow="+allow)
			default:
				outs = append(outs, status[:3])
			}
		}
		fmt.Println(strings.Join(outs, "\t"))
	}
}
`
