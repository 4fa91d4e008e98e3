package handlers

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestCheckCache runs one pooled handler through a sequence of responses
// whose fields are equal to the last good list, or edited in place in the
// application's own backing array, or different: a list that is not equal
// to the remembered one is checked again, so the cache lets no bad field
// through, and each response's framing comes from its own fields.
func TestCheckCache(t *testing.T) {
	fields := headers.Headers{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "2"}}
	var out, errs bytes.Buffer
	h := NewSimpleHandler(nil, &out, &errs, wsgiref.NewEnviron("SERVER_PROTOCOL", "HTTP/1.0"), false, false)
	for _, step := range []struct {
		name    string
		edit    func()
		status  string
		wantErr error
		want    string // the response's head, Date removed
	}{
		{"first", func() {}, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"},
		{"same list", func() {}, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"},
		{"value edited in place to a LF", func() { fields[0].Value = "text/plain\nX: y" }, "200 OK", headers.ErrInvalidValue, ""},
		{"restored", func() { fields[0].Value = "text/plain" }, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"},
		{"hop-by-hop name edited in", func() { fields[0].Name = "Connection" }, "200 OK", nil, ""},
		{"length edited", func() { fields[0].Name, fields[1].Value = "Content-Type", "1" }, "200 OK", ErrBodyOverrun, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\no"},
		{"length dropped", func() { fields = fields[:1] }, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"},
		{"Date given", func() { fields = append(fields, headers.Field{Name: "Date", Value: "D"}) }, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nDate: D\r\nContent-Length: 2\r\n\r\nok"},
		{"status of the cache edited", func() {}, "200 OK\r\n", ErrStatusControl, ""},
		{"status back", func() {}, "200 OK", nil, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nDate: D\r\nContent-Length: 2\r\n\r\nok"},
	} {
		step.edit()
		out.Reset()
		errs.Reset()
		h.Reset()
		var startErr, writeErr error
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			_, startErr = start(step.status, fields)
			return wsgiref.Blocks([]byte("ok")), nil
		}))
		if step.want == "" {
			// Refused: the error page, never the field.
			if startErr == nil || step.wantErr != nil && !errors.Is(startErr, step.wantErr) {
				t.Errorf("%s: start_response returned %v, want %v", step.name, startErr, step.wantErr)
			}
			if !strings.HasPrefix(out.String(), "HTTP/1.0 500 ") || strings.Contains(out.String(), "X: y") || strings.Contains(out.String(), "Connection") {
				t.Errorf("%s: response %q, want the error page", step.name, out.String())
			}
			continue
		}
		if startErr != nil {
			t.Errorf("%s: start_response returned %v", step.name, startErr)
		}
		if step.wantErr != nil {
			writeErr = step.wantErr
			if !strings.Contains(errs.String(), writeErr.Error()) {
				t.Errorf("%s: log %q lacks %q", step.name, errs.String(), writeErr)
			}
		}
		if got := dateLineRE.ReplaceAllString(out.String(), "\r\n"); got != step.want {
			t.Errorf("%s: response\n%q, want\n%q", step.name, got, step.want)
		}
	}
}

// TestEnvironComplete: when the environ holds wsgi.url_scheme and
// SERVER_SOFTWARE, EnvironComplete changes nothing the application sees,
// whatever HTTPS says; without it the handler's own lookups run.
func TestEnvironComplete(t *testing.T) {
	for _, scheme := range []string{"http", "https"} {
		for _, https := range []string{"", "on", "off", "1"} {
			seen := map[bool]string{}
			for _, complete := range []bool{false, true} {
				h := NewSimpleHandler(nil, io.Discard, io.Discard, nil, false, false)
				h.ServerSoftware = "Handler/1"
				env := h.Env()
				env.Set("SERVER_PROTOCOL", "HTTP/1.1")
				env.Set("SERVER_SOFTWARE", "Server/2")
				env.Set(wsgiref.URLSchemeKey, scheme)
				if https != "" {
					env.Set("HTTPS", https)
				}
				h.Environ, h.EnvironComplete = env, complete
				h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
					seen[complete] = e.Get(wsgiref.URLSchemeKey) + " " + e.Get("SERVER_SOFTWARE") + " " + strings.Join(e.Keys(), ",")
					start("204 No Content", nil)
					return nil, nil
				}))
			}
			if seen[true] != seen[false] {
				t.Errorf("scheme %s, HTTPS %q: the application saw %q with EnvironComplete, %q without", scheme, https, seen[true], seen[false])
			}
		}
	}
}
