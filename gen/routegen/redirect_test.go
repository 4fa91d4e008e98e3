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
// -redirect-slash into a temporary module and routes requests through
// it: a path that matches only with its trailing slash changed gets 301
// (GET, HEAD) or 308 with the Location a client follows; an exact match
// still wins, and a method no route there takes is not redirected.
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
	code, err := generate(config{pkg: "slash", source: "slash.txt", redirectSlash: true}, string(src))
	if err != nil {
		t.Fatal(err)
	}
	var input strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&input, "%s\t%s\t%s\t%s\n", strconv.Quote(c.method), strconv.Quote(c.script), strconv.Quote(c.path), strconv.Quote(c.query))
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":          fmt.Sprintf("module slashtest\n\ngo 1.26\n\nrequire github.com/gowsgi/wsgiref v0.0.0\n\nreplace github.com/gowsgi/wsgiref => %s\n", root),
		"go.sum":          string(sum),
		"slash/router.go": string(code),
		"main.go":         slashDriver,
		"input.txt":       input.String(),
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
	if len(got) != len(cases) {
		t.Fatalf("%d results for %d requests:\n%s", len(got), len(cases), out)
	}
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("%s %q (SCRIPT_NAME %q, query %q): %s, want %s", c.method, c.path, c.script, c.query, got[i], c.want)
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
)

func main() {
	var called string
	var h slash.Handlers
	v := reflect.ValueOf(&h).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		v.Field(i).Set(reflect.ValueOf(wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) {
			called = name
			return nil, nil
		})))
	}
	router := slash.NewRouter(h)
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
		env := new(wsgiref.Environ)
		env.Set("REQUEST_METHOD", in[0])
		env.Set("SCRIPT_NAME", in[1])
		env.Set("PATH_INFO", in[2])
		env.Set("QUERY_STRING", in[3])
		called = ""
		var status, location string
		start := func(s string, hs headers.Headers, _ ...error) (wsgiref.Write, error) {
			status, location = s, hs.Get("Location")
			return nil, nil
		}
		if _, err := router.ServeWSGI(env, start); err != nil {
			panic(err)
		}
		switch {
		case called != "":
			fmt.Println(called)
		case location != "":
			fmt.Println(status[:3], location)
		default:
			fmt.Println(status[:3])
		}
	}
}
`
