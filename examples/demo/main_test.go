package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemoCommand builds the README's main command, runs it on a free
// port with -once, asks for the docs' /xyz?abc page, and checks the page
// and the access log, and that the command exits after the request.
func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-once")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("banner %q", line)
	}
	resp, err := http.Get("http://127.0.0.1:" + m[1] + "/xyz?abc")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Hello world!\n\n", "\nPATH_INFO = '/xyz'\n", "\nQUERY_STRING = 'abc'\n", "\nSERVER_PORT = '" + m[1] + "'\n", "\nREQUEST_METHOD = 'GET'\n"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo -once did not exit after one request")
	}
	if !regexp.MustCompile(`^127\.0\.0\.1 - - \[[^]]+\] "GET /xyz\?abc HTTP/1\.1" 200 \d+\n$`).MatchString(stderr.String()) {
		t.Errorf("access log %q", stderr.String())
	}
}
