package fileswrap_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fileswrap"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// TestServedFile serves a file through wsgi.file_wrapper from the module's
// simple server on loopback and fetches it with real clients (net/http's,
// and curl when installed): the bytes arrive intact and the server closes
// the file after the response, as PEP 3333 requires of close().
func TestServedFile(t *testing.T) {
	const size = 3<<20 + 123
	data := payload(size)
	// One file a request, opened here: the application runs on the
	// server's goroutines, where t.Fatal must not be called.
	files := make(chan *os.File, 2)
	for range cap(files) {
		files <- tempFile(t, data)
	}
	var mu sync.Mutex
	var opened []*os.File
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		var f *os.File
		select {
		case f = <-files:
		default:
			return nil, errors.New("more requests than files")
		}
		mu.Lock()
		opened = append(opened, f)
		mu.Unlock()
		if _, err := start("200 OK", headers.New("Content-Type", "application/octet-stream")); err != nil {
			return nil, err
		}
		return env.FileWrapper(f, 0), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
		simpleserver.WithFileWrapper(func(r io.Reader, n int) wsgiref.Body { return fileswrap.New(r, n) }),
		simpleserver.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go srv.ServeForever()
	url := "http://" + srv.Addr().String() + "/file"

	fetch := map[string]func() ([]byte, error){
		"net/http": func() ([]byte, error) {
			c := &http.Client{Timeout: 10 * time.Second}
			resp, err := c.Get(url)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			return io.ReadAll(resp.Body)
		},
	}
	if curl, err := exec.LookPath("curl"); err == nil {
		fetch["curl"] = func() ([]byte, error) {
			return exec.Command(curl, "--silent", "--show-error", "--max-time", "10", url).Output()
		}
	}
	for name, get := range fetch {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s: got %d bytes, not the file's %d", name, len(got), size)
		}
	}
	// The handler closes the body once the response is out.
	deadline := time.Now().Add(5 * time.Second)
	for {
		closed := 0
		mu.Lock()
		for _, f := range opened {
			if _, err := f.Stat(); errors.Is(err, os.ErrClosed) {
				closed++
			}
		}
		n := len(opened)
		mu.Unlock()
		if n == len(fetch) && closed == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d files closed", closed, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
