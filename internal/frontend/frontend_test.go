package frontend

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// get fetches url and returns the status code and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// assertGone checks that s's process group has no process left and that
// nothing accepts on s.Addr.
func assertGone(t *testing.T, s *Server) {
	t.Helper()
	if err := syscall.Kill(-s.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has a process after Stop (kill 0: %v)", s.cmd.Process.Pid, err)
	}
	if c, err := net.Dial("tcp", s.Addr); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Stop", s.Addr)
	}
}

func TestNginx(t *testing.T) {
	up := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream saw "+r.URL.RequestURI())
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go up.Serve(l)
	defer up.Close()

	s := Nginx(t, NginxConfig{
		HTTP: "upstream app { server " + l.Addr().String() + "; }",
		Server: `location = /hello { return 200 "hello from nginx"; }
		location /up/ { proxy_pass http://app; }`,
		Workers: 2,
	})
	// The master forks its workers after it listens: wait for both.
	var pids []int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if pids = s.Processes(); len(pids) == 3 {
			break
		}
	}
	if len(pids) != 3 || pids[0] != s.cmd.Process.Pid {
		t.Errorf("Processes() = %v, want the master and its 2 workers", pids)
	}
	if code, body := get(t, s.URL("/hello")); code != 200 || body != "hello from nginx" {
		t.Errorf("GET /hello = %d %q, want 200 %q", code, body, "hello from nginx")
	}
	if code, body := get(t, s.URL("/up/x?y=1")); code != 200 || body != "upstream saw /up/x?y=1" {
		t.Errorf("GET /up/x?y=1 = %d %q", code, body)
	}
	if code, _ := get(t, s.URL("/missing")); code != 404 {
		t.Errorf("GET /missing = %d, want 404", code)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "fastcgi_params")); err != nil {
		t.Errorf("fastcgi_params not copied next to the configuration: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s)
	if log := s.ErrorLog(); !strings.Contains(log, "exit") {
		t.Errorf("error log does not show nginx exiting:\n%s", log)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop = %v, want nil", err)
	}
}

func TestLighttpd(t *testing.T) {
	s := Lighttpd(t, `server.modules += ("mod_staticfile")`)
	if err := os.WriteFile(filepath.Join(s.Dir, "htdocs", "f.txt"), []byte("static\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, s.URL("/f.txt")); code != 200 || body != "static\n" {
		t.Errorf("GET /f.txt = %d %q, want 200 %q", code, body, "static\n")
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s)
}

// TestBadConfig checks that a configuration the front end refuses is an
// error carrying the front end's own complaint, and leaves no process.
func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name   string
		launch launch
		want   string // in the error
	}{
		{"nginx", launch{name: "nginx",
			files: func(dir string, port int) (string, string, error) {
				return nginxFiles(dir, port, NginxConfig{Server: "no_such_directive on;"})
			},
			args: func(dir, config string) []string {
				return []string{"-p", dir + "/", "-c", config, "-e", filepath.Join(dir, "error.log")}
			}}, `unknown directive "no_such_directive"`},
		{"lighttpd", launch{name: "lighttpd",
			files: func(dir string, port int) (string, string, error) {
				return lighttpdFiles(dir, port, `server.modules += ("mod_no_such_module")`)
			},
			args: func(dir, config string) []string { return []string{"-D", "-f", config} }}, "mod_no_such_module"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := Require(t, tc.name)
			s, err := startOnce(bin, t.TempDir(), tc.launch)
			if err == nil {
				s.Stop()
				t.Fatal("started with a bad configuration")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not quote the front end's complaint %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestLookPath(t *testing.T) {
	if _, err := lookPath("sh"); err != nil {
		t.Errorf("lookPath(sh) = %v", err)
	}
	if p, err := lookPath("no-such-front-end"); !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("lookPath(no-such-front-end) = %q, %v; want ErrNotFound", p, err)
	}
}

// recorder is a testing.TB that records what a helper does with it. Only
// the methods Require and start call are implemented.
type recorder struct {
	testing.TB
	real *testing.T

	mu       sync.Mutex
	failed   bool
	skipped  bool
	logs     []string
	cleanups []func()
}

func (r *recorder) Helper()                   {}
func (r *recorder) TempDir() string           { return r.real.TempDir() }
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Failed() bool              { return r.failed }
func (r *recorder) Fatal(args ...any)         { r.fail(args...); runtime.Goexit() }
func (r *recorder) Fatalf(f string, a ...any) { r.failf(f, a...); runtime.Goexit() }
func (r *recorder) Errorf(f string, a ...any) { r.failf(f, a...) }
func (r *recorder) Logf(f string, a ...any)   { r.log(f, a...) }
func (r *recorder) Skip(args ...any)          { r.skipped = true; r.log("%v", args...); runtime.Goexit() }
func (r *recorder) fail(args ...any)          { r.failed = true; r.log("%v", args...) }
func (r *recorder) failf(f string, a ...any)  { r.failed = true; r.log(f, a...) }
func (r *recorder) log(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, strings.TrimSpace(sprintf(f, a...)))
}

// run calls f with r in a goroutine of its own, as the testing package
// runs a test, so that Fatal and Skip end only f; then r's cleanups.
func (r *recorder) run(f func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestRequireMissing(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{real: t}
		r.run(func(tb testing.TB) { Require(tb, "no-such-front-end") })
		wantFail := ci == "true"
		if r.failed != wantFail || r.skipped == wantFail {
			t.Errorf("CI=%q: failed=%v skipped=%v, want failed=%v (logs %q)", ci, r.failed, r.skipped, wantFail, r.logs)
		}
		if len(r.logs) != 1 || !strings.Contains(r.logs[0], "no-such-front-end is not installed") {
			t.Errorf("CI=%q: logs %q do not give the reason", ci, r.logs)
		}
	}
}

// TestErrorLogOnFailure checks that a failing test gets the front end's
// error log, and a passing one does not.
func TestErrorLogOnFailure(t *testing.T) {
	for _, fail := range []bool{false, true} {
		r := &recorder{real: t}
		var s *Server
		r.run(func(tb testing.TB) {
			s = Nginx(tb, NginxConfig{Server: `location / { return 200 "x"; }`})
			// nginx accepts on its socket before its master has started the
			// worker and logged so; wait for that line, so that what the
			// failure attaches is known to hold it.
			for deadline := time.Now().Add(readyTimeout); !strings.Contains(s.ErrorLog(), "start worker process"); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Errorf("nginx logged no worker start in %v: %q", readyTimeout, s.ErrorLog())
					return
				}
			}
			if fail {
				tb.Errorf("the test failed")
			}
		})
		attached := false
		for _, l := range r.logs {
			if strings.Contains(l, "nginx error log") && strings.Contains(l, "start worker process") {
				attached = true
			}
		}
		if attached != fail {
			t.Errorf("test failed=%v: error log attached=%v; logs %q", fail, attached, r.logs)
		}
		assertGone(t, s)
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

func TestStartNginx(t *testing.T) {
	Require(t, "nginx")
	s, err := StartNginx(t.TempDir(), NginxConfig{Server: `location / { return 200 "program"; }`})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, s.URL("/")); code != 200 || body != "program" {
		t.Errorf("GET / = %d %q", code, body)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s)
	if _, err := StartNginx(t.TempDir(), NginxConfig{Server: "bogus_directive;"}); err == nil || !strings.Contains(err.Error(), "bogus_directive") {
		t.Errorf("bad configuration: %v", err)
	}
}
