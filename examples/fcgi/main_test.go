package main

import (
	"os"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
)

func TestMain(m *testing.M) { examplecmdtest.Main(m, main) }

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
// behind nginx configured with nginx.conf, asks for DemoApp's page, and
// stops the example with SIGINT.
func TestExampleBehindNginx(t *testing.T) {
	sock := frontend.SocketPath(t, "fcgi.sock")
	for _, tc := range []struct{ name, flag string }{{"socket", "-socket=" + sock}, {"tcp", "-addr=127.0.0.1:0"}} {
		t.Run(tc.name, func(t *testing.T) {
			examplecmdtest.BehindNginx(t, "FastCGI", []string{tc.flag}, func(upstream string) frontend.NginxConfig {
				return NginxBlock(t, upstream)
			}, os.Interrupt)
		})
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
