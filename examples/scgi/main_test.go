package main

import (
	"syscall"
	"testing"

	"github.com/gowsgi/wsgiref/internal/examplecmd/examplecmdtest"
	"github.com/gowsgi/wsgiref/internal/frontend"
)

func TestMain(m *testing.M) { examplecmdtest.Main(m, main) }

// TestCommandBehindNginx runs the command on a Unix socket behind nginx
// with the README's scgi_pass block, reads the demo page through nginx,
// and stops the command with SIGTERM.
func TestCommandBehindNginx(t *testing.T) {
	socket := frontend.SocketPath(t, "scgi.sock")
	examplecmdtest.BehindNginx(t, "SCGI", []string{"-socket", socket}, func(upstream string) frontend.NginxConfig {
		return frontend.NginxConfig{Server: examplecmdtest.READMEBlock(t, "nginx scgi_pass", "unix:/run/app/scgi.sock", upstream)}
	}, syscall.SIGTERM, "\nSCGI = '1'\n")
}
