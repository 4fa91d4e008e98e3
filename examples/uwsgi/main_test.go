package main

import (
	"syscall"
	"testing"

	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
)

func TestMain(m *testing.M) { examplecmdtest.Main(m, main) }

// TestCommandBehindNginx runs the command on a free TCP port behind nginx
// with the README's uwsgi_pass block, reads the demo page through nginx,
// and stops the command with SIGTERM.
func TestCommandBehindNginx(t *testing.T) {
	examplecmdtest.BehindNginx(t, "uwsgi", []string{"-addr", "127.0.0.1:0"}, func(upstream string) frontend.NginxConfig {
		return frontend.NginxConfig{Server: examplecmdtest.READMEBlock(t, "nginx uwsgi_pass", "127.0.0.1:8001", upstream)}
	}, syscall.SIGTERM, "\nREQUEST_URI = '/app/xyz?abc'\n")
}
