package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/frontend"
)

// readmeBlock returns the code block after "<!-- marker -->" in the
// module's README, old replaced by new.
func readmeBlock(t *testing.T, marker, old, new string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- "+marker+" -->\n```")
	_, rest, _ = strings.Cut(rest, "\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 || !strings.Contains(block, old) {
		t.Fatalf("README has no block %q holding %q", marker, old)
	}
	return strings.ReplaceAll(block, old, new)
}

// TestCommandBehindNginx builds the command, runs it on a TCP port behind
// nginx with the README's uwsgi_pass block, reads the demo page
// through nginx, and stops the command with SIGTERM.
func TestCommandBehindNginx(t *testing.T) {
	frontend.Require(t, "nginx")
	bin := filepath.Join(t.TempDir(), "uwsgi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0") // a free port, for the command
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "-addr", addr)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "Serving uwsgi on tcp "+addr+" ...\n" {
		t.Fatalf("banner %q, %v", line, err)
	}
	fe := frontend.Nginx(t, frontend.NginxConfig{Server: readmeBlock(t, "nginx uwsgi_pass", "127.0.0.1:8001", addr)})
	resp, err := http.Get(fe.URL("/app/xyz?abc"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Hello world!\n\n", "\nSCRIPT_NAME = '/app'\n", "\nPATH_INFO = '/xyz'\n",
		"\nQUERY_STRING = 'abc'\n", "\nREQUEST_METHOD = 'GET'\n", "\nREQUEST_URI = '/app/xyz?abc'\n", "\nwsgi.url_scheme = 'http'\n"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("status %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}
