package uwsgi

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// logBuffer collects the server's log records, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// echoApp answers with the variables named by the X_ECHO variable (comma
// separated), each "NAME=value" on a line, then the body it read.
// PATH_INFO /late fails after its first block; /fail before any header.
func echoApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	switch env.Get("PATH_INFO") {
	case "/fail":
		return nil, errors.New("failing on purpose")
	case "/late":
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
			return nil, err
		}
		return &lateFailure{}, nil
	}
	var b strings.Builder
	for _, k := range strings.Split(env.Get("X_ECHO"), ",") {
		if k != "" {
			b.WriteString(k + "=" + env.Get(k) + "\n")
		}
	}
	body, err := io.ReadAll(env.Input)
	if err != nil {
		return nil, err
	}
	b.Write(body)
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings(b.String()), nil
}

// lateFailure yields one block, then fails.
type lateFailure struct{ n int }

func (l *lateFailure) Next() ([]byte, error) {
	l.n++
	if l.n == 1 {
		return []byte("partial"), nil
	}
	return nil, errors.New("failing after the headers")
}

type testServer struct {
	srv  *Server
	addr net.Addr
	log  *logBuffer
	errs *logBuffer
}

func start(t *testing.T, network string, opts ...Option) *testServer {
	t.Helper()
	address := "127.0.0.1:0"
	if network == "unix" {
		address = filepath.Join(t.TempDir(), "uwsgi.sock")
	}
	l, err := net.Listen(network, address)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{addr: l.Addr(), log: &logBuffer{}, errs: &logBuffer{}}
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(ts.log, nil))), WithErrors(ts.errs)}, opts...)
	ts.srv = NewServer(wsgiref.AppFunc(echoApp), opts...)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Serve(l) }()
	t.Cleanup(func() {
		ts.srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ts
}

// request builds a uwsgi request: the packet of the variables given as
// name, value pairs (CONTENT_LENGTH first), then the body.
func request(body string, vars ...string) []byte {
	return append(packet(0, 0, append([]string{"CONTENT_LENGTH", strconv.Itoa(len(body))}, vars...)...), body...)
}

// packet encodes a packet with the given modifiers.
func packet(mod1, mod2 byte, vars ...string) []byte {
	var data []byte
	for _, v := range vars {
		data = append(data, byte(len(v)), byte(len(v)>>8))
		data = append(data, v...)
	}
	return append([]byte{mod1, byte(len(data)), byte(len(data) >> 8), mod2}, data...)
}

// roundTrip sends raw and returns everything the server answered until it
// closed the connection, and the read error (nil at a clean close).
func (ts *testServer) roundTrip(t *testing.T, raw []byte, closeWrite bool) (string, error) {
	t.Helper()
	c, err := net.Dial(ts.addr.Network(), ts.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		c.(interface{ CloseWrite() error }).CloseWrite()
	}
	out, err := io.ReadAll(c)
	return string(out), err
}

func TestServeRequest(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			ts := start(t, network)
			raw := request("a=1&b=2", "REQUEST_METHOD", "POST", "PATH_INFO", "/first, then overridden", "SCRIPT_NAME", "/app", "PATH_INFO", "/x y",
				"QUERY_STRING", "q=%20", "HTTP_X_A", "1", "HTTP_X_A", "2",
				"X_ECHO", "REQUEST_METHOD,SCRIPT_NAME,PATH_INFO,QUERY_STRING,CONTENT_LENGTH,HTTP_X_A,wsgi.url_scheme")
			got, err := ts.roundTrip(t, raw, false)
			if err != nil {
				t.Fatal(err)
			}
			body := "REQUEST_METHOD=POST\nSCRIPT_NAME=/app\nPATH_INFO=/x y\nQUERY_STRING=q=%20\nCONTENT_LENGTH=7\n" +
				"HTTP_X_A=1,2\nwsgi.url_scheme=http\na=1&b=2"
			want := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
			if got != want {
				t.Errorf("response\n%q\nwant\n%q", got, want)
			}
			if ts.log.String() != "" {
				t.Errorf("unexpected log: %s", ts.log)
			}
		})
	}
}

func TestHTTPSSetsScheme(t *testing.T) {
	ts := start(t, "tcp")
	for _, tc := range []struct{ https, want string }{{"on", "https"}, {"off", "http"}, {"", "http"}} {
		vars := []string{"X_ECHO", "wsgi.url_scheme"}
		if tc.https != "" {
			vars = append(vars, "HTTPS", tc.https)
		}
		got, err := ts.roundTrip(t, request("", vars...), false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(got, "\r\n\r\nwsgi.url_scheme="+tc.want+"\n") {
			t.Errorf("HTTPS=%q: %q, want scheme %s", tc.https, got, tc.want)
		}
	}
}
