package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestServers runs every Go contender on loopback and checks that each
// answers the hello page and the file with the same bytes, over one
// keep-alive connection.
func TestServers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.bin")
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range names() {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go servers[name](ln, file)
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			base := "http://" + ln.Addr().String()
			for _, c := range []struct {
				path string
				want []byte
			}{{"/", []byte(helloBody)}, {"/file", data}, {"/anything", []byte(helloBody)}} {
				resp, err := client.Get(base + c.path)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || string(body) != string(c.want) {
					t.Errorf("GET %s: %s, %d bytes, %v", c.path, resp.Status, len(body), err)
				}
				if resp.ContentLength != int64(len(c.want)) {
					t.Errorf("GET %s: Content-Length %d, want %d", c.path, resp.ContentLength, len(c.want))
				}
			}
		})
	}
}

// TestHelloAppAllocs: the hello application allocates nothing per request
// on an environ the server reuses, as fasthttp's handler allocates
// nothing, so the load table compares the servers.
func TestHelloAppAllocs(t *testing.T) {
	app := helloApp("")
	var env wsgiref.Environ
	start := func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }
	n := testing.AllocsPerRun(100, func() {
		env.Reset() // what a server does between requests
		body, err := app.ServeWSGI(&env, start)
		if err != nil {
			t.Fatal(err)
		}
		if block, err := body.Next(); string(block) != helloBody || err != nil {
			t.Fatalf("helloApp's body: %q %v", block, err)
		}
	})
	if n != 0 {
		t.Errorf("helloApp allocates %v per request, want 0", n)
	}
}
