package gatewaytesting

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// Run runs every shared test for p, each as a subtest named after what it
// proves: ServeRequest, HTTPSSetsScheme, BadInput (p's own rows and the
// shared ones), ErrorAfterHeaders, ErrorBeforeHeaders,
// ShutdownFinishesRequests, ShutdownServesAcceptedConnection, ParseAllocs, Options.
func Run(t *testing.T, p Protocol) {
	for _, test := range []struct {
		name string
		run  func(*testing.T, Protocol)
	}{
		{"ServeRequest", serveRequest},
		{"HTTPSSetsScheme", httpsSetsScheme},
		{"BadInput", badInput},
		{"ErrorAfterHeaders", errorAfterHeaders},
		{"ErrorBeforeHeaders", errorBeforeHeaders},
		{"ShutdownFinishesRequests", shutdownFinishesRequests},
		{"ShutdownServesAcceptedConnection", shutdownServesAcceptedConnection},
		{"ParseAllocs", parseAllocs},
		{"Options", options},
	} {
		t.Run(test.name, func(t *testing.T) { test.run(t, p) })
	}
}

// serveRequest: a POST over TCP and over a Unix socket reaches the
// application with its variables as sent (a repeated PATH_INFO: the later
// wins; a repeated HTTP_* variable: joined with ","), its body, and the
// default scheme; nothing is logged.
func serveRequest(t *testing.T, p Protocol) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			ts := Start(t, p, network, Config{})
			echo := []string{"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_LENGTH", "HTTP_X_A"}
			body := "REQUEST_METHOD=POST\nSCRIPT_NAME=/app\nPATH_INFO=/x y\nQUERY_STRING=q=%20\nCONTENT_LENGTH=7\nHTTP_X_A=1,2\n"
			for i := 0; i+1 < len(p.Fixed); i += 2 {
				echo = append(echo, p.Fixed[i])
				body += p.Fixed[i] + "=" + p.Fixed[i+1] + "\n"
			}
			echo = append(echo, "wsgi.url_scheme")
			body += "wsgi.url_scheme=http\na=1&b=2"
			raw := p.Request("a=1&b=2", "REQUEST_METHOD", "POST", "PATH_INFO", "/first, then overridden", "SCRIPT_NAME", "/app", "PATH_INFO", "/x y",
				"QUERY_STRING", "q=%20", "HTTP_X_A", "1", "HTTP_X_A", "2", "X_ECHO", strings.Join(echo, ","))
			got, err := ts.RoundTrip(t, raw, false)
			if err != nil {
				t.Fatal(err)
			}
			want := p.StatusPrefix + "200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
			if got != want {
				t.Errorf("response\n%q\nwant\n%q", got, want)
			}
			if ts.Log.String() != "" {
				t.Errorf("unexpected log: %s", ts.Log)
			}
		})
	}
}

// httpsSetsScheme: HTTPS "on" makes wsgi.url_scheme "https"; "off" or no
// HTTPS leaves "http".
func httpsSetsScheme(t *testing.T, p Protocol) {
	ts := Start(t, p, "tcp", Config{})
	for _, tc := range []struct{ https, want string }{{"on", "https"}, {"off", "http"}, {"", "http"}} {
		vars := []string{"X_ECHO", "wsgi.url_scheme"}
		if tc.https != "" {
			vars = append(vars, "HTTPS", tc.https)
		}
		got, err := ts.RoundTrip(t, p.Request("", vars...), false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(got, "\r\n\r\nwsgi.url_scheme="+tc.want+"\n") {
			t.Errorf("HTTPS=%q: %q, want scheme %s", tc.https, got, tc.want)
		}
	}
}

// errorAfterHeaders: the application fails after its first block, so the
// connection is reset and the front end sees an incomplete response, never
// a clean end that it could pass on as complete.
func errorAfterHeaders(t *testing.T, p Protocol) {
	ts := Start(t, p, "tcp", Config{})
	got, err := ts.RoundTrip(t, p.Request("", "PATH_INFO", "/late"), false)
	if err == nil || !strings.Contains(err.Error(), "reset") {
		t.Errorf("read ended with %v, want a connection reset (got %q)", err, got)
	}
	if !strings.Contains(ts.Errs.String(), "failing after the headers") {
		t.Errorf("wsgi.errors: %q", ts.Errs.String())
	}
}

// errorBeforeHeaders: the handler's error page, in the protocol's form.
func errorBeforeHeaders(t *testing.T, p Protocol) {
	ts := Start(t, p, "tcp", Config{})
	got, err := ts.RoundTrip(t, p.Request("", "PATH_INFO", "/fail"), false)
	if err != nil {
		t.Fatal(err)
	}
	want := p.StatusPrefix + "500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 59\r\n\r\n" +
		"A server error occurred.  Please contact the administrator."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !strings.Contains(ts.Errs.String(), "failing on purpose") {
		t.Errorf("wsgi.errors: %q", ts.Errs.String())
	}
}

// shutdownFinishesRequests: Shutdown waits for a request in progress,
// which completes, and refuses new connections.
func shutdownFinishesRequests(t *testing.T, p Protocol) {
	entered, release := make(chan struct{}), make(chan struct{})
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		close(entered)
		<-release
		start("200 OK", headers.New("Content-Length", "4"))
		return wsgiref.Strings("done"), nil
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := p.NewServer(app, Config{Logger: slog.New(slog.DiscardHandler), HeaderTimeout: gateway.DefaultHeaderTimeout})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(p.Request(""))
	<-entered
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in progress", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := <-served; !errors.Is(err, gateway.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if c2, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		c2.Close()
		t.Error("a new connection was accepted after Shutdown")
	}
	close(release)
	resp, err := io.ReadAll(c)
	if want := p.StatusPrefix + "200 OK\r\nContent-Length: 4\r\n\r\ndone"; err != nil || string(resp) != want {
		t.Errorf("response %q, %v; want %q", resp, err, want)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// shutdownServesAcceptedConnection: a connection accepted before Shutdown
// whose request comes after it began is answered: a front end on a socket
// shared with a new process has already committed it a request.
func shutdownServesAcceptedConnection(t *testing.T, p Protocol) {
	ts := Start(t, p, "tcp", Config{})
	c, err := net.Dial("tcp", ts.Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for p.ActiveConns(ts.Srv) == 0 {
		time.Sleep(time.Millisecond)
	}
	shut := make(chan error, 1)
	go func() { shut <- ts.Srv.Shutdown(context.Background()) }()
	time.Sleep(50 * time.Millisecond)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write(p.Request("", "X_ECHO", "CONTENT_LENGTH"))
	resp, err := io.ReadAll(c)
	if err != nil || !strings.HasSuffix(string(resp), "\r\n\r\nCONTENT_LENGTH=0\n") {
		t.Errorf("response %q, %v", resp, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// options: the options the other tests leave at their defaults reach the
// server: WithMultiprocess sets wsgi.multiprocess (false without it), and
// WithReadTimeout ends a body that stalls: the application's read fails,
// the front end gets 500 and the timeout is logged.
func options(t *testing.T, p Protocol) {
	for _, on := range []bool{false, true} {
		ts := Start(t, p, "tcp", Config{Multiprocess: on})
		got, err := ts.RoundTrip(t, p.Request("", "X_ECHO", "wsgi.multiprocess"), false)
		if want := "\r\n\r\nwsgi.multiprocess=" + strconv.FormatBool(on) + "\n"; err != nil || !strings.HasSuffix(got, want) {
			t.Errorf("Multiprocess %v: %q, %v", on, got, err)
		}
	}
	ts := Start(t, p, "tcp", Config{ReadTimeout: 200 * time.Millisecond})
	got, err := ts.RoundTrip(t, append(p.Head("10"), "only5"...), false)
	if err != nil || !strings.HasPrefix(got, p.StatusPrefix+"500 Internal Server Error\r\n") {
		t.Errorf("a stalled body: %q, %v", got, err)
	}
	if logged := ts.WaitLog(0); !strings.Contains(logged, p.Name+": request body: ") || !strings.Contains(logged, "i/o timeout") {
		t.Errorf("logged %q, want the body's read timeout", logged)
	}
}
