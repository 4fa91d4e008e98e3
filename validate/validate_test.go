package validate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/oracle"
	"github.com/gowsgi/wsgiref/validate"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve runs app behind a minimal HTTP/1.0 origin server on a loopback
// socket, the way CPython's run_amock drives wsgiref.simple_server: read
// one request, build the environ, run the handler, close.
func serve(t *testing.T, app wsgiref.App) (addr string, logs *lockedBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	logs = &lockedBuffer{}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					io.WriteString(c, "HTTP/1.0 400 Bad Request\r\n\r\n")
					return
				}
				env := &wsgiref.Environ{}
				handlers.RequestEnviron(env, r, handlers.ServerInfo{Name: "localhost", Port: port, Software: "WSGIServer/0.2"})
				bw := bufio.NewWriter(c)
				h := handlers.NewSimpleHandler(r.Body, bw, logs, env, true, false)
				h.ServerSoftware = "WSGIServer/0.2 Go"
				h.Run(app)
				bw.Flush()
			}()
		}
	}()
	return ln.Addr().String(), logs
}

func roundTrip(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func helloApp(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := s("200 OK", headers.New("Content-Type", "text/plain", "Date", "Mon, 05 Jun 2006 18:49:54 GMT")); err != nil {
		return nil, err
	}
	return wsgiref.Strings("Hello, world!"), nil
}

const errorBody = "A server error occurred.  Please contact the administrator."

// TestIntegration ports the validator cases of IntegrationTests: a real
// server on a loopback socket, a raw client, CPython's expected bytes.
func TestIntegration(t *testing.T) {
	for _, tc := range []struct {
		name    string
		app     wsgiref.AppFunc
		request string
		want    string // exact response, or suffix when log is set
		log     string
	}{
		// CPython's validator hides len(result), so it sends no
		// Content-Length here; ours forwards the block count.
		{name: "validated hello: Content-Length kept", app: helloApp, request: "GET / HTTP/1.0\r\n\r\n",
			want: "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2 Go\r\nContent-Type: text/plain\r\n" +
				"Date: Mon, 05 Jun 2006 18:49:54 GMT\r\nContent-Length: 13\r\n\r\nHello, world!"},
		{name: "simple validation error", request: "GET / HTTP/1.0\r\n\r\n",
			app: func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				if _, err := s("200 OK", headers.New("Content-Type", "text/plain", "Bad Name", "x")); err != nil {
					return nil, err
				}
				return wsgiref.Strings("Hello, world!"), nil
			}, want: errorBody, log: "Bad header name: 'Bad Name'"},
		{name: "status validation error", request: "GET / HTTP/1.0\r\n\r\n",
			app: func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				if _, err := s("20X OK", headers.New("Content-Type", "text/plain; charset=utf-8")); err != nil {
					return nil, err
				}
				return wsgiref.Strings("Hello, world!"), nil
			}, want: errorBody, log: "invalid literal for int() with base 10: '20X'"},
		{name: "wsgi input misuse", request: "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
			app: func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				if err := e.Input.(io.Closer).Close(); err != nil {
					return nil, err
				}
				s("200 OK", headers.New("Content-Type", "text/plain; charset=utf-8"))
				return wsgiref.Strings("data"), nil
			}, want: errorBody, log: "input.close() must not be called"},
		{name: "bytes validation", request: "GET / HTTP/1.0\r\n\r\n",
			app: func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				s("200 OK", headers.New("Content-Type", "text/plain; charset=utf-8", "Date", "Wed, 24 Dec 2008 13:29:32 GMT"))
				return wsgiref.Strings("data"), nil
			}, want: "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2 Go\r\nContent-Type: text/plain; charset=utf-8\r\n" +
				"Date: Wed, 24 Dec 2008 13:29:32 GMT\r\nContent-Length: 4\r\n\r\ndata"},
		{name: "cp1252 url", request: "GET /\x80%80 HTTP/1.0\r\n\r\n",
			app: func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				s("200 OK", headers.New("Content-Type", "text/plain", "Date", "Wed, 24 Dec 2008 13:29:32 GMT"))
				return wsgiref.Strings(e.Get("PATH_INFO")), nil
			}, want: "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2 Go\r\nContent-Type: text/plain\r\n" +
				"Date: Wed, 24 Dec 2008 13:29:32 GMT\r\nContent-Length: 3\r\n\r\n/\x80\x80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, logs := serve(t, validate.Validator(tc.app))
			got := roundTrip(t, addr, tc.request)
			if tc.log == "" {
				if got != tc.want {
					t.Errorf("got  %q\nwant %q", got, tc.want)
				}
				return
			}
			if !strings.HasPrefix(got, "HTTP/1.0 500 Internal Server Error\r\n") || !strings.HasSuffix(got, tc.want) {
				t.Errorf("got %q, want the error page", got)
			}
			if lines := strings.Split(strings.TrimSpace(logs.String()), "\n"); lines[len(lines)-1] != tc.log {
				t.Errorf("last log line %q, want %q", lines[len(lines)-1], tc.log)
			}
		})
	}
}

func goodEnv() *wsgiref.Environ {
	env := &wsgiref.Environ{}
	for _, kv := range [][2]string{
		{"REQUEST_METHOD", "GET"}, {"SERVER_NAME", "localhost"}, {"SERVER_PORT", "80"},
		{"QUERY_STRING", ""}, {"SCRIPT_NAME", ""}, {"PATH_INFO", "/"}, {"wsgi.url_scheme", "http"},
	} {
		env.Set(kv[0], kv[1])
	}
	env.Version = [2]int{1, 0}
	env.Input = strings.NewReader("")
	env.Errors = io.Discard
	return env
}

// environCase edits a good environ; missing names typed wsgi.* values to
// leave unset.
type environCase struct {
	Set     map[string]string `json:"set"`
	Del     []string          `json:"del"`
	Missing []string          `json:"missing"`
}

func (c environCase) env() *wsgiref.Environ {
	env := goodEnv()
	for k, v := range c.Set {
		env.Set(k, v)
	}
	for _, k := range c.Del {
		env.Del(k)
	}
	for _, k := range c.Missing {
		switch k {
		case "wsgi.version":
			env.Version = [2]int{}
		case "wsgi.input":
			env.Input = nil
		case "wsgi.errors":
			env.Errors = nil
		}
	}
	return env
}

var environCases = []environCase{
	{},
	{Del: []string{"REQUEST_METHOD"}},
	{Del: []string{"SERVER_NAME"}},
	{Del: []string{"SERVER_PORT"}},
	{Missing: []string{"wsgi.version"}},
	{Missing: []string{"wsgi.input"}},
	{Missing: []string{"wsgi.errors"}},
	{Set: map[string]string{"HTTP_CONTENT_TYPE": "text/plain"}},
	{Set: map[string]string{"HTTP_CONTENT_LENGTH": "1"}},
	{Del: []string{"QUERY_STRING"}},
	{Set: map[string]string{"wsgi.url_scheme": "ftp"}},
	{Set: map[string]string{"wsgi.url_scheme": "it's"}},
	{Set: map[string]string{"REQUEST_METHOD": "BREW"}},
	{Set: map[string]string{"SCRIPT_NAME": "app"}},
	{Set: map[string]string{"PATH_INFO": "x/y\n"}},
	{Set: map[string]string{"CONTENT_LENGTH": "-1"}},
	{Set: map[string]string{"CONTENT_LENGTH": "abc"}},
	{Set: map[string]string{"CONTENT_LENGTH": " 1_0 "}},
	{Set: map[string]string{"CONTENT_LENGTH": "1__0"}},
	{Del: []string{"SCRIPT_NAME", "PATH_INFO"}},
	{Set: map[string]string{"SCRIPT_NAME": "/"}},
	{Set: map[string]string{"SCRIPT_NAME": "/app", "PATH_INFO": ""}},
	{Set: map[string]string{"PATH_INFO": "/caf\xe9\x80"}},
}

type responseCase struct {
	Status  string      `json:"status"`
	Headers [][2]string `json:"headers"`
}

func (c responseCase) headers() headers.Headers {
	h := headers.Headers{}
	for _, f := range c.Headers {
		h.Add(f[0], f[1])
	}
	return h
}

var ct = [2]string{"Content-Type", "text/plain"}

var responseCases = []responseCase{
	{"200 OK", [][2]string{ct}},
	{"200", [][2]string{ct}},
	{"20 OK", [][2]string{ct}},
	{"2000 OK", [][2]string{ct}},
	{"20X OK", [][2]string{ct}},
	{"099 Low", [][2]string{ct}},
	{"200OK", [][2]string{ct}},
	{"  200 OK", [][2]string{ct}},
	{"200\tOK", [][2]string{ct}},
	{"", [][2]string{ct}},
	{"200 OK", nil},
	{"200 OK", [][2]string{{"X-A", "b"}}},
	{"204 No Content", nil},
	{"204 No Content", [][2]string{ct}},
	{"304 Not Modified", [][2]string{{"content-TYPE", "x"}}},
	{"200 OK", [][2]string{ct, {"Status", "200 OK"}}},
	{"200 OK", [][2]string{ct, {"X:Y", "v"}}},
	{"200 OK", [][2]string{ct, {"X\nY", "v"}}},
	{"200 OK", [][2]string{ct, {"X Y", "v"}}},
	{"200 OK", [][2]string{ct, {"1X", "v"}}},
	{"200 OK", [][2]string{ct, {"X-", "v"}}},
	{"200 OK", [][2]string{ct, {"X_", "v"}}},
	{"200 OK", [][2]string{ct, {"X", "a\r\nb"}}},
	{"200 OK", [][2]string{ct, {"X", "tab\there"}}},
	{"200 OK", [][2]string{ct, {"X", "\x7f\xe9"}}},
	{"200 OK", [][2]string{ct, {"X\n", "v"}}},
}

// pyChecks runs the same checks in CPython's wsgiref.validate and returns,
// per case, the first error message ("" for none) and the warnings.
const pyChecks = `
import json, sys, warnings, io
from wsgiref import validate
cases = json.load(sys.stdin)
out = []
def run(f):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            f()
            err = ""
        except (AssertionError, ValueError) as e:
            err = str(e)
        except (KeyError, IndexError) as e:
            err = "KeyError: " + type(e).__name__ + " " + str(e)
    return {"error": err, "warnings": [str(x.message) for x in w]}
for env in cases["environ"]:
    e = {"REQUEST_METHOD": "GET", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
         "QUERY_STRING": "", "SCRIPT_NAME": "", "PATH_INFO": "/", "wsgi.url_scheme": "http",
         "wsgi.version": (1, 0), "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(),
         "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False}
    e.update(env.get("set") or {})
    for k in (env.get("del") or []) + (env.get("missing") or []):
        e.pop(k, None)
    out.append(run(lambda: validate.check_environ(e)))
for r in cases["response"]:
    hs = [tuple(h) for h in (r["headers"] or [])]
    def f():
        validate.check_status(r["status"])
        validate.check_headers(hs)
        validate.check_content_type(r["status"], hs)
    out.append(run(f))
json.dump(out, sys.stdout)
`

type pyResult struct {
	Error    string   `json:"error"`
	Warnings []string `json:"warnings"`
}

// TestMessagesMatchCPython runs every case through CPython's validator and
// ours and compares the first violation's message and the warnings.
func TestMessagesMatchCPython(t *testing.T) {
	py := oracle.Python(t)
	// Non-UTF-8 bytes cannot go through JSON; Latin-1 decoding on the
	// Python side is what a PEP 3333 string is.
	in, err := json.Marshal(map[string]any{"environ": latin1Cases(), "response": responseCases})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", pyChecks)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var want []pyResult
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	var got []pyResult
	for _, c := range environCases {
		errs, warns := validate.CheckEnviron(c.env())
		got = append(got, result(errs, warns))
	}
	for _, c := range responseCases {
		errs, warns := validate.CheckStatus(c.Status)
		if len(errs) == 0 {
			errs = append(errs, validate.CheckHeaders(c.headers())...)
		}
		if len(errs) == 0 {
			errs = append(errs, validate.CheckContentType(c.Status, c.headers())...)
		}
		got = append(got, result(errs, warns))
	}
	if len(got) != len(want) {
		t.Fatalf("%d results from CPython, %d from Go", len(want), len(got))
	}
	for i := range got {
		w := want[i]
		w.Error = latin1ToBytes(w.Error)
		if strings.HasPrefix(w.Error, "KeyError: ") {
			// CPython builds the message of the SCRIPT_NAME and PATH_INFO
			// checks before testing, and crashes with KeyError when one is
			// missing, and with IndexError on an empty status; ours
			// reports the violation CPython meant.
			if got[i].Error == "" {
				t.Errorf("case %d: CPython raised %s, Go found nothing", i, w.Error)
			}
			continue
		}
		if got[i].Error != w.Error {
			t.Errorf("case %d: error\n got %q\nwant %q", i, got[i].Error, w.Error)
		}
		if w.Error == "" && strings.Join(got[i].Warnings, "|") != strings.Join(w.Warnings, "|") {
			t.Errorf("case %d: warnings\n got %q\nwant %q", i, got[i].Warnings, w.Warnings)
		}
	}
}

// latin1Cases returns environCases with each byte of the values as the
// Latin-1 character, which JSON carries to Python intact.
func latin1Cases() []environCase {
	var cs []environCase
	for _, c := range environCases {
		d := environCase{Del: c.Del, Missing: c.Missing, Set: map[string]string{}}
		for k, v := range c.Set {
			r := make([]rune, len(v))
			for i := 0; i < len(v); i++ {
				r[i] = rune(v[i])
			}
			d.Set[k] = string(r)
		}
		cs = append(cs, d)
	}
	return cs
}

// latin1ToBytes undoes nothing for messages: Python's repr of a Latin-1
// character above 0x7f is the character itself, which Go's repr writes as
// UTF-8 too; the function exists to make that explicit.
func latin1ToBytes(s string) string { return s }

func result(errs []*validate.Error, warns []string) pyResult {
	r := pyResult{Warnings: warns}
	if len(errs) > 0 {
		r.Error = errs[0].Message
	}
	return r
}

// TestCheckCollectsAll: Check records every violation and runs on.
func TestCheckCollectsAll(t *testing.T) {
	env := goodEnv()
	env.Set("SCRIPT_NAME", "/")
	env.Set("HTTP_CONTENT_TYPE", "x")
	env.Set("REQUEST_METHOD", "BREW")
	res := validate.Check(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		w, _ := s("204 No Content", headers.New("Content-Type", "text/plain", "Status", "204", "X-", "a\x00"))
		w([]byte("early "))
		return wsgiref.Strings("body"), nil
	}), env)
	want := []string{
		"Environment should not have the key: HTTP_CONTENT_TYPE (use CONTENT_TYPE instead)",
		"SCRIPT_NAME cannot be '/'; it should instead be '', and PATH_INFO should be '/'",
		"The Status header cannot be used; it conflicts with CGI script, and HTTP status is not given through headers (value: '204').",
		"Names may not end in '-' or '_': 'X-'",
		"Bad header value: 'a\\x00' (bad char: '\\x00')",
		"Content-Type header found in a 204 response, which must not return content.",
	}
	var got []string
	for _, v := range res.Violations {
		got = append(got, v.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != "Unknown REQUEST_METHOD: 'BREW'" {
		t.Errorf("warnings %q", res.Warnings)
	}
	if string(res.Body) != "early body" || res.Status != "204 No Content" || res.Err != nil {
		t.Errorf("body %q status %q err %v", res.Body, res.Status, res.Err)
	}

	clean := validate.Check(wsgiref.AppFunc(helloApp), nil)
	if len(clean.Violations) != 0 || len(clean.Warnings) != 0 || string(clean.Body) != "Hello, world!" {
		t.Errorf("hello: %v %q %q", clean.Violations, clean.Warnings, clean.Body)
	}
}

// lazyBody calls start_response on its first Next only if told to.
type lazyBody struct {
	start  wsgiref.StartResponse
	starts bool
	n      int
}

func (b *lazyBody) Next() ([]byte, error) {
	b.n++
	if b.n > 1 {
		return nil, io.EOF
	}
	if b.starts {
		b.start("200 OK", headers.New("Content-Type", "text/plain"))
	}
	return []byte("x"), nil
}

// TestIteratorRules: start_response before the first block, no read or
// write after close, Close passed through, closing wsgi.errors refused.
func TestIteratorRules(t *testing.T) {
	for _, starts := range []bool{true, false} {
		app := validate.Validator(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			return &lazyBody{start: s, starts: starts}, nil
		}))
		body, err := app.ServeWSGI(goodEnv(), func(string, headers.Headers, ...error) (wsgiref.Write, error) {
			return func([]byte) error { return nil }, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = body.Next()
		want := "The application returns and we started iterating over its body, but start_response has not yet been called"
		if starts && err != nil || !starts && (err == nil || err.Error() != want) {
			t.Errorf("starts=%v: Next returned %v", starts, err)
		}
		body.(io.Closer).Close()
		if _, err := body.Next(); err == nil || err.Error() != "Iterator read after closed" {
			t.Errorf("Next after Close: %v", err)
		}
	}

	var write wsgiref.Write
	closed := false
	app := validate.Validator(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		write, _ = s("200 OK", headers.New("Content-Type", "text/plain"))
		if err := e.Errors.(io.Closer).Close(); err == nil || err.Error() != "errors.close() must not be called" {
			t.Errorf("closing wsgi.errors: %v", err)
		}
		return &wsgiref.ClosingBody{Body: wsgiref.Strings("a"), CloseFunc: func() error { closed = true; return nil }}, nil
	}))
	body, _ := app.ServeWSGI(goodEnv(), func(string, headers.Headers, ...error) (wsgiref.Write, error) {
		return func([]byte) error { return nil }, nil
	})
	body.(io.Closer).Close()
	if !closed {
		t.Error("Close not passed to the application's body")
	}
	if err := write([]byte("late")); err == nil || !validate.IsViolation(err) {
		t.Errorf("write after close: %v", err)
	}
	// Unlike CPython's IteratorWrapper, the wrapper forwards the count.
	if c, ok := body.(wsgiref.BlockCounter); !ok || c.Blocks() != 1 {
		t.Error("the wrapper must report the one block of the application's body")
	}
}

// TestEnvironViolationStops: in a server, a bad environ is an error before
// the application runs.
func TestEnvironViolationStops(t *testing.T) {
	ran := false
	app := validate.Validator(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		ran = true
		return nil, nil
	}))
	env := goodEnv()
	env.Set("PATH_INFO", "nope")
	_, err := app.ServeWSGI(env, nil)
	var v *validate.Error
	if !errors.As(err, &v) || v.Message != "PATH_INFO doesn't start with /: 'nope'" || ran {
		t.Errorf("err %v ran %v", err, ran)
	}
}

// TestWarningSink: warnings go to Warn, or to wsgi.errors by default.
func TestWarningSink(t *testing.T) {
	env := goodEnv()
	env.Del("QUERY_STRING")
	var logs bytes.Buffer
	env.Errors = &logs
	app := validate.Validator(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200", headers.New("Content-Type", "text/plain"))
		return nil, nil
	}))
	body, _ := app.ServeWSGI(env, func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil })
	body.(io.Closer).Close()
	want := "WSGIWarning: QUERY_STRING is not in the WSGI environment; the cgi module will use sys.argv when this variable is missing, so application errors are more likely\n" +
		"WSGIWarning: The status string ('200') should be a three-digit integer followed by a single space and a status explanation\n"
	if logs.String() != want {
		t.Errorf("got %q\nwant %q", logs.String(), want)
	}
}

// TestUnclosedBody: a body dropped without Close is reported when the
// garbage collector reclaims it.
func TestUnclosedBody(t *testing.T) {
	reported := make(chan string, 1)
	m := &validate.Middleware{
		App: wsgiref.AppFunc(helloApp),
		Warn: func(env *wsgiref.Environ, msg string) {
			if env == nil {
				reported <- msg
			}
		},
	}
	func() {
		body, _ := m.ServeWSGI(goodEnv(), func(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil })
		body.Next()
	}()
	deadline := time.After(5 * time.Second)
	for {
		runtime.GC()
		select {
		case msg := <-reported:
			if msg != "Iterator garbage collected without being closed" {
				t.Errorf("got %q", msg)
			}
			return
		case <-deadline:
			t.Fatal("no report for an unclosed body")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
