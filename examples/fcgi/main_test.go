package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/frontend"
)

// TestMain lets the test binary be the example: the test runs it as a
// child process with FCGI_EXAMPLE set.
func TestMain(m *testing.M) {
	if os.Getenv("FCGI_EXAMPLE") != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// NginxBlock splits nginx.conf, the configuration the README shows, into
// its http-level and server-level parts, with the upstream pointed at
// server (an "host:port" or "unix:/path").
func NginxBlock(t testing.TB, server string) frontend.NginxConfig {
	t.Helper()
	data, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.Replace(string(data), "server 127.0.0.1:9000;", "server "+server+";", 1)
	httpPart, serverPart, ok := strings.Cut(conf, "# In a server { } block")
	if !ok || !strings.Contains(conf, server) {
		t.Fatal("nginx.conf lost its shape: the http part, then the server part")
	}
	return frontend.NginxConfig{HTTP: httpPart, Server: "# In a server { } block" + serverPart}
}

// TestExampleBehindNginx runs the example on a Unix socket and on TCP,
// behind nginx configured with nginx.conf, and asks for DemoApp's page.
func TestExampleBehindNginx(t *testing.T) {
	sock := frontend.SocketPath(t, "fcgi.sock")
	for _, tc := range []struct{ name, flag, upstream string }{
		{"socket", "-socket=" + sock, "unix:" + sock},
		{"tcp", "-addr=127.0.0.1:0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tc.flag)
			cmd.Env = append(os.Environ(), "FCGI_EXAMPLE=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				cmd.Process.Signal(os.Interrupt)
				cmd.Wait()
			}()
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil {
				t.Fatalf("no banner: %v", err)
			}
			// "Serving FastCGI on tcp 127.0.0.1:40123 ..."
			fields := strings.Fields(line)
			if len(fields) != 6 || fields[0] != "Serving" {
				t.Fatalf("banner %q", line)
			}
			upstream := tc.upstream
			if upstream == "" {
				upstream = fields[4]
			}
			fe := frontend.Nginx(t, NginxBlock(t, upstream))
			resp, err := http.Get(fe.URL("/app/xyz?abc"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{"Hello world!\n", "PATH_INFO = '/xyz'", "SCRIPT_NAME = '/app'", "QUERY_STRING = 'abc'"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("DemoApp through nginx: %d, body lacks %q:\n%s", resp.StatusCode, want, body)
				}
			}
		})
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket %s left behind after SIGINT: %v", sock, err)
	}
}

// TestREADMEShowsTheTestedBlock checks that the README's nginx block is
// nginx.conf, the configuration the tests run, word for word.
func TestREADMEShowsTheTestedBlock(t *testing.T) {
	conf, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```nginx\n"+string(conf)+"```\n") {
		t.Error("README.md does not show examples/fcgi/nginx.conf as it is")
	}
}
