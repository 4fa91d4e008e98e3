package fastcgi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// echoApp answers with the request's method, path, query, scheme and body.
var echoApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	body, err := io.ReadAll(env.Input)
	if err != nil {
		return nil, err
	}
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(fmt.Sprintf("%s %s|%s|%s ?%s %s body=%q", env.Get("REQUEST_METHOD"),
		env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"), env.Get(wsgiref.URLSchemeKey),
		env.Get("QUERY_STRING"), env.Get("HTTP_X_ORDER"), body)), nil
})

// cgiResponse is the "Status:" form the handler writes for a one-block
// text/plain body.
func cgiResponse(status, body string) string {
	return fmt.Sprintf("Status: %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
}

var getParams = []string{"REQUEST_METHOD", "GET", "SCRIPT_NAME", "/app", "PATH_INFO", "/x/y",
	"QUERY_STRING", "a=1&b=2", "HTTP_X_ORDER", "first", "HTTP_X_ORDER", "last", "SERVER_PROTOCOL", "HTTP/1.1"}

func TestResponder(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			addr, logs := testServer(t, network, echoApp)
			cl := dial(t, network, addr)
			cl.send(request(1, false, "", getParams...))
			r := cl.mustRead(1)
			want := cgiResponse("200 OK", `GET /app|/x/y|http ?a=1&b=2 last body=""`)
			if string(r.stdout) != want || !r.stdoutEnded || r.protocolStatus != statusRequestComplete || r.appStatus != 0 {
				t.Errorf("response %+v\nstdout %q\nwant   %q", r, r.stdout, want)
			}
			cl.expectClosed() // no FCGI_KEEP_CONN
			if l := logs.String(); l != "" {
				t.Errorf("logged %q", l)
			}
		})
	}
}

func TestHTTPSScheme(t *testing.T) {
	addr, _ := testServer(t, "tcp", echoApp)
	cl := dial(t, "tcp", addr)
	cl.send(request(1, false, "", "REQUEST_METHOD", "GET", "HTTPS", "on"))
	if r := cl.mustRead(1); !strings.Contains(string(r.stdout), "|https ?") {
		t.Errorf("HTTPS=on did not make wsgi.url_scheme https: %q", r.stdout)
	}
}

func TestKeepConn(t *testing.T) {
	addr, _ := testServer(t, "tcp", echoApp)
	cl := dial(t, "tcp", addr)
	for i := 1; i <= 3; i++ {
		body := strings.Repeat("b", i*1000)
		cl.send(request(1, true, body, "REQUEST_METHOD", "POST", "PATH_INFO", fmt.Sprintf("/%d", i)))
		want := cgiResponse("200 OK", fmt.Sprintf("POST |/%d|http ?  body=%q", i, body))
		if r := cl.mustRead(1); string(r.stdout) != want {
			t.Fatalf("request %d on a kept connection: %q, want %q", i, r.stdout, want)
		}
	}
	// The last request does not ask to keep the connection.
	cl.send(request(1, false, "", "REQUEST_METHOD", "GET"))
	cl.mustRead(1)
	cl.expectClosed()
}

// TestConcurrentConns holds n requests, each on its own connection, inside
// the application at once: they only all finish if they run concurrently.
func TestConcurrentConns(t *testing.T) {
	const n = 8
	var arrived sync.WaitGroup
	arrived.Add(n)
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		arrived.Done()
		arrived.Wait()
		return echoApp.ServeWSGI(env, start)
	})
	addr, _ := testServer(t, "tcp", app)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := dial(t, "tcp", addr)
			cl.c.Write(request(uint16(i+1), false, "", "REQUEST_METHOD", "GET", "PATH_INFO", fmt.Sprint("/", i)))
			r, err := cl.read(uint16(i + 1))
			if err == nil && !strings.Contains(string(r.stdout), fmt.Sprintf("|/%d|", i)) {
				err = fmt.Errorf("request %d got %q", i, r.stdout)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestGetValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want []byte
	}{
		{"no limit", nil, pairs("FCGI_MPXS_CONNS", "0")},
		{"WithMaxConns(64)", []Option{WithMaxConns(64)},
			pairs("FCGI_MAX_CONNS", "64", "FCGI_MAX_REQS", "64", "FCGI_MPXS_CONNS", "0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := testServer(t, "tcp", echoApp, tc.opts...)
			cl := dial(t, "tcp", addr)
			cl.send(rec(typeGetValues, 0, pairs("FCGI_MAX_CONNS", "", "FCGI_MAX_REQS", "", "FCGI_MPXS_CONNS", "",
				"FCGI_MPXS_CONNS", "", "X_UNKNOWN", "")))
			hd, content, err := cl.readRecord()
			if err != nil || hd.typ != typeGetValuesResult || hd.id != 0 || string(content) != string(tc.want) {
				t.Fatalf("GET_VALUES answer %+v %q, %v; want %q", hd, content, err, tc.want)
			}
			// An unknown management type gets FCGI_UNKNOWN_TYPE; the
			// connection goes on.
			cl.send(rec(recType(200), 0, []byte("xyz")))
			hd, content, err = cl.readRecord()
			if err != nil || hd.typ != typeUnknownType || string(content) != "\xc8\x00\x00\x00\x00\x00\x00\x00" {
				t.Fatalf("unknown management record answered %+v %q, %v", hd, content, err)
			}
			cl.send(request(1, false, "", "REQUEST_METHOD", "GET"))
			cl.mustRead(1)
		})
	}
}

func TestUnknownRole(t *testing.T) {
	addr, _ := testServer(t, "tcp", echoApp)
	cl := dial(t, "tcp", addr)
	cl.send(rec(typeBeginRequest, 1, beginBody(2, true))) // FCGI_AUTHORIZER
	cl.send(rec(typeParams, 1, pairs("REQUEST_METHOD", "GET")))
	cl.send(rec(typeParams, 1, nil))
	if r := cl.mustRead(1); r.protocolStatus != statusUnknownRole || len(r.stdout) != 0 {
		t.Fatalf("authorizer role answered %+v", r)
	}
	cl.send(request(2, false, "", "REQUEST_METHOD", "GET")) // the stale params were ignored
	if r := cl.mustRead(2); !strings.HasPrefix(string(r.stdout), "Status: 200 OK") {
		t.Fatalf("request after a refused role: %q", r.stdout)
	}
}

// TestMultiplexRefused begins request 2 while request 1 is in the
// application: 2 is refused with FCGI_CANT_MPX_CONN, 1 completes. (The
// application has read its body: until it does, the reader holds back the
// records behind it.)
func TestMultiplexRefused(t *testing.T) {
	inApp, release := make(chan struct{}), make(chan struct{})
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		body, err := io.ReadAll(env.Input)
		close(inApp)
		<-release
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings(string(body)), err
	})
	addr, logs := testServer(t, "tcp", app)
	cl := dial(t, "tcp", addr)
	cl.send(request(1, true, "one", "REQUEST_METHOD", "POST"))
	<-inApp
	cl.send(request(2, true, "two", "REQUEST_METHOD", "POST"))
	r := cl.mustRead(2)
	if r.protocolStatus != statusCantMpxConn || len(r.stdout) != 0 {
		t.Errorf("request 2 answered %+v, want FCGI_CANT_MPX_CONN", r)
	}
	close(release)
	if r := cl.mustRead(1); string(r.stdout) != cgiResponse("200 OK", "one") {
		t.Errorf("request 1: %q", r.stdout)
	}
	if l := logs.String(); l != "" {
		t.Errorf("a refused multiplexed request was logged: %q", l)
	}
}

func TestStderr(t *testing.T) {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		io.WriteString(env.Errors, "warning: one\n")
		return nil, errors.New("the app failed")
	})
	addr, _ := testServer(t, "tcp", app)
	cl := dial(t, "tcp", addr)
	cl.send(request(1, false, "", "REQUEST_METHOD", "GET"))
	r := cl.mustRead(1)
	if !strings.HasPrefix(string(r.stderr), "warning: one\n") || !strings.Contains(string(r.stderr), "the app failed") {
		t.Errorf("FCGI_STDERR %q lacks the app's line and error", r.stderr)
	}
	if want := "Status: 500 Internal Server Error\r\n"; !strings.HasPrefix(string(r.stdout), want) {
		t.Errorf("stdout %q, want the error page", r.stdout)
	}
}

// TestStdinStreams lets the application read the first record of the body
// before the client sends the rest: wsgi.input hands records over as they
// arrive instead of collecting the body.
func TestStdinStreams(t *testing.T) {
	gotFirst := make(chan string, 1)
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		buf := make([]byte, 100)
		n, err := io.ReadFull(env.Input, buf[:5])
		gotFirst <- string(buf[:n])
		if err != nil {
			return nil, err
		}
		rest, err := io.ReadAll(env.Input)
		if err != nil {
			return nil, err
		}
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings(string(buf[:n]) + string(rest)), nil
	})
	addr, _ := testServer(t, "tcp", app)
	cl := dial(t, "tcp", addr)
	b := rec(typeBeginRequest, 1, beginBody(roleResponder, false))
	b = append(b, rec(typeParams, 1, pairs("REQUEST_METHOD", "POST"))...)
	b = append(b, rec(typeParams, 1, nil)...)
	cl.send(append(b, rec(typeStdin, 1, []byte("first"))...))
	select {
	case got := <-gotFirst:
		if got != "first" {
			t.Fatalf("first read %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the application did not get the first record before the body ended")
	}
	cl.send(append(rec(typeStdin, 1, []byte(" second")), rec(typeStdin, 1, nil)...))
	if r := cl.mustRead(1); string(r.stdout) != cgiResponse("200 OK", "first second") {
		t.Errorf("stdout %q", r.stdout)
	}
}

// TestUnreadBody: an application that ignores the body leaves its records
// to be skipped, and the kept connection serves the next request.
func TestUnreadBody(t *testing.T) {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("ignored"), nil
	})
	addr, _ := testServer(t, "tcp", app)
	cl := dial(t, "tcp", addr)
	big := strings.Repeat("x", 60000)
	b := request(1, true, big, "REQUEST_METHOD", "POST")
	b = append(b[:len(b)-headerLen], rec(typeStdin, 1, []byte(big))...)
	cl.send(append(b, rec(typeStdin, 1, nil)...))
	cl.mustRead(1)
	cl.send(request(1, false, "", "REQUEST_METHOD", "GET"))
	if r := cl.mustRead(1); string(r.stdout) != cgiResponse("200 OK", "ignored") {
		t.Errorf("second request %q", r.stdout)
	}
}

// closeCounter is a body of blocks produced on demand, each after a pause,
// endless unless stopped; it records its Close.
type closeCounter struct {
	closed chan struct{}
	n      int
}

func (b *closeCounter) Next() ([]byte, error) {
	b.n++
	time.Sleep(time.Millisecond)
	return []byte("tick\n"), nil
}

func (b *closeCounter) Close() error { close(b.closed); return nil }

func TestAbort(t *testing.T) {
	t.Run("while reading the body", func(t *testing.T) {
		readErr := make(chan error, 1)
		app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			_, err := io.ReadAll(env.Input)
			readErr <- err
			return nil, err
		})
		addr, _ := testServer(t, "tcp", app)
		cl := dial(t, "tcp", addr)
		b := request(1, true, "part", "REQUEST_METHOD", "POST")
		cl.send(b[:len(b)-headerLen]) // the body does not end
		cl.send(rec(typeAbortRequest, 1, nil))
		if err := <-readErr; !errors.Is(err, ErrAborted) {
			t.Errorf("wsgi.input read after the abort: %v, want ErrAborted", err)
		}
		if r := cl.mustRead(1); r.protocolStatus != statusRequestComplete || len(r.stdout) != 0 {
			t.Errorf("aborted request answered %+v %q", r, r.stdout)
		}
		cl.send(request(1, false, "", "REQUEST_METHOD", "GET")) // the connection goes on
		cl.mustRead(1)
	})
	t.Run("while sending the response", func(t *testing.T) {
		body := &closeCounter{closed: make(chan struct{})}
		app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			start("200 OK", headers.New("Content-Type", "text/plain"))
			return body, nil
		})
		addr, _ := testServer(t, "tcp", app)
		cl := dial(t, "tcp", addr)
		cl.send(request(1, true, "", "REQUEST_METHOD", "GET"))
		hd, _, err := cl.readRecord()
		if err != nil || hd.typ != typeStdout {
			t.Fatalf("first record %+v, %v", hd, err)
		}
		cl.send(rec(typeAbortRequest, 1, nil))
		select {
		case <-body.closed:
		case <-time.After(5 * time.Second):
			t.Fatal("the body was not closed after FCGI_ABORT_REQUEST")
		}
		r := cl.mustRead(1)
		if r.protocolStatus != statusRequestComplete || !r.stdoutEnded {
			t.Errorf("aborted request ended %+v", r)
		}
	})
}

// TestFileWrapper: a wsgi.file_wrapper body (which an origin server sends
// with sendfile) goes out through FCGI_STDOUT records, framed.
func TestFileWrapper(t *testing.T) {
	data := strings.Repeat("0123456789abcdef", 5000) // 80,000 bytes: several records
	path := t.TempDir() + "/f"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		start("200 OK", headers.New("Content-Type", "application/octet-stream"))
		return env.FileWrapper(f, 0), nil
	})
	addr, _ := testServer(t, "tcp", app)
	cl := dial(t, "tcp", addr)
	cl.send(request(1, false, "", "REQUEST_METHOD", "GET"))
	r := cl.mustRead(1)
	head, body, ok := strings.Cut(string(r.stdout), "\r\n\r\n")
	if !ok || body != data || !strings.HasPrefix(head, "Status: 200 OK\r\n") {
		t.Errorf("file body of %d bytes (want %d), head %q", len(body), len(data), head)
	}
}
