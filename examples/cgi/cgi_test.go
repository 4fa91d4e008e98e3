package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

// TestMain lets the test binary be the CGI program: a CGI host runs it with
// GATEWAY_INTERFACE set, and it then does what the example's main does.
func TestMain(m *testing.M) {
	if os.Getenv("GATEWAY_INTERFACE") != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// python returns the real interpreter (not a shim), or skips.
func python(t *testing.T) string {
	t.Helper()
	py := oracle.Python(t)
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		oracle.Unavailable(t, "%s does not run: %v", py, err)
	}
	return strings.TrimSpace(string(out))
}

type cgiCase struct {
	name, method, path, query, body, demo string
}

var cases = []cgiCase{
	{name: "get", method: "GET", path: "/hello", query: "q=1&r=%20", demo: "yes"},
	{name: "post", method: "POST", path: "/form", body: "a=1&b=two"},
	{name: "stream", method: "GET", path: "/stream"},
	{name: "error", method: "GET", path: "/error"},
	{name: "latin-1 path", method: "GET", path: "/caf\xe9"},
	{name: "head", method: "HEAD", path: "/h"},
}

func (c cgiCase) env() []string {
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1", "SERVER_PROTOCOL=HTTP/1.1", "SERVER_NAME=127.0.0.1", "SERVER_PORT=80",
		"SERVER_SOFTWARE=test", "REMOTE_ADDR=127.0.0.1", "SCRIPT_NAME=/app.cgi",
		"REQUEST_METHOD=" + c.method, "PATH_INFO=" + c.path, "QUERY_STRING=" + c.query,
	}
	if c.body != "" {
		env = append(env, fmt.Sprintf("CONTENT_LENGTH=%d", len(c.body)), "CONTENT_TYPE=application/x-www-form-urlencoded")
	}
	if c.demo != "" {
		env = append(env, "HTTP_X_DEMO="+c.demo)
	}
	return env
}

func runCGI(t *testing.T, c cgiCase, argv ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = c.env()
	cmd.Stdin = strings.NewReader(c.body)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, errs.String())
	}
	return out.String(), errs.String()
}

// TestSameBytesAsCPython runs the example and app.py, CPython's
// wsgiref.handlers.CGIHandler with the same application, as CGI programs
// with the same environment and input, and compares their output byte for
// byte.
func TestSameBytesAsCPython(t *testing.T) {
	py := python(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			goOut, goErr := runCGI(t, c, self)
			pyOut, pyErr := runCGI(t, c, py, "app.py")
			if goOut != pyOut {
				t.Errorf("Go     %q\nCPython %q", goOut, pyOut)
			}
			if c.name == "error" && (!strings.Contains(goErr, "boom") || !strings.Contains(pyErr, "boom")) {
				t.Errorf("error not logged: Go %q CPython %q", goErr, pyErr)
			}
			if !strings.HasPrefix(goOut, "Status: ") {
				t.Errorf("no Status header: %q", goOut)
			}
		})
	}
}

// response is what a client sees, minus the headers that name the host.
type response struct {
	status int
	header string
	body   string
}

func fetch(t *testing.T, base string, c cgiCase) response {
	t.Helper()
	u := base + c.path
	if c.query != "" {
		u += "?" + c.query
	}
	req, err := http.NewRequest(c.method, strings.ReplaceAll(u, "\xe9", "%E9"), strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.demo != "" {
		req.Header.Set("X-Demo", c.demo)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range resp.Header {
		if k != "Date" && k != "Server" {
			names = append(names, k+": "+strings.Join(resp.Header[k], ","))
		}
	}
	sort.Strings(names)
	return response{resp.StatusCode, strings.Join(names, "\n"), string(body)}
}

func checkHost(t *testing.T, goBase, pyBase string) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fetch(t, goBase, c)
			switch c.name {
			case "get":
				want := "REQUEST_METHOD=GET\nSCRIPT_NAME=/app.cgi\nPATH_INFO=/hello\nQUERY_STRING=q=1&r=%20\n" +
					"CONTENT_TYPE=\nHTTP_X_DEMO=yes\n"
				if got.status != 200 || got.body != want || !strings.Contains(got.header, "X-Gateway: wsgiref") {
					t.Errorf("got %d %q %q", got.status, got.body, got.header)
				}
			case "error":
				if got.status != 500 || got.body != "A server error occurred.  Please contact the administrator." {
					t.Errorf("got %d %q", got.status, got.body)
				}
			case "stream":
				if got.body != "one\ntwo\nthree\n" {
					t.Errorf("got %q", got.body)
				}
			}
			if pyBase != "" {
				if want := fetch(t, pyBase, c); got != want {
					t.Errorf("Go     %+v\nCPython %+v", got, want)
				}
			}
		})
	}
}

// TestNetHTTPCGIHost serves the example through Go's net/http/cgi host on a
// loopback socket.
func TestNetHTTPCGIHost(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	goSrv := httptest.NewServer(&cgi.Handler{Path: self, Root: "/app.cgi", Stderr: io.Discard})
	defer goSrv.Close()
	pyBase := ""
	if py, err := exec.LookPath("python3"); err == nil {
		if real, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output(); err == nil {
			abs, _ := filepath.Abs("app.py")
			pySrv := httptest.NewServer(&cgi.Handler{Path: strings.TrimSpace(string(real)), Args: []string{abs}, Root: "/app.cgi", Stderr: io.Discard})
			defer pySrv.Close()
			pyBase = pySrv.URL + "/app.cgi"
		}
	}
	checkHost(t, goSrv.URL+"/app.cgi", pyBase)
}

// TestLighttpd serves the example (and app.py) through lighttpd's mod_cgi
// on a loopback port. CI installs lighttpd; without it the test skips and
// TestNetHTTPCGIHost still runs a real CGI host.
func TestLighttpd(t *testing.T) {
	lighttpd, err := exec.LookPath("lighttpd")
	if err != nil {
		if lighttpd, err = exec.LookPath("/usr/sbin/lighttpd"); err != nil {
			t.Skip("lighttpd not installed (apt-get install -y lighttpd)")
		}
	}
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, self, filepath.Join(dir, "app.cgi"), 0o755)
	pyAssign := ""
	if py, err := exec.LookPath("python3"); err == nil {
		if real, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output(); err == nil {
			copyFile(t, "app.py", filepath.Join(dir, "app.py"), 0o755)
			pyAssign = fmt.Sprintf(", \".py\" => %q", strings.TrimSpace(string(real)))
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf(`server.document-root = %q
server.bind = "127.0.0.1"
server.port = %d
server.modules = ("mod_cgi")
server.errorlog = %q
cgi.assign = (".cgi" => ""%s)
`, dir, port, filepath.Join(dir, "error.log"), pyAssign)
	confPath := filepath.Join(dir, "lighttpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lighttpd, "-D", "-f", confPath)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("lighttpd did not start: %s\n%s", stderr.String(), log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	pyBase := ""
	if pyAssign != "" {
		pyBase = "http://" + addr + "/app.py"
	}
	// app.py sees SCRIPT_NAME=/app.py: compare it on the paths whose
	// output does not echo SCRIPT_NAME.
	goBase := "http://" + addr + "/app.cgi"
	checkHost(t, goBase, "")
	if pyBase != "" {
		for _, c := range cases {
			if c.name == "stream" || c.name == "error" {
				if got, want := fetch(t, goBase, c), fetch(t, pyBase, c); got != want {
					t.Errorf("%s: Go %+v\nCPython %+v", c.name, got, want)
				}
			}
		}
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, mode); err != nil {
		t.Fatal(err)
	}
}
