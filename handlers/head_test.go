package handlers

import (
	"bytes"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// TestHeadCache runs one pooled handler through a random sequence of
// responses, changing every input of a head between them (status, fields,
// edits of the application's list in place, HTTP versions, HEAD, keep-alive,
// Server, origin or gateway, bodies that do or do not get a Content-Length),
// and compares each response with that of a fresh handler, which has no
// cached head: the cache must never send the bytes of another head.
func TestHeadCache(t *testing.T) {
	lists := []headers.Headers{
		{{Name: "Content-Type", Value: "text/plain"}},
		{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "2"}},
		{{Name: "Content-Type", Value: "text/html"}, {Name: "Date", Value: "D"}},
		{{Name: "Server", Value: "app"}, {Name: "X-A", Value: "1"}},
		{},
	}
	statuses := []string{"200 OK", "200 OK", "404 Not Found", "204 No Content", "304 Not Modified", "101 Switching Protocols"}
	rng := rand.New(rand.NewPCG(11, 5))
	pick := func(n int) int { return rng.IntN(n) }
	var pooledOut, freshOut bytes.Buffer
	pooled := NewSimpleHandler(nil, &pooledOut, io.Discard, nil, false, false)
	own := slices.Clone(lists[1]) // edited in place between responses
	for i := range 3000 {
		fields := lists[pick(len(lists))]
		if pick(4) == 0 {
			if pick(2) == 0 {
				own[0].Value = []string{"text/plain", "text/css", "a/b"}[pick(3)]
			} else {
				own[1].Value = []string{"2", "1", "3"}[pick(3)]
			}
			fields = own
		}
		status := statuses[pick(len(statuses))]
		var blocks [][]byte
		switch pick(4) {
		case 1:
			blocks = [][]byte{[]byte("ok")}
		case 2:
			blocks = [][]byte{[]byte("o"), []byte("k")}
		case 3:
			blocks = [][]byte{[]byte("okay")}
		}
		counted := pick(3) != 0
		env := wsgiref.NewEnviron(
			"SERVER_PROTOCOL", []string{"HTTP/1.0", "HTTP/1.1", "HTTP/1.1", "HTTP/0.9", "HTTP/1.2"}[pick(5)],
			"REQUEST_METHOD", []string{"GET", "GET", "HEAD"}[pick(3)])
		origin := pick(5) != 0
		version := []string{"1.0", "1.1", "1.1", ""}[pick(4)]
		software := []string{"", "WSGIServer/0.2", "WSGIServer/0.2", "Other/1"}[pick(4)]
		keepAlive, announce := pick(3) != 0, pick(8) == 0
		app := wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			if _, err := start(status, fields); err != nil {
				return nil, err
			}
			var body wsgiref.Body = wsgiref.Blocks(blocks...)
			if !counted {
				body = &countless{body}
			}
			return body, nil
		})
		run := func(h *Handler, out *bytes.Buffer) string {
			out.Reset()
			h.Reset()
			h.Environ = env
			h.OriginServer, h.HTTPVersion, h.ServerSoftware = origin, version, software
			h.KeepAlive, h.AnnounceClose = keepAlive, announce
			h.Run(app)
			return dateLineRE.ReplaceAllString(out.String(), "\r\n")
		}
		fresh := NewSimpleHandler(nil, &freshOut, io.Discard, nil, false, false)
		want := run(fresh, &freshOut)
		if got := run(pooled, &pooledOut); got != want {
			t.Fatalf("response %d (%s %v, version %q, origin %v): pooled handler sent\n%q\na fresh one\n%q", i, status, fields, version, origin, got, want)
		}
	}
}

// TestHeadCacheBytes pins one head's bytes and its cached repeat: the
// Date line goes after the status line, fresh each time.
func TestHeadCacheBytes(t *testing.T) {
	var out bytes.Buffer
	h := NewSimpleHandler(nil, &out, io.Discard, wsgiref.NewEnviron("SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_METHOD", "GET"), false, false)
	h.HTTPVersion, h.ServerSoftware = "1.1", "WSGIServer/0.2"
	fields := headers.New("Content-Type", "text/plain")
	for range 2 {
		out.Reset()
		h.Reset()
		h.KeepAlive = true
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			start("200 OK", fields)
			return e.Blocks([]byte("hi")), nil
		}))
		got := out.String()
		if !dateLineRE.MatchString(got) {
			t.Fatalf("no Date line in %q", got)
		}
		const want = "HTTP/1.1 200 OK\r\nServer: WSGIServer/0.2\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"
		if got = dateLineRE.ReplaceAllString(got, "\r\n"); got != want {
			t.Errorf("response\n%q, want\n%q", got, want)
		}
	}
}

// writeCounter counts the writes it receives.
type writeCounter struct {
	bytes.Buffer
	writes int
}

func (w *writeCounter) Write(p []byte) (int, error) { w.writes++; return w.Buffer.Write(p) }

// TestHeadJoinsFirstBlock: a small first block leaves in the head's write,
// a large one, a HEAD response's or a chunked one's in writes of their own,
// and the bytes are the same either way.
func TestHeadJoinsFirstBlock(t *testing.T) {
	big := bytes.Repeat([]byte("x"), maxJoinedBlock+1)
	for _, tc := range []struct {
		name    string
		method  string
		version string
		body    wsgiref.Body
		writes  int
		tail    string
	}{
		{"small block", "GET", "1.0", wsgiref.Blocks([]byte("hi")), 1, "\r\n\r\nhi"},
		{"two small blocks", "GET", "1.0", wsgiref.Blocks([]byte("h"), []byte("i")), 2, "\r\n\r\nhi"},
		{"large block", "GET", "1.0", wsgiref.Blocks(big), 2, "\r\n\r\n" + string(big)},
		{"HEAD", "HEAD", "1.0", wsgiref.Blocks([]byte("hi")), 1, "Content-Length: 2\r\n\r\n"},
		{"chunked", "GET", "1.1", &countless{wsgiref.Blocks([]byte("hi"))}, 5, "close\r\n\r\n2\r\nhi\r\n0\r\n\r\n"},
	} {
		var out writeCounter
		env := wsgiref.NewEnviron("SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_METHOD", tc.method)
		h := NewSimpleHandler(nil, &out, io.Discard, env, false, false)
		h.HTTPVersion = tc.version
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			start("200 OK", headers.New("Content-Type", "text/plain"))
			return tc.body, nil
		}))
		if out.writes != tc.writes || !bytes.HasSuffix(out.Bytes(), []byte(tc.tail)) {
			t.Errorf("%s: %d writes, response %q; want %d writes ending %q", tc.name, out.writes, out.String(), tc.writes, tc.tail)
		}
	}
}

// TestHeadCacheDate: a cached head carries the Date line of the second it
// is sent in: under a hold (a running server) the held line, replaced when
// the second moves on; without one, the clock's.
func TestHeadCacheDate(t *testing.T) {
	var out bytes.Buffer
	h := NewSimpleHandler(nil, &out, io.Discard, wsgiref.NewEnviron("SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_METHOD", "GET"), false, false)
	fields := headers.New("Content-Type", "text/plain")
	run := func() string {
		out.Reset()
		h.Reset()
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			start("200 OK", fields)
			return e.Blocks([]byte("hi")), nil
		}))
		return out.String()
	}
	dateLine := func(resp string) string {
		return strings.TrimPrefix(dateLineRE.FindString(resp), "\r\n")
	}

	// Unheld: the clock's line, every time.
	for range 3 {
		before := string(httpdate.AppendLine(nil))
		got := dateLine(run())
		if after := string(httpdate.AppendLine(nil)); got != before && got != after {
			t.Fatalf("unheld Date line %q, clock says %q then %q", got, before, after)
		}
	}

	release := httpdate.Hold()
	defer release()
	sec, line, ok := httpdate.HeldLine()
	if !ok {
		t.Fatal("no held line under a hold")
	}
	for range 2 {
		if got := dateLine(run()); got != string(line) {
			if s, l, _ := httpdate.HeldLine(); s == sec {
				t.Fatalf("Date line %q, held line %q", got, l)
			}
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		s, _, _ := httpdate.HeldLine()
		if s > sec {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the held line did not move on in 3 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := dateLine(run())
	if s, l, _ := httpdate.HeldLine(); got != string(l) {
		t.Errorf("after the second moved to %d: Date line %q, held line %q", s, got, l)
	}
	if got == string(line) {
		t.Errorf("the head kept the Date line of an earlier second: %q", got)
	}
}
