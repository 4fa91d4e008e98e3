package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref/simpleserver"
)

func TestFileServer(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secret, []byte("do not serve"), 0o600)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	must(t, os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>home</h1>"), 0o600))
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "index.html"), []byte("sub home"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "style.css"), []byte("p{}"), 0o600))
	must(t, os.Symlink(secret, filepath.Join(dir, "link.txt")))

	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, App{root}, simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	must(t, err)
	defer srv.Close()
	go srv.ServeForever()
	base := "http://" + srv.Addr().String()

	for _, tc := range []struct {
		path, status, ctype string
		body                []byte
	}{
		{"/", "200 OK", "text/html; charset=utf-8", []byte("<h1>home</h1>")},
		{"/sub", "200 OK", "text/html; charset=utf-8", []byte("sub home")},
		{"/style.css", "200 OK", "text/css; charset=utf-8", []byte("p{}")},
		{"/big.bin", "200 OK", "application/octet-stream", big},
		{"/missing.txt", "404 Not Found", "text/plain", []byte("not found")},
		{"/../" + filepath.Base(filepath.Dir(secret)) + "/secret.txt", "404 Not Found", "text/plain", []byte("not found")},
		{"/%2e%2e/secret.txt", "404 Not Found", "text/plain", []byte("not found")},
		{"/link.txt", "404 Not Found", "text/plain", []byte("not found")},
	} {
		resp, err := http.Get(base + tc.path)
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Status != tc.status || resp.Header.Get("Content-Type") != tc.ctype || !bytes.Equal(body, tc.body) {
			t.Errorf("%s: %s %q %.40q", tc.path, resp.Status, resp.Header.Get("Content-Type"), body)
		}
		if tc.status == "200 OK" && resp.Header.Get("Content-Length") != strconv.Itoa(len(tc.body)) {
			t.Errorf("%s: Content-Length %q", tc.path, resp.Header.Get("Content-Length"))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
