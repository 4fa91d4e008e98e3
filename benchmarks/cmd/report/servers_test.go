package main

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func shContender(script string) contender {
	return contender{Name: "sh", command: func(*config, string) (*exec.Cmd, error) {
		return exec.Command("sh", "-c", script), nil
	}}
}

func TestStartStop(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	cfg := &config{tmp: t.TempDir()}
	ctx := context.Background()

	p, err := start(ctx, cfg, shContender("echo noise; echo LISTEN 127.0.0.1:4242; exec sleep 30"), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.addr != "127.0.0.1:4242" {
		t.Errorf("addr = %q", p.addr)
	}
	began := time.Now()
	p.stop()
	if d := time.Since(began); d > 3*time.Second {
		t.Errorf("stop took %v", d)
	}

	_, err = start(ctx, cfg, shContender(`echo 'hello: unknown server "simple"' >&2; exit 2`), "")
	if !errors.Is(err, errNotBuilt) {
		t.Errorf("unknown server: %v, want errNotBuilt", err)
	}
	_, err = start(ctx, cfg, shContender(`echo 'Traceback: boom' >&2; exit 1`), "")
	if err == nil || !strings.Contains(err.Error(), "Traceback: boom") {
		t.Errorf("failed start: %v, want the child's stderr", err)
	}
}
