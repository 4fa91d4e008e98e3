package gatewaytest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/examplecmd"
	"github.com/gowsgi/wsgiref/internal/frontend"
	"github.com/gowsgi/wsgiref/listen"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// TestMain lets the test binary be a backend process: a simpleserver on
// the listener package listen gives it (socket activation, or SO_REUSEPORT
// on BACKEND_REUSEPORT's address) that says which backend it is, until
// SIGTERM makes it Shutdown and exit.
func TestMain(m *testing.M) {
	if name := os.Getenv("BACKEND_NAME"); name != "" {
		if err := backend(name, os.Getenv("BACKEND_REUSEPORT")); err != nil {
			fmt.Println("backend error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func backend(name, reuseAddr string) error {
	var l net.Listener
	if reuseAddr != "" {
		var err error
		if l, err = listen.ReusePort("tcp", reuseAddr); err != nil {
			return err
		}
	} else {
		sockets, err := listen.Sockets()
		if err != nil {
			return err
		}
		if len(sockets) != 1 {
			return fmt.Errorf("%d activated sockets, want 1", len(sockets))
		}
		l = sockets[0].Listener
	}
	body := "served by " + name
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain", "X-Backend", name))
		return wsgiref.Strings(body), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app, simpleserver.WithListener(l),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)), simpleserver.WithServerName("localhost"))
	if err != nil {
		return err
	}
	fmt.Println("ready")
	return examplecmd.Serve(l, serveForever{srv}, simpleserver.ErrServerClosed)
}

// serveForever is simpleserver's server as examplecmd serves a gateway's:
// its listener is the one given to MakeServer.
type serveForever struct{ *simpleserver.WSGIServer }

func (s serveForever) Serve(net.Listener) error { return s.ServeForever() }

// proc is a backend process.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// startBackend starts the test binary as backend name, on the activated
// socket f (as systemd passes it: descriptor 3, LISTEN_PID set by a shell
// that then execs) or, when f is nil, on reuseAddr with SO_REUSEPORT; it
// returns once the backend serves.
func startBackend(t *testing.T, name string, f *os.File, reuseAddr string) *proc {
	t.Helper()
	cmd := exec.Command("sh", "-c", `LISTEN_PID=$$ exec "$0" -test.run=^$`, os.Args[0])
	cmd.Env = append(os.Environ(), "BACKEND_NAME="+name)
	if f != nil {
		cmd.Env = append(cmd.Env, "LISTEN_FDS=1", "LISTEN_FDNAMES=web")
		cmd.ExtraFiles = []*os.File{f}
	} else {
		cmd.Env = append(cmd.Env, "BACKEND_REUSEPORT="+reuseAddr)
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan error, 1)}
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	go func() { io.Copy(io.Discard, r); p.done <- cmd.Wait() }()
	if line != "ready\n" {
		t.Fatalf("backend %s said %q (%v)", name, line, err)
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Errorf("backend %s exited with %v after SIGTERM", p.name, err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("backend %s did not exit after SIGTERM", p.name)
	}
}

// load sends GETs through the front end from several clients, until n
// requests were sent or stop is closed, counting responses per backend and
// failures (transport errors, other statuses, wrong bodies).
type load struct {
	mu       sync.Mutex
	per      map[string]int
	failures []string
	sent     atomic.Int64
}

func (l *load) run(url string, clients int, n int64, stop <-chan struct{}) {
	l.per = map[string]int{}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if l.sent.Add(1) > n {
					return
				}
				l.one(client, url)
			}
		}()
	}
	wg.Wait()
}

func (l *load) one(client *http.Client, url string) {
	resp, err := client.Get(url)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch name := ""; {
	case err != nil:
		l.failures = append(l.failures, err.Error())
	case resp.StatusCode != 200:
		l.failures = append(l.failures, resp.Status)
	case string(body) != "served by "+resp.Header.Get("X-Backend"):
		l.failures = append(l.failures, fmt.Sprintf("body %q from %q", body, name))
	default:
		l.per[resp.Header.Get("X-Backend")]++
	}
}

func (l *load) check(t *testing.T, want int64, backends ...string) {
	t.Helper()
	total := 0
	for _, c := range l.per {
		total += c
	}
	if len(l.failures) > 0 {
		t.Errorf("%d failed requests, first: %s", len(l.failures), strings.Join(l.failures[:min(3, len(l.failures))], "; "))
	}
	if want > 0 && int64(total) != want {
		t.Errorf("%d responses, want %d", total, want)
	}
	for _, b := range backends {
		if l.per[b] == 0 {
			t.Errorf("backend %s served nothing: %v", b, l.per)
		}
	}
}

// upstreamNginx proxies / to the backends on addr.
func upstreamNginx(t *testing.T, addr string) *frontend.Server {
	return frontend.Nginx(t, frontend.NginxConfig{
		HTTP:    "upstream backends { server " + addr + "; }",
		Server:  "location / { proxy_pass http://backends; }",
		Workers: 2,
	})
}

// TestTwoProcessesActivated: two simpleserver processes share one socket
// passed as systemd does, behind an nginx upstream: 10,000 requests, no
// error, both used. Then, under load, a third process starts on the same
// socket and the first shuts down: no request fails.
func TestTwoProcessesActivated(t *testing.T) {
	frontend.Require(t, "nginx")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := startBackend(t, "a", f, "")
	startBackend(t, "b", f, "")
	fe := upstreamNginx(t, l.Addr().String())

	var first load
	first.run(fe.URL("/"), 8, 10000, nil)
	first.check(t, 10000, "a", "b")
	t.Logf("10,000 requests: %v", first.per)

	var during load
	stop := make(chan struct{})
	running := make(chan struct{})
	go func() { during.run(fe.URL("/"), 8, 1<<40, stop); close(running) }()
	time.Sleep(200 * time.Millisecond)
	startBackend(t, "c", f, "")
	a.stop(t)
	time.Sleep(500 * time.Millisecond) // load on b and c only
	close(stop)
	<-running
	during.check(t, 0, "b", "c")
	t.Logf("replacing a by c under load: %d requests, %v", during.sent.Load()-8, during.per)
}

// TestTwoProcessesReusePort: two simpleserver processes listen on one port
// with SO_REUSEPORT behind an nginx upstream; the kernel spreads the
// connections: no error, both used.
func TestTwoProcessesReusePort(t *testing.T) {
	frontend.Require(t, "nginx")
	probe, err := listen.ReusePort("tcp", "127.0.0.1:0")
	if errors.Is(err, listen.ErrReusePortUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	startBackend(t, "a", nil, addr)
	startBackend(t, "b", nil, addr)
	fe := upstreamNginx(t, addr)
	var run load
	run.run(fe.URL("/"), 8, 2000, nil)
	run.check(t, 2000, "a", "b")
	t.Logf("2,000 requests: %v", run.per)
}

// TestShutdownServesNewConnection: a connection accepted before Shutdown
// whose request arrives just after it is answered, not dropped: behind a
// load balancer that connection was already given a request to pass on.
func TestShutdownServesNewConnection(t *testing.T) {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("Content-Type", "text/plain"))
		return wsgiref.Strings("ok"), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)), simpleserver.WithServerName("localhost"))
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeForever()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for srv.ActiveConns() == 0 { // accepted, waiting for its first byte
		time.Sleep(time.Millisecond)
	}
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	time.Sleep(50 * time.Millisecond) // Shutdown has begun
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response to the first request of a connection accepted before Shutdown: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "ok" || !resp.Close {
		t.Errorf("response %d %q close=%v, want 200 \"ok\" and the connection closed", resp.StatusCode, body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
