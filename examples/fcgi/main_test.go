package main

import (
	"os"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
)

func TestMain(m *testing.M) { examplecmdtest.Main(m, main) }

// TestExampleBehindNginx runs the example on a Unix socket and on TCP,
// behind nginx configured with nginx.conf, asks for DemoApp's page, and
// stops the example with SIGINT.
func TestExampleBehindNginx(t *testing.T) {
	sock := frontend.SocketPath(t, "fcgi.sock")
	for _, tc := range []struct{ name, flag string }{{"socket", "-socket=" + sock}, {"tcp", "-addr=127.0.0.1:0"}} {
		t.Run(tc.name, func(t *testing.T) {
			examplecmdtest.BehindNginx(t, "FastCGI", []string{tc.flag}, func(upstream string) frontend.NginxConfig {
				return examplecmdtest.FastCGIBlock(t, upstream)
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
