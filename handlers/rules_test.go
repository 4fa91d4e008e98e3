package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

const errorPage = "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 59\r\n\r\n" +
	"A server error occurred.  Please contact the administrator."

// TestStartResponseRules checks each start_response rule: the error the
// application gets, the log line (CPython's assertion message) and the
// error page instead of the application's response.
func TestStartResponseRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  string
		hdrs    headers.Headers
		wantErr error
		wantLog string
	}{
		{"short status", "200", nil, ErrStatusShort, "Status must be at least 4 characters"},
		{"non-digit code", "20X OK", nil, ErrStatusCode, "Status message must begin w/3-digit code"},
		{"no space", "200OK", nil, ErrStatusSpace, "Status message must have a space after code"},
		{"CRLF in status", "200 OK\r\nX-Injected: 1", nil, ErrStatusControl, "Status must not contain control characters"},
		{"NUL in status", "200 O\x00K", nil, ErrStatusControl, "control characters"},
		{"LF in status", "200 OK\n", nil, ErrStatusControl, "control characters"},
		{"hop-by-hop", "200 OK", headers.New("Connection", "close"), nil, "Hop-by-hop header, 'Connection: close', not allowed"},
		{"hop-by-hop any case", "200 OK", headers.New("transfer-ENCODING", "chunked"), nil, "Hop-by-hop header, 'transfer-ENCODING: chunked', not allowed"},
		{"CRLF in value", "200 OK", headers.New("X-A", "b\r\nSet-Cookie: evil"), headers.ErrInvalidValue, "header value holds CR, LF or NUL"},
		{"LF in value", "200 OK", headers.New("X-A", "b\nc"), headers.ErrInvalidValue, "CR, LF or NUL"},
		{"NUL in value", "200 OK", headers.New("X-A", "b\x00"), headers.ErrInvalidValue, "CR, LF or NUL"},
		{"colon in name", "200 OK", headers.New("X-A: b", "c"), headers.ErrInvalidName, "not a token"},
		{"space in name", "200 OK", headers.New("X A", "c"), headers.ErrInvalidName, "not a token"},
		{"empty name", "200 OK", headers.New("", "c"), headers.ErrInvalidName, "not a token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, out, errs := errorHandler()
			var got error
			h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				_, got = s(tc.status, tc.hdrs)
				return wsgiref.Strings("Hello, world!"), nil // ignores the error: the handler must not
			}))
			if got == nil || (tc.wantErr != nil && !errors.Is(got, tc.wantErr)) {
				t.Errorf("start_response returned %v, want %v", got, tc.wantErr)
			}
			if !strings.Contains(errs.String(), tc.wantLog) {
				t.Errorf("log %q lacks %q", errs, tc.wantLog)
			}
			if out.String() != errorPage {
				t.Errorf("response %q, want the error page", out)
			}
		})
	}
}

// TestHeadersEditedAfterStart: what goes out is the fields as passed to
// start_response. Edits of the application's list afterwards (Add, Set, a
// field changed in place, an injection attempt) are never sent, whether the
// list has spare capacity or not; before the fix an in-place edit or a Set
// of an existing name reached the wire and an Add did not.
func TestHeadersEditedAfterStart(t *testing.T) {
	const sent = "Status: 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 1\r\n\r\nx"
	for _, edit := range []struct {
		name string
		do   func(h *headers.Headers)
	}{
		{"Add", func(h *headers.Headers) { h.Add("C", "3") }},
		{"Set existing", func(h *headers.Headers) { h.Set("A", "9") }},
		{"Set new", func(h *headers.Headers) { h.Set("C", "3") }},
		{"Del", func(h *headers.Headers) { h.Del("A") }},
		{"field in place", func(h *headers.Headers) { (*h)[0].Value = "9" }},
		{"injection in place", func(h *headers.Headers) { (*h)[0].Value = "1\r\nInjected: yes" }},
	} {
		for _, spare := range []int{0, 8} {
			t.Run(fmt.Sprintf("%s/spare=%d", edit.name, spare), func(t *testing.T) {
				h, out, errs := errorHandler()
				h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
					hdrs := make(headers.Headers, 0, 2+spare)
					hdrs.Add("A", "1")
					hdrs.Add("B", "2")
					if _, err := s("200 OK", hdrs); err != nil {
						return nil, err
					}
					edit.do(&hdrs)
					return wsgiref.Strings("x"), nil
				}))
				if out.String() != sent || errs.Len() != 0 {
					t.Errorf("got %q (log %q), want the fields as passed to start_response: %q", out, errs, sent)
				}
			})
		}
	}
}

// TestStartResponseTwice: a second call without excInfo fails; with
// excInfo it replaces unsent headers, and once headers are sent it returns
// the excInfo error again.
func TestStartResponseTwice(t *testing.T) {
	h, out, _ := errorHandler()
	var second error
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", nil)
		_, second = s("201 Created", nil)
		return wsgiref.Strings(), nil
	}))
	if !errors.Is(second, ErrHeadersAlreadySet) || second.Error() != "Headers already set!" {
		t.Errorf("second call: %v", second)
	}
	if !strings.HasPrefix(out.String(), "Status: 200 OK\r\n") {
		t.Errorf("got %q", out)
	}

	h, out, _ = errorHandler()
	failure := errors.New("boom")
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.New("A", "1"))
		if _, err := s("503 Busy", headers.New("B", "2"), failure); err != nil {
			t.Errorf("excInfo before sending: %v", err)
		}
		return wsgiref.Strings("x"), nil
	}))
	if want := "Status: 503 Busy\r\nB: 2\r\nContent-Length: 1\r\n\r\nx"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}

	h, _, _ = errorHandler()
	var reraised error
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		w, _ := s("200 OK", nil)
		w([]byte("sent"))
		_, reraised = s("500 Oops", nil, failure)
		return nil, reraised
	}))
	if reraised != failure {
		t.Errorf("excInfo after sending returned %v, want the excInfo error", reraised)
	}
}

// TestWriteBeforeStart: data before start_response is an error.
func TestWriteBeforeStart(t *testing.T) {
	h, out, errs := errorHandler()
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		return wsgiref.Strings("x"), nil
	}))
	if out.String() != errorPage || !strings.Contains(errs.String(), "write() before start_response()") {
		t.Errorf("got %q, log %q", out, errs)
	}
	h, out, errs = errorHandler()
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		return nil, nil
	}))
	if out.String() != errorPage || !strings.Contains(errs.String(), "write() before start_response()") {
		t.Errorf("no start_response: got %q, log %q", out, errs)
	}
}

// closeCounter counts Close calls.
type closeCounter struct {
	wsgiref.Body
	closed   int
	closeErr error
}

func (c *closeCounter) Close() error { c.closed++; return c.closeErr }

// TestCloseEveryPath: the body's Close is called once whatever happens.
func TestCloseEveryPath(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status string
		appErr error
		out    func() *bytes.Buffer
		writer func(*bytes.Buffer) interface{ Write([]byte) (int, error) }
	}{
		{name: "success", status: "200 OK"},
		{name: "bad status", status: "2000"},
		{name: "app error with body", status: "200 OK", appErr: errors.New("x")},
		{name: "client gone", status: "200 OK", writer: func(*bytes.Buffer) interface{ Write([]byte) (int, error) } {
			return failingWriter{errors.New("broken")}
		}},
	} {
		body := &closeCounter{Body: wsgiref.Strings("a", "b")}
		h, out, _ := errorHandler()
		if tc.writer != nil {
			h.Stdout = tc.writer(out)
		}
		h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s(tc.status, nil)
			return body, tc.appErr
		}))
		if body.closed != 1 {
			t.Errorf("%s: Close called %d times", tc.name, body.closed)
		}
	}

	// A failing Close after a good response is logged; the response stands.
	body := &closeCounter{Body: wsgiref.Strings("a"), closeErr: errors.New("close failed")}
	h, out, errs := errorHandler()
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", nil)
		return body, nil
	}))
	if out.String() != "Status: 200 OK\r\n\r\na" || !strings.Contains(errs.String(), "close failed") {
		t.Errorf("close error: got %q, log %q", out, errs)
	}
}

// TestPanicInClose: a panicking Close is an application error, logged with
// its stack.
func TestPanicInClose(t *testing.T) {
	h, _, errs := errorHandler()
	body := &wsgiref.ClosingBody{Body: wsgiref.Strings("a"), CloseFunc: func() error { panic("close exploded") }}
	if err := h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", nil)
		return body, nil
	})); err != nil {
		t.Fatal(err)
	}
	if log := errs.String(); !strings.Contains(log, "panic: close exploded") || !strings.Contains(log, "goroutine") {
		t.Errorf("log %q", log)
	}
}

// TestErrorOutputHooks: ErrorStatus/Headers/Body, a custom ErrorOutput
// that sees the error, LogError, and a failing ErrorOutput.
func TestErrorOutputHooks(t *testing.T) {
	boom := errors.New("boom")
	failing := wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		return nil, boom
	})

	h, out, _ := errorHandler()
	h.ErrorStatus, h.ErrorHeaders, h.ErrorBody = "503 Later", headers.New("Retry-After", "5"), []byte("later")
	h.Run(failing)
	if want := "Status: 503 Later\r\nRetry-After: 5\r\nContent-Length: 5\r\n\r\nlater"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}

	h, out, _ = errorHandler()
	var logged error
	h.LogError = func(_ *wsgiref.Environ, err error) { logged = err }
	h.ErrorOutput = wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		exc, _ := e.Extension(ExcInfoKey)
		s("500 Oops", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("failed: " + exc.(error).Error()), nil
	})
	if err := h.Run(failing); err != nil {
		t.Fatal(err)
	}
	if want := "Status: 500 Oops\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nfailed: boom"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if logged != boom {
		t.Errorf("LogError got %v", logged)
	}

	h, out, _ = errorHandler()
	h.ErrorOutput = failing
	if err := h.Run(failing); err == nil || !errors.Is(err, boom) {
		t.Errorf("double error: Run returned %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("double error wrote %q", out)
	}
}

// originHandler is an origin-server handler over a buffer for a request of
// the given protocol and method.
func originHandler(proto, method, version string, keepAlive bool) (*Handler, *bytes.Buffer, *bytes.Buffer) {
	env := &wsgiref.Environ{}
	env.Set("SERVER_PROTOCOL", proto)
	env.Set("REQUEST_METHOD", method)
	out, errs := new(bytes.Buffer), new(bytes.Buffer)
	h := NewSimpleHandler(bytes.NewReader(nil), out, errs, env, true, false)
	h.HTTPVersion, h.KeepAlive = version, keepAlive
	return h, out, errs
}

func bodyApp(blocks ...string) wsgiref.AppFunc {
	return func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.New("Date", "X"))
		return wsgiref.FromSeq(func(yield func([]byte, error) bool) {
			for _, b := range blocks {
				if !yield([]byte(b), nil) {
					return
				}
			}
		}), nil
	}
}

// TestFraming: Content-Length, chunked coding and the Connection header by
// response version, client protocol, method and keep-alive; Reusable.
func TestFraming(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		proto, method, version string
		keepAlive              bool
		app                    wsgiref.App
		want                   string
		reusable               bool
	}{
		{"1.0 as CPython", "HTTP/1.1", "GET", "1.0", false, bodyApp("ab", "c"),
			"HTTP/1.0 200 OK\r\nDate: X\r\n\r\nabc", false},
		{"1.0 keep-alive, length known", "HTTP/1.0", "GET", "1.0", true, wsgiref.AppFunc(helloApp),
			"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 05 Jun 2006 18:49:54 GMT\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, world!", true},
		{"1.0 keep-alive, length unknown", "HTTP/1.0", "GET", "1.0", true, bodyApp("ab", "c"),
			"HTTP/1.0 200 OK\r\nDate: X\r\n\r\nabc", false},
		{"1.1 chunked", "HTTP/1.1", "GET", "1.1", true, bodyApp("ab", "", "cdefghijklmnopq"),
			"HTTP/1.1 200 OK\r\nDate: X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nf\r\ncdefghijklmnopq\r\n0\r\n\r\n", true},
		{"1.1 chunked, closing", "HTTP/1.1", "GET", "1.1", false, bodyApp("ab"),
			"HTTP/1.1 200 OK\r\nDate: X\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nab\r\n0\r\n\r\n", false},
		{"1.1 to a 1.0 client: no chunks", "HTTP/1.0", "GET", "1.1", true, bodyApp("ab", "c"),
			"HTTP/1.1 200 OK\r\nDate: X\r\nConnection: close\r\n\r\nabc", false},
		{"1.1 length known", "HTTP/1.1", "GET", "1.1", true, wsgiref.AppFunc(helloApp),
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 05 Jun 2006 18:49:54 GMT\r\nContent-Length: 13\r\n\r\nHello, world!", true},
		{"HEAD: no body bytes", "HTTP/1.1", "HEAD", "1.1", true, wsgiref.AppFunc(helloApp),
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 05 Jun 2006 18:49:54 GMT\r\nContent-Length: 13\r\n\r\n", true},
		{"HEAD unknown length: no chunks", "HTTP/1.1", "HEAD", "1.1", true, bodyApp("ab", "c"),
			"HTTP/1.1 200 OK\r\nDate: X\r\n\r\n", true},
		{"204 not chunked", "HTTP/1.1", "GET", "1.1", true, wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("204 No Content", headers.New("Date", "X"))
			return wsgiref.FromSeq(func(yield func([]byte, error) bool) {}), nil
		}), "HTTP/1.1 204 No Content\r\nDate: X\r\nContent-Length: 0\r\n\r\n", true},
		{"short body for its length", "HTTP/1.1", "GET", "1.1", true, wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", headers.New("Date", "X", "Content-Length", "10"))
			return wsgiref.Strings("abc", "d"), nil
		}), "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Length: 10\r\n\r\nabcd", false},
		{"HTTP/0.9 body only", "HTTP/0.9", "GET", "1.1", true, wsgiref.AppFunc(helloApp), "Hello, world!", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, out, errs := originHandler(tc.proto, tc.method, tc.version, tc.keepAlive)
			if err := h.Run(tc.app); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("got  %q\nwant %q", out, tc.want)
			}
			if h.Reusable() != tc.reusable {
				t.Errorf("Reusable() = %v", h.Reusable())
			}
			if errs.Len() != 0 {
				t.Errorf("log %q", errs)
			}
		})
	}
}

// TestChunkedError: a body failing half-way leaves the chunked response
// unterminated, so the client sees it is incomplete.
func TestChunkedError(t *testing.T) {
	h, out, errs := originHandler("HTTP/1.1", "GET", "1.1", true)
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.New("Date", "X"))
		return &crashyBody{}, nil
	}))
	want := "HTTP/1.1 200 OK\r\nDate: X\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nblah\r\n"
	if out.String() != want || h.Reusable() || !strings.Contains(errs.String(), "AssertionError") {
		t.Errorf("got %q reusable %v log %q", out, h.Reusable(), errs)
	}
}

// TestDateAndServer: Date and Server are added unless the application set
// them, Server only when ServerSoftware is set; SERVER_SOFTWARE defaults.
func TestDateAndServer(t *testing.T) {
	h, out, _ := originHandler("HTTP/1.0", "GET", "1.0", false)
	h.ServerSoftware = "Test/1"
	h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.New("server", "App/2"))
		return wsgiref.Strings(e.Get("SERVER_SOFTWARE")), nil
	}))
	got := out.String()
	if !strings.HasPrefix(got, "HTTP/1.0 200 OK\r\nDate: ") || strings.Contains(got, "Server: Test/1") ||
		!strings.HasSuffix(got, "\r\nserver: App/2\r\nContent-Length: 6\r\n\r\nTest/1") {
		t.Errorf("got %q", got)
	}
}

// TestResetReuse: a reset handler serves another request with the same
// bytes; Status and BytesSent describe the last request.
func TestResetReuse(t *testing.T) {
	h, out, _ := originHandler("HTTP/1.0", "GET", "1.0", false)
	for i := 0; i < 3; i++ {
		out.Reset()
		h.Reset()
		if h.Status() != "" || h.BytesSent() != 0 || h.HeadersSent() {
			t.Fatal("Reset left state")
		}
		h.Run(wsgiref.AppFunc(helloApp))
		if h.Status() != "200 OK" || h.BytesSent() != 13 || !strings.HasSuffix(out.String(), "\r\n\r\nHello, world!") {
			t.Fatalf("run %d: status %q sent %d out %q", i, h.Status(), h.BytesSent(), out)
		}
	}
}

// TestFormatDateTime checks CPython's format_date_time bytes.
func TestFormatDateTime(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Unix(0, 0), "Thu, 01 Jan 1970 00:00:00 GMT"},
		{time.Date(2006, 6, 5, 18, 49, 54, 0, time.UTC), "Mon, 05 Jun 2006 18:49:54 GMT"},
		{time.Date(1994, 11, 6, 8, 49, 37, 0, time.FixedZone("X", 3600)), "Sun, 06 Nov 1994 07:49:37 GMT"},
		{time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC), "Tue, 31 Dec  999 23:59:59 GMT"},
		{time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), "Thu, 29 Feb 2024 12:00:00 GMT"},
	} {
		if got := FormatDateTime(tc.t); got != tc.want {
			t.Errorf("FormatDateTime(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestStripIISPathInfo(t *testing.T) {
	for _, tc := range [][3]string{
		{"/app", "/app/x/y", "/x/y"},
		{"/app", "/app", ""},
		{"/app", "/apple", "/apple"},
		{"", "/x", "/x"},
		{"/app", "/other", "/other"},
	} {
		env := &wsgiref.Environ{}
		env.Set("SCRIPT_NAME", tc[0])
		env.Set("PATH_INFO", tc[1])
		StripIISPathInfo(env)
		if got := env.Get("PATH_INFO"); got != tc[2] {
			t.Errorf("%q %q: PATH_INFO %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// TestNoStdout: a handler without Stdout fails cleanly, without a panic.
func TestNoStdout(t *testing.T) {
	h := NewSimpleHandler(nil, nil, nil, nil, true, false)
	if err := h.Run(wsgiref.AppFunc(helloApp)); !errors.Is(err, ErrNoStdout) {
		t.Errorf("Run returned %v", err)
	}
	if err := h.Run(nil); err == nil {
		t.Error("nil application accepted")
	}
}

// TestBodyAllowed checks bodyAllowed against RFC 9110 6.4.1's rule for
// every three-digit code: no body after 1xx, 204 or 304.
func TestBodyAllowed(t *testing.T) {
	for code := 0; code < 1000; code++ {
		status := fmt.Sprintf("%03d X", code)
		want := code/100 != 1 && code != 204 && code != 304
		if got := bodyAllowed(status); got != want {
			t.Errorf("bodyAllowed(%q) = %v, want %v", status, got, want)
		}
	}
}
