package simpleserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestLentBodyPipelined: an application answering with the environ's own
// body (Environ.Blocks) gets each pipelined request's page intact and in
// order, over a real socket, although every response's body is the same
// object, lent again to the next request: the server is done with a body
// (its bytes are in the connection's buffer) before it resets the environ.
// A HEAD and a two-block page are among them, and one page is large
// enough to bypass the head's write.
func TestLentBodyPipelined(t *testing.T) {
	pages := map[string][]byte{}
	for i := range 20 {
		pages["/"+strconv.Itoa(i)] = []byte(strings.Repeat(strconv.Itoa(i)+" ", 1+i*40))
	}
	tail := []byte("!")
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		page, ok := pages[env.Get("PATH_INFO")]
		if !ok {
			start("404 Not Found", headers.New("Content-Type", "text/plain"))
			return env.Blocks([]byte("no page\n")), nil
		}
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
			return nil, err
		}
		if env.Get("QUERY_STRING") == "two" {
			return env.Blocks(page, tail), nil
		}
		return env.Blocks(page), nil
	})
	ts := startServer(t, app)
	c, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))

	type want struct {
		method, path, query string
	}
	var wants []want
	var reqs strings.Builder
	for i := range 20 {
		w := want{"GET", "/" + strconv.Itoa(i), ""}
		switch i % 5 {
		case 1:
			w.query = "two"
		case 3:
			w.method = "HEAD"
		}
		if i == 7 {
			w.path = "/missing"
		}
		wants = append(wants, w)
		target := w.path
		if w.query != "" {
			target += "?" + w.query
		}
		reqs.WriteString(w.method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")
	}
	if _, err := c.Write([]byte(reqs.String())); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i, w := range wants {
		resp, err := http.ReadResponse(br, &http.Request{Method: w.method})
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		page, ok := pages[w.path]
		wantStatus, wantBody := 200, string(page)
		if !ok {
			wantStatus, wantBody = 404, "no page\n"
		}
		if w.query == "two" {
			wantBody += "!"
		}
		wantLength := int64(len(wantBody))
		if w.query == "two" {
			wantLength = -1 // two blocks: no Content-Length, chunked
		}
		if w.method == "HEAD" {
			wantBody = ""
		}
		if resp.StatusCode != wantStatus || string(body) != wantBody || resp.ContentLength != wantLength {
			t.Errorf("response %d (%s %s?%s): %d, Content-Length %d, body %q; want %d, %d, %q",
				i, w.method, w.path, w.query, resp.StatusCode, resp.ContentLength, body, wantStatus, wantLength, wantBody)
		}
	}
}
