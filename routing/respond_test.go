package routing

import (
	"io"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// recorder is a start_response that keeps what it was given.
type recorder struct {
	status string
	h      headers.Headers
}

func (r *recorder) start(status string, h headers.Headers, _ ...error) (wsgiref.Write, error) {
	r.status, r.h = status, h
	return func([]byte) error { return nil }, nil
}

func readBody(t *testing.T, b wsgiref.Body) string {
	t.Helper()
	var s strings.Builder
	for {
		data, err := b.Next()
		if err == io.EOF {
			return s.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Write(data)
	}
}

func TestAnswers(t *testing.T) {
	env := new(wsgiref.Environ)
	cases := []struct {
		name   string
		call   func(wsgiref.StartResponse) (wsgiref.Body, error)
		status string
		body   string
		allow  string
	}{
		{"404", func(s wsgiref.StartResponse) (wsgiref.Body, error) { return NotFound(env, s) },
			"404 Not Found", "Not Found\n", ""},
		{"405", func(s wsgiref.StartResponse) (wsgiref.Body, error) { return MethodNotAllowed("GET, HEAD", s) },
			"405 Method Not Allowed", "Method Not Allowed\n", "GET, HEAD"},
		{"501", func(s wsgiref.StartResponse) (wsgiref.Body, error) { return NotImplemented("GetUser", s) },
			"501 Not Implemented", "Not Implemented: no handler for route GetUser\n", ""},
		{"nil handler", func(s wsgiref.StartResponse) (wsgiref.Body, error) { return Serve(nil, "X", env, s) },
			"501 Not Implemented", "Not Implemented: no handler for route X\n", ""},
		{"nil handler of a walk", func(s wsgiref.StartResponse) (wsgiref.Body, error) {
			var p Path
			p.Begin(env)
			return p.Serve(env, p.Start(), nil, "Y", s)
		}, "501 Not Implemented", "Not Implemented: no handler for route Y\n", ""},
	}
	for _, c := range cases {
		var r recorder
		body, err := c.call(r.start)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.status != c.status {
			t.Errorf("%s: status %q, want %q", c.name, r.status, c.status)
		}
		if got := readBody(t, body); got != c.body {
			t.Errorf("%s: body %q, want %q", c.name, got, c.body)
		}
		if got := r.h.Get("Content-Length"); got != itoa(len(c.body)) {
			t.Errorf("%s: Content-Length %q", c.name, got)
		}
		if got := r.h.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", c.name, got)
		}
		if got, ok := r.h.Lookup("Allow"); got != c.allow || ok != (c.allow != "") {
			t.Errorf("%s: Allow %q (present %v), want %q", c.name, got, ok, c.allow)
		}
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func TestAllow(t *testing.T) {
	m := Methods{"DELETE", "GET", "HEAD", "POST"}
	cases := []struct {
		set  MethodSet
		want string
	}{
		{0, ""}, {1, "DELETE"}, {0b0110, "GET, HEAD"}, {0b1111, "DELETE, GET, HEAD, POST"},
		{1 << 10, ""},
	}
	for _, c := range cases {
		if got := m.Allow(c.set); got != c.want {
			t.Errorf("Allow(%b) = %q, want %q", c.set, got, c.want)
		}
	}
}

// TestAnswerStartError passes on start_response's error, as a failed
// start must stop the application.
func TestAnswerStartError(t *testing.T) {
	failing := func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, io.ErrClosedPipe }
	if _, err := NotFound(new(wsgiref.Environ), failing); err != io.ErrClosedPipe {
		t.Errorf("err = %v", err)
	}
}
