package frontend

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a front end started by [Nginx] or [Lighttpd]. Its fields are
// fixed once it runs; it is stopped by [Server.Stop] or when the test ends.
type Server struct {
	// Name is the front end's binary name: "nginx" or "lighttpd".
	Name string
	// Addr is the "127.0.0.1:port" address it accepts HTTP on.
	Addr string
	// Dir is its private directory: configuration, pid file, logs, temp
	// files. It is removed when the test ends.
	Dir string
	// ConfigFile is the configuration it runs with, inside Dir.
	ConfigFile string
	// TLS is nil for a front end that speaks plain HTTP. For one started
	// with TLS it is a client configuration trusting the front end's
	// self-signed certificate (and nothing else): give it to an
	// http.Transport, or use [Server.Client].
	TLS *tls.Config

	errorLog string // path of the front end's error log
	stderr   string // path of the file its stdout and stderr go to

	cmd      *exec.Cmd
	exited   chan struct{} // closed when cmd.Wait returns
	waitErr  error         // cmd.Wait's result, valid once exited is closed
	stopOnce sync.Once
}

// URL returns the URL of path on the front end: https when it was started
// with TLS, else http.
//
// For example, with Addr "127.0.0.1:40123", URL("/app/x?y=1") is
// "http://127.0.0.1:40123/app/x?y=1".
func (s *Server) URL(path string) string {
	if s.TLS != nil {
		return "https://" + s.Addr + path
	}
	return "http://" + s.Addr + path
}

// Client returns an HTTP client for the front end: for a TLS one, it
// trusts the front end's certificate. It keeps no connection between
// tests: each call makes a new transport.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: s.TLS}, Timeout: 30 * time.Second}
}

// ErrorLog returns what the front end has written so far to its error log,
// followed by anything it printed on stdout or stderr.
func (s *Server) ErrorLog() string {
	var b bytes.Buffer
	if data, err := os.ReadFile(s.errorLog); err == nil {
		b.Write(data)
	}
	if data, err := os.ReadFile(s.stderr); err == nil && len(data) > 0 {
		b.WriteString("--- stdout/stderr:\n")
		b.Write(data)
	}
	return b.String()
}

// stopTimeout is how long Stop waits after SIGTERM before it kills.
const stopTimeout = 5 * time.Second

// Stop ends the front end and every process it forked: SIGTERM to its
// process group, then SIGKILL if it has not exited after a few seconds.
// It reports how the front end had exited if that was not by Stop's signal.
// Calling it again does nothing and returns nil.
func (s *Server) Stop() error {
	var err error
	s.stopOnce.Do(func() {
		select {
		case <-s.exited:
			err = fmt.Errorf("%s had exited before Stop: %v", s.Name, s.waitErr)
			return
		default:
		}
		pgid := s.cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
			err = fmt.Errorf("%s did not exit on SIGTERM within %v; killed", s.Name, stopTimeout)
		}
		// A worker may outlive its master by a moment; the group goes too.
		syscall.Kill(-pgid, syscall.SIGKILL)
	})
	return err
}

// launch says how to start one kind of front end.
type launch struct {
	name string
	// tls asks for a certificate in the directory before files runs.
	tls bool
	// files writes the configuration for port into dir and returns its
	// path and the error log's path.
	files func(dir string, port int) (config, errorLog string, err error)
	// args are the command-line arguments for the configuration file.
	args func(dir, config string) []string
}

// readyTimeout bounds the wait for a front end to accept connections.
const readyTimeout = 10 * time.Second

// portAttempts is how many free ports start tries: between choosing a port
// and the front end binding it, another process may take it.
const portAttempts = 5

// errAddrInUse marks a start that failed because the port was taken.
var errAddrInUse = errors.New("address already in use")

// start runs the front end described by l in a temporary directory of t's
// and registers its stop with t.Cleanup; if t fails, the error log is
// logged. It fails t when the front end does not come up.
func start(t testing.TB, l launch) *Server {
	t.Helper()
	bin := Require(t, l.name)
	s, err := startRetrying(bin, func() (string, error) { return t.TempDir(), nil }, l)
	if err != nil {
		t.Fatalf("frontend: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("frontend: %v", err)
		}
		if t.Failed() {
			t.Logf("%s error log (%s):\n%s", s.Name, s.ConfigFile, s.ErrorLog())
		}
	})
	return s
}

// startRetrying is startOnce on a fresh directory from newDir, again on
// another port when the chosen one was taken meanwhile.
func startRetrying(bin string, newDir func() (string, error), l launch) (*Server, error) {
	var err error
	for attempt := 0; attempt < portAttempts; attempt++ {
		var dir string
		if dir, err = newDir(); err != nil {
			return nil, err
		}
		var s *Server
		if s, err = startOnce(bin, dir, l); err == nil || !errors.Is(err, errAddrInUse) {
			return s, err
		}
	}
	return nil, err
}

// startProgram is start for a program that is not a test: the front end
// runs in subdirectories of dir, a missing binary is an error, and the
// caller stops it.
func startProgram(dir string, l launch) (*Server, error) {
	bin, err := lookPath(l.name)
	if err != nil {
		return nil, fmt.Errorf("%s is not installed (apt-get install -y %s)", l.name, l.name)
	}
	return startRetrying(bin, func() (string, error) { return os.MkdirTemp(dir, l.name+"-") }, l)
}

// startOnce starts the front end on a free port and waits until it accepts
// connections. On failure the process is gone and the error carries the
// front end's log.
func startOnce(bin, dir string, l launch) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	var client *tls.Config
	if l.tls {
		if client, err = writeCertificate(dir); err != nil {
			return nil, err
		}
	}
	config, errorLog, err := l.files(dir, port)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Name:       l.name,
		Addr:       net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Dir:        dir,
		ConfigFile: config,
		TLS:        client,
		errorLog:   errorLog,
		stderr:     filepath.Join(dir, "stderr.log"),
		exited:     make(chan struct{}),
	}
	out, err := os.Create(s.stderr)
	if err != nil {
		return nil, err
	}
	defer out.Close() // the child has its own descriptor
	s.cmd = exec.Command(bin, l.args(dir, config)...)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = out, out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", l.name, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		s.Stop()
		log := s.ErrorLog()
		if bytes.Contains([]byte(log), []byte("Address already in use")) {
			err = fmt.Errorf("%w: %v", errAddrInUse, err)
		}
		return nil, fmt.Errorf("%s on %s: %w\n%s error log:\n%s", l.name, s.Addr, err, l.name, log)
	}
	return s, nil
}

// waitReady polls s.Addr until a connection succeeds, the process exits or
// readyTimeout passes.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("exited during start: %v", s.waitErr)
		default:
		}
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not accepting connections after %v: %v", readyTimeout, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Processes returns the process ids of the front end: its main process
// first, then the processes it forked (nginx's workers), as Linux lists
// them in /proc/<pid>/task/<pid>/children. A benchmark reads their CPU time.
func (s *Server) Processes() []int {
	pid := s.cmd.Process.Pid
	pids := []int{pid}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return pids
	}
	for _, f := range bytes.Fields(data) {
		if n, err := strconv.Atoi(string(f)); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}
