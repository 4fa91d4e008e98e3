package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// errorHandler is test_wsgiref's ErrorHandler: a BaseCGIHandler over
// buffers with setup_testing_defaults applied to the given variables.
func errorHandler(vars ...string) (h *Handler, out, errs *bytes.Buffer) {
	env := &wsgiref.Environ{}
	for i := 0; i+1 < len(vars); i += 2 {
		env.Set(vars[i], vars[i+1])
	}
	wsgiutil.SetupTestingDefaults(env)
	out, errs = new(bytes.Buffer), new(bytes.Buffer)
	h = NewBaseCGIHandler(bytes.NewReader(nil), out, errs, env, true, true)
	return h, out, errs
}

// testHandler is test_wsgiref's TestHandler: an ErrorHandler whose errors
// fail the test instead of producing an error page.
func testHandler(t *testing.T, vars ...string) (*Handler, *bytes.Buffer) {
	t.Helper()
	h, out, _ := errorHandler(vars...)
	h.LogError = func(_ *wsgiref.Environ, err error) { t.Errorf("unexpected application error: %v", err) }
	return h, out
}

func helloApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("200 OK", headers.Headers{
		{Name: "Content-Type", Value: "text/plain"},
		{Name: "Date", Value: "Mon, 05 Jun 2006 18:49:54 GMT"},
	}); err != nil {
		return nil, err
	}
	return wsgiref.Strings("Hello, world!"), nil
}

func nonErrorApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	_, err := start("200 OK", nil)
	return wsgiref.Strings(), err
}

// TestEnviron ports HandlerTests.testEnviron: os_environ first, then the
// handler's CGI variables, then the wsgi.* values.
func TestEnviron(t *testing.T) {
	osEnv := &wsgiref.Environ{}
	for _, kv := range [][2]string{
		{"HOME", "/my/home"}, {"PATH", "/my/path"}, {"LANG", "fr_FR.UTF-8"},
		{"SCRIPT_NAME", "test_script_name"}, {"SERVER_NAME", "test_server_name"},
	} {
		osEnv.Set(kv[0], kv[1])
	}
	h, _ := testHandler(t, "X", "Y", "HOME", "/override/home")
	h.OSEnviron = osEnv
	h.setupEnviron()
	env := h.Env()

	want := map[string]string{
		"HOME": "/override/home", "PATH": "/my/path", "LANG": "fr_FR.UTF-8",
		"X": "Y", "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1",
		"SERVER_PROTOCOL": "HTTP/1.0", "HTTP_HOST": "127.0.0.1",
		"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_PORT": "80",
		"wsgi.url_scheme": "http",
	}
	got := map[string]string{}
	for k, v := range env.All() {
		got[k] = v
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("environ\n got %v\nwant %v", got, want)
	}
	if env.Input != h.Stdin || env.Errors != h.Stderr {
		t.Error("wsgi.input / wsgi.errors are not the handler's streams")
	}
	if env.Version != [2]int{1, 0} || env.RunOnce || !env.Multithread || !env.Multiprocess {
		t.Errorf("wsgi flags: version %v run_once %v multithread %v multiprocess %v",
			env.Version, env.RunOnce, env.Multithread, env.Multiprocess)
	}
	if (env.FileWrapper == nil) != (h.FileWrapper == nil) {
		t.Error("wsgi.file_wrapper is not the handler's")
	}
	// The handler's base environ is copied, never modified.
	if h.Environ.Has("wsgi.url_scheme") && h.Environ.Get("HOME") != "/override/home" {
		t.Error("base environ modified")
	}
}

// TestCGIEnviron ports testCGIEnviron.
func TestCGIEnviron(t *testing.T) {
	h := NewBaseCGIHandler(nil, nil, nil, &wsgiref.Environ{}, true, false)
	h.setupEnviron()
	if !h.Env().Has("wsgi.url_scheme") {
		t.Error("no wsgi.url_scheme")
	}
}

// TestScheme ports testScheme, and checks that a TLS base environ keeps
// https.
func TestScheme(t *testing.T) {
	for _, tc := range []struct {
		vars []string
		want string
	}{
		{[]string{"HTTPS", "on"}, "https"},
		{nil, "http"},
		{[]string{"HTTPS", "1"}, "https"},
		{[]string{"HTTPS", "foo"}, "http"},
		{[]string{"wsgi.url_scheme", "https"}, "https"},
	} {
		h, _ := testHandler(t, tc.vars...)
		h.setupEnviron()
		if got := h.Env().Get("wsgi.url_scheme"); got != tc.want {
			t.Errorf("%v: scheme %q, want %q", tc.vars, got, tc.want)
		}
	}
}

// TestContentLength ports testContentLength.
func TestContentLength(t *testing.T) {
	scheme := func(e *wsgiref.Environ) []byte { return []byte(e.Get("wsgi.url_scheme")) }
	for _, tc := range []struct {
		name string
		app  wsgiref.AppFunc
		want string
	}{
		{"one block", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return wsgiref.Blocks(scheme(e)), nil
		}, "Status: 200 OK\r\nContent-Length: 4\r\n\r\nhttp"},
		{"write callable", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			w, _ := s("200 OK", nil)
			return wsgiref.Blocks(), w(scheme(e))
		}, "Status: 200 OK\r\n\r\nhttp"},
		{"utf-8 block", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return wsgiref.Strings("\u0442\u0435\u0441\u0442"), nil
		}, "Status: 200 OK\r\nContent-Length: 8\r\n\r\n\xd1\x82\xd0\xb5\xd1\x81\xd1\x82"},
		{"HEAD with own length", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", headers.Headers{{Name: "Content-Length", Value: "12345"}})
			return wsgiref.Blocks(), nil
		}, "Status: 200 OK\r\nContent-Length: 12345\r\n\r\n"},
		{"two blocks: no length", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return wsgiref.Strings("ab", "c"), nil
		}, "Status: 200 OK\r\n\r\nabc"},
		{"unknown block count: no length", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return wsgiref.FromSeq(func(yield func([]byte, error) bool) { yield([]byte("abc"), nil) }), nil
		}, "Status: 200 OK\r\n\r\nabc"},
		{"nil body", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return nil, nil
		}, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n"},
		{"one empty block", func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", nil)
			return wsgiref.Strings(""), nil
		}, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, out := testHandler(t)
			if err := h.Run(tc.app); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestBasicErrorOutput ports testBasicErrorOutput.
func TestBasicErrorOutput(t *testing.T) {
	h, out, errs := errorHandler()
	if err := h.Run(wsgiref.AppFunc(nonErrorApp)); err != nil {
		t.Fatal(err)
	}
	if want := "Status: 200 OK\r\nContent-Length: 0\r\n\r\n"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if errs.Len() != 0 {
		t.Errorf("stderr: %q", errs)
	}

	for _, app := range []wsgiref.AppFunc{
		func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			return nil, errors.New("AssertionError: This should be caught by handler")
		},
		func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			panic("AssertionError: This should be caught by handler")
		},
	} {
		h, out, errs := errorHandler()
		if err := h.Run(app); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("Status: %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
			h.ErrorStatus, len(h.ErrorBody), h.ErrorBody)
		if out.String() != want {
			t.Errorf("got %q\nwant %q", out, want)
		}
		if !strings.Contains(errs.String(), "AssertionError") {
			t.Errorf("stderr %q lacks the error", errs)
		}
		if h.Status() != DefaultErrorStatus {
			t.Errorf("Status() = %q", h.Status())
		}
	}
}

// TestErrorAfterOutput ports testErrorAfterOutput.
func TestErrorAfterOutput(t *testing.T) {
	const msg = "Some output has been sent"
	h, out, errs := errorHandler()
	err := h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		w, _ := s("200 OK", nil)
		w([]byte(msg))
		return nil, errors.New("AssertionError: This should be caught by handler")
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Status: 200 OK\r\n\r\n" + msg; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if !strings.Contains(errs.String(), "AssertionError") {
		t.Errorf("stderr %q lacks the error", errs)
	}
}

// TestHeaderFormats ports testHeaderFormats: CGI and origin preambles for
// every response version, client protocol and server software.
func TestHeaderFormats(t *testing.T) {
	const stdpat = `^HTTP/%s 200 OK\r\nDate: \w{3}, [ 0123]\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n%sContent-Length: 0\r\n\r\n$`
	const shortpat = "Status: 200 OK\r\nContent-Length: 0\r\n\r\n"
	for _, ssw := range []string{"FooBar/1.0", ""} {
		sw := ""
		if ssw != "" {
			sw = `Server: ` + regexp.QuoteMeta(ssw) + `\r\n`
		}
		for _, version := range []string{"1.0", "1.1"} {
			for _, proto := range []string{"HTTP/0.9", "HTTP/1.0", "HTTP/1.1"} {
				name := fmt.Sprintf("%s/%s/%s", ssw, version, proto)
				h, out := testHandler(t, "SERVER_PROTOCOL", proto)
				h.OriginServer, h.HTTPVersion, h.ServerSoftware = false, version, ssw
				h.Run(wsgiref.AppFunc(nonErrorApp))
				if out.String() != shortpat {
					t.Errorf("%s CGI: got %q", name, out)
				}

				h, out = testHandler(t, "SERVER_PROTOCOL", proto)
				h.OriginServer, h.HTTPVersion, h.ServerSoftware = true, version, ssw
				h.Run(wsgiref.AppFunc(nonErrorApp))
				if proto == "HTTP/0.9" {
					if out.Len() != 0 {
						t.Errorf("%s origin: got %q, want nothing", name, out)
					}
					continue
				}
				// An HTTP/1.1 response the server will not keep open says so.
				pat := fmt.Sprintf(stdpat, regexp.QuoteMeta(version), sw)
				if version == "1.1" {
					pat = strings.Replace(pat, `\r\n\r\n$`, `\r\nConnection: close\r\n\r\n$`, 1)
				}
				if !regexp.MustCompile(pat).MatchString(out.String()) {
					t.Errorf("%s origin: got %q, want /%s/", name, out, pat)
				}
			}
		}
	}
}

// TestBytesData ports testBytesData.
func TestBytesData(t *testing.T) {
	h, out := testHandler(t)
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}})
		return wsgiref.Strings("data"), nil
	}))
	want := "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\ndata"
	if out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// crashyBody yields one block, then fails; it records Close.
type crashyBody struct {
	n      int
	panics bool
	closed int
}

func (b *crashyBody) Next() ([]byte, error) {
	b.n++
	if b.n == 1 {
		return []byte("blah"), nil
	}
	if b.panics {
		panic("AssertionError: This should be caught by handler")
	}
	return nil, errors.New("AssertionError: This should be caught by handler")
}

func (b *crashyBody) Close() error { b.closed++; return nil }

// TestCloseOnError ports testCloseOnError, for an error and a panic.
func TestCloseOnError(t *testing.T) {
	for _, panics := range []bool{false, true} {
		body := &crashyBody{panics: panics}
		h, _, errs := errorHandler()
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			w, _ := s("200 OK", nil)
			w([]byte("Some output has been sent"))
			return body, nil
		}))
		if body.closed != 1 {
			t.Errorf("panics=%v: Close called %d times, want 1", panics, body.closed)
		}
		if !strings.Contains(errs.String(), "AssertionError") {
			t.Errorf("panics=%v: stderr %q lacks the error", panics, errs)
		}
	}
}

// partialWriter writes at most 7 bytes a call, without an error.
type partialWriter struct{ written bytes.Buffer }

func (w *partialWriter) Write(p []byte) (int, error) {
	if len(p) > 7 {
		p = p[:7]
	}
	return w.written.Write(p)
}

// TestPartialWrite ports testPartialWrite.
func TestPartialWrite(t *testing.T) {
	env := &wsgiref.Environ{}
	env.Set("SERVER_PROTOCOL", "HTTP/1.0")
	w := &partialWriter{}
	h := NewSimpleHandler(bytes.NewReader(nil), w, io.Discard, env, true, false)
	if err := h.Run(wsgiref.AppFunc(helloApp)); err != nil {
		t.Fatal(err)
	}
	want := "HTTP/1.0 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"Date: Mon, 05 Jun 2006 18:49:54 GMT\r\n" +
		"Content-Length: 13\r\n" +
		"\r\n" +
		"Hello, world!"
	if w.written.String() != want {
		t.Errorf("got %q\nwant %q", w.written.String(), want)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write(p []byte) (int, error) { return 0, w.err }

// TestClientConnectionTerminations ports testClientConnectionTerminations:
// a client that went away ends the request without a log entry.
func TestClientConnectionTerminations(t *testing.T) {
	for _, e := range []error{syscall.ECONNABORTED, syscall.EPIPE, syscall.ECONNRESET, io.ErrClosedPipe} {
		env := &wsgiref.Environ{}
		env.Set("SERVER_PROTOCOL", "HTTP/1.0")
		var stderr bytes.Buffer
		h := NewSimpleHandler(bytes.NewReader(nil), failingWriter{fmt.Errorf("write tcp: %w", e)}, &stderr, env, true, false)
		err := h.Run(wsgiref.AppFunc(helloApp))
		if !IsClientGone(err) {
			t.Errorf("%v: Run returned %v", e, err)
		}
		if stderr.Len() != 0 {
			t.Errorf("%v: stderr %q", e, stderr.String())
		}
	}
}

// TestDontResetInternalStateOnException ports the test of that name: a
// failing writer is logged and the state stays readable.
func TestDontResetInternalStateOnException(t *testing.T) {
	env := &wsgiref.Environ{}
	env.Set("SERVER_PROTOCOL", "HTTP/1.0")
	var stderr bytes.Buffer
	custom := errors.New("CustomException")
	h := NewSimpleHandler(bytes.NewReader(nil), failingWriter{custom}, &stderr, env, true, false)
	if err := h.Run(wsgiref.AppFunc(helloApp)); !errors.Is(err, custom) {
		t.Errorf("Run returned %v", err)
	}
	if !strings.Contains(stderr.String(), "CustomException") {
		t.Errorf("stderr %q", stderr.String())
	}
	if h.Status() != "200 OK" || !h.HeadersSent() || h.Env().Get("SERVER_PROTOCOL") != "HTTP/1.0" || h.Reusable() {
		t.Errorf("state lost: status %q sent %v", h.Status(), h.HeadersSent())
	}
}
