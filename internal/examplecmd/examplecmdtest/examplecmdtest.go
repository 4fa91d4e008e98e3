// Package examplecmdtest is what the tests of the gateway examples share:
// the test binary runs as the example's command, behind nginx configured
// with the README's block, and DemoApp's page is checked through it. The
// front-end tests of internal/gatewaytest and fastcgi read the README's
// blocks and examples/fcgi/nginx.conf with it too, so that the
// documentation is what the tests run.
package examplecmdtest

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/frontend"
)

// childEnv marks the test binary started as the example's command.
const childEnv = "EXAMPLECMD_CHILD"

// Main is the TestMain of an example's tests: started by [BehindNginx],
// the test binary is the command itself and runs command (the example's
// main); otherwise it runs the tests.
func Main(m *testing.M, command func()) {
	if os.Getenv(childEnv) != "" {
		command()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// DemoPage is what DemoApp's page at /app/xyz?abc shows through every
// gateway's front end: the greeting and the variables that the README's
// blocks set.
var DemoPage = []string{"Hello world!\n\n", "\nSCRIPT_NAME = '/app'\n", "\nPATH_INFO = '/xyz'\n",
	"\nQUERY_STRING = 'abc'\n", "\nREQUEST_METHOD = 'GET'\n", "\nwsgi.url_scheme = 'http'\n"}

// BehindNginx runs the example's command (the test binary, see [Main])
// with args, checks its banner "Serving <protocol> on <network> <address>
// ...", starts nginx with the configuration nginx returns for the upstream
// as nginx names it ("unix:/path" or "host:port"), and reads /app/xyz?abc
// through it: 200, text/plain, the [DemoPage] lines and want. Then it
// sends stop to the command, which must exit cleanly within 15 s, taking
// its Unix socket's file with it.
func BehindNginx(t *testing.T, protocol string, args []string, nginx func(upstream string) frontend.NginxConfig, stop os.Signal, want ...string) {
	t.Helper()
	frontend.Require(t, "nginx")
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	network, address := banner(t, bufio.NewReader(stdout), protocol)
	socket := flagValue(args, "socket")
	if socket != "" && (network != "unix" || address != socket) || socket == "" && network != "tcp" {
		t.Fatalf("serving on %s %s with flags %q", network, address, args)
	}
	upstream := address
	if network == "unix" {
		upstream = "unix:" + address
	}
	fe := frontend.Nginx(t, nginx(upstream))
	resp, err := http.Get(fe.URL("/app/xyz?abc"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range append(DemoPage[:len(DemoPage):len(DemoPage)], want...) {
		if !strings.Contains(string(body), w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("status %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	cmd.Process.Signal(stop)
	select {
	case err := <-exited:
		exited <- err // for the deferred wait
		if err != nil {
			t.Errorf("exit after %v: %v", stop, err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit after %v", stop)
	}
	if _, err := os.Stat(socket); socket != "" && !os.IsNotExist(err) {
		t.Errorf("socket %s left behind after %v: %v", socket, stop, err)
	}
}

// banner reads the command's first line, "Serving SCGI on unix
// /tmp/x/scgi.sock ...", and returns its network and address.
func banner(t *testing.T, r *bufio.Reader, protocol string) (network, address string) {
	t.Helper()
	line, err := r.ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) != 6 || f[0] != "Serving" || f[1] != protocol || f[2] != "on" || f[5] != "..." {
		t.Fatalf("banner %q, %v; want \"Serving %s on <network> <address> ...\"", line, err, protocol)
	}
	go io.Copy(io.Discard, r) // nothing else is expected, but the pipe must not fill
	return f[3], f[4]
}

// flagValue returns the value of -name in args ("-name v" or "-name=v").
func flagValue(args []string, name string) string {
	for i, a := range args {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// READMEBlock returns the code block that follows "<!-- marker -->" in
// the module's README, with each old string of replace (old, new pairs)
// replaced by its new one; each old must be there.
//
//	READMEBlock(t, "nginx uwsgi_pass", "127.0.0.1:8001", "127.0.0.1:40123")
func READMEBlock(t testing.TB, marker string, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- "+marker+" -->\n```")
	if !ok {
		t.Fatalf("README has no block after <!-- %s -->", marker)
	}
	_, rest, _ = strings.Cut(rest, "\n") // the fence's language
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("README block %s is not closed", marker)
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(block, replace[i]) {
			t.Fatalf("README block %s lacks %q", marker, replace[i])
		}
		block = strings.ReplaceAll(block, replace[i], replace[i+1])
	}
	return block
}

// FastCGIBlock is examples/fcgi/nginx.conf, the FastCGI configuration the
// README shows, split into its http-level part (the upstream, pointed at
// server: "host:port" or "unix:/path") and its server-level part (the
// location).
func FastCGIBlock(t testing.TB, server string) frontend.NginxConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "examples", "fcgi", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	const upstream, marker = "server 127.0.0.1:9000;", "# In a server { } block"
	conf := string(data)
	i := strings.Index(conf, marker)
	if i < 0 || !strings.Contains(conf[:i], upstream) {
		t.Fatal("examples/fcgi/nginx.conf lost its shape: the upstream, then the location")
	}
	return frontend.NginxConfig{HTTP: strings.Replace(conf[:i], upstream, "server "+server+";", 1), Server: conf[i:]}
}

// moduleRoot is the directory of the go.mod above the working directory
// (a package's directory, in a test).
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
