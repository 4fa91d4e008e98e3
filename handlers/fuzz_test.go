package handlers

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// FuzzStartResponse feeds arbitrary status lines and header fields through
// start_response on an origin server and a CGI gateway, and checks that the
// response head never holds a bare CR or LF, that every line of it is a
// status line or a "token: value" field, and that a response refused goes
// out as the error page.
func FuzzStartResponse(f *testing.F) {
	f.Add("200 OK", "Content-Type", "text/plain", "HTTP/1.1", "body", true)
	f.Add("200 OK\r\nX: y", "A", "b", "HTTP/1.0", "", false)
	f.Add("404 Not\nFound", "X-A", "b\r\nSet-Cookie: x", "HTTP/1.1", "x", true)
	f.Add("20", "Connection", "close", "HTTP/0.9", "", false)
	f.Add("999 \x00", "Bad Name", "v\r", "HTTP/1.1", "", true)
	f.Add("200 \t", "X", "\x85\xa0", "http/1.1", "\r\n\r\n", false)
	f.Fuzz(func(t *testing.T, status, name, value, proto, body string, origin bool) {
		env := &wsgiref.Environ{}
		env.Set("SERVER_PROTOCOL", proto)
		env.Set("REQUEST_METHOD", "GET")
		var out, errs bytes.Buffer
		h := NewSimpleHandler(strings.NewReader(""), &out, &errs, env, true, false)
		h.OriginServer, h.HTTPVersion, h.KeepAlive = origin, "1.1", true
		h.ServerSoftware = "Fuzz/1"
		var startErr error
		err := h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			_, startErr = s(status, headers.Headers{{Name: name, Value: value}})
			return wsgiref.Strings(body, body), nil
		}))
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		resp := out.String()
		head, _, found := strings.Cut(resp, "\r\n\r\n")
		if !found {
			if origin && strings.EqualFold(proto, "HTTP/0.9") {
				return // no head at all
			}
			t.Fatalf("no end of head in %q", resp)
		}
		lines := strings.Split(head, "\r\n")
		for i, line := range lines {
			if strings.ContainsAny(line, "\r\n\x00") {
				t.Fatalf("bare CR, LF or NUL in line %d %q of %q", i, line, resp)
			}
			if i == 0 && origin {
				if !strings.HasPrefix(line, "HTTP/1.1 ") {
					t.Fatalf("status line %q", line)
				}
				continue
			}
			n, _, ok := strings.Cut(line, ": ")
			if !ok || !headers.ValidName(n) {
				t.Fatalf("line %d %q is not a field", i, line)
			}
		}
		wantStatus := status
		if startErr != nil {
			wantStatus = DefaultErrorStatus
			if !strings.HasSuffix(resp, DefaultErrorBody) {
				t.Fatalf("refused response without the error page: %q", resp)
			}
		}
		if h.Status() != wantStatus {
			t.Fatalf("Status() = %q, want %q", h.Status(), wantStatus)
		}
		// The same handler again: once after a list it remembers as
		// checked, once with this list, whose checks may now come from
		// the cache. The bytes must be those of the fresh handler.
		for _, first := range []bool{true, false} {
			h.Reset()
			out.Reset()
			h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				if first {
					s("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
					return nil, nil
				}
				s(status, headers.Headers{{Name: name, Value: value}})
				return wsgiref.Strings(body, body), nil
			}))
		}
		if again := dateLineRE.ReplaceAllString(out.String(), "\r\nDate: -\r\n"); again != dateLineRE.ReplaceAllString(resp, "\r\nDate: -\r\n") {
			t.Fatalf("a pooled handler sent %q, a fresh one %q", again, resp)
		}
	})
}

// FuzzStripIISPathInfo: the new PATH_INFO is the old one without a leading
// SCRIPT_NAME that ends on a segment boundary, or the old one unchanged.
func FuzzStripIISPathInfo(f *testing.F) {
	f.Add("/app", "/app/x")
	f.Add("/app", "/apple")
	f.Add("", "/")
	f.Add("/a/", "/a//b")
	f.Fuzz(func(t *testing.T, script, path string) {
		env := &wsgiref.Environ{}
		env.Set("SCRIPT_NAME", script)
		env.Set("PATH_INFO", path)
		StripIISPathInfo(env)
		got := env.Get("PATH_INFO")
		if got == path {
			return
		}
		if script+got != path || (got != "" && got[0] != '/') {
			t.Fatalf("script %q path %q -> %q", script, path, got)
		}
	})
}

// FuzzTranscodeWindows: every Windows rule turns any UTF-8 value into one
// byte a character for the single-byte code pages, keeps ASCII as it is,
// and never panics on invalid UTF-8.
func FuzzTranscodeWindows(f *testing.F) {
	f.Add("apache/2.4", "/caf\u00e9")
	f.Add("lighttpd", "\u20ac\x80\xff")
	f.Add("microsoft-iis/10", "\u3042")
	f.Fuzz(func(t *testing.T, software, v string) {
		got := transcodeWindows(strings.ToLower(software), v, nil)
		if isASCII(v) && got != v {
			t.Fatalf("ASCII %q changed to %q", v, got)
		}
		if strings.HasPrefix(strings.ToLower(software), "apache/") && len(got) != len([]rune(v)) {
			t.Fatalf("%q -> %q: not one byte a character", v, got)
		}
	})
}
