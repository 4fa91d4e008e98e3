package simpleserver

import (
	"encoding/json"
	"github.com/gowsgi/wsgiref/internal/pyrepr"
	"os/exec"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

// TestPyReprCPython compares pyrepr.String, DemoApp's repr, with Python's repr for every byte
// alone and for strings mixing quotes, escapes and Latin-1.
func TestPyReprCPython(t *testing.T) {
	python := oracle.Python(t)
	var inputs []string
	for c := 0; c < 256; c++ {
		inputs = append(inputs, string([]byte{byte(c)}))
	}
	inputs = append(inputs, "", "GET", "it's", `say "hi"`, `'"`, `both ' and " and \`, "caf\xe9\r\n\t\x00", "\xa0\xad\xa1\xff\x85")
	latin := make([]string, len(inputs))
	for i, s := range inputs {
		r := make([]rune, len(s))
		for j := 0; j < len(s); j++ {
			r[j] = rune(s[j])
		}
		latin[i] = string(r)
	}
	in, _ := json.Marshal(latin)
	cmd := exec.Command(python, "-c", "import json,sys; print(json.dumps([repr(s) for s in json.load(sys.stdin)]))")
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, s := range inputs {
		if got := pyrepr.String(s); got != want[i] {
			t.Errorf("pyrepr.String(%q) = %q, Python %q", s, got, want[i])
		}
	}
}

// TestDemoAppCPython compares the CGI lines of DemoApp's page with
// CPython's demo_app for the same raw request; the lines of the process
// environment (CPython copies it) and of the typed wsgi.* objects aside.
func TestDemoAppCPython(t *testing.T) {
	raw := "GET /xyz%20%e9?abc=1&x HTTP/1.0\r\nHost: a\r\nX-A: 1\r\nX-B: \xe9\"'\\\r\nX-B: again\r\nUser-Agent: test\tagent\r\n\r\n"
	python := oracle.WithTestSuite(t)
	cmd := exec.Command(python, "-c", `import sys
from test.test_wsgiref import run_amock
from wsgiref.simple_server import demo_app
out, err = run_amock(demo_app, sys.stdin.buffer.read())
sys.stdout.buffer.write(out)`)
	cmd.Stdin = strings.NewReader(raw)
	cmd.Env = []string{}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run_amock(demo_app): %v", err)
	}
	_, want, _ := strings.Cut(string(out), "\r\n\r\n")
	ts := startServer(t, DemoApp, WithServerName(""))
	_, got, _ := strings.Cut(roundTrip(t, ts.Addr(), raw), "\r\n\r\n")
	lines := func(page string) map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(page, "\n") {
			if k, v, ok := strings.Cut(l, " = "); ok {
				m[k] = v
			}
		}
		return m
	}
	g, w := lines(got), lines(want)
	if !strings.HasPrefix(got, "Hello world!\n\n") {
		t.Errorf("page starts %q", got)
	}
	for k, wv := range w {
		switch {
		case strings.HasPrefix(k, "wsgi.") && k != "wsgi.url_scheme",
			k == "SERVER_PORT",     // 80 in run_amock, a free port here
			k == "SERVER_SOFTWARE", // names Go here on purpose; checked below
			!isCGIKey(k):           // the process environment CPython copies
			continue
		}
		if gv, ok := g[k]; !ok || gv != wv {
			t.Errorf("%s = %s, CPython %s", k, gv, wv)
		}
	}
	if sw := g["SERVER_SOFTWARE"]; sw != "'"+SoftwareVersion+"'" || !strings.HasPrefix(w["SERVER_SOFTWARE"], "'"+ServerVersion) {
		t.Errorf("SERVER_SOFTWARE = %s, want %q (CPython %s)", sw, SoftwareVersion, w["SERVER_SOFTWARE"])
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			t.Errorf("%s only here", k)
		}
	}
}

func isCGIKey(k string) bool {
	for _, p := range []string{"HTTP_", "SERVER_", "REQUEST_", "CONTENT_", "REMOTE_", "wsgi."} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	switch k {
	case "PATH_INFO", "QUERY_STRING", "SCRIPT_NAME", "GATEWAY_INTERFACE":
		return true
	}
	return false
}
