package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A contender is one server of the load table.
type contender struct {
	// Name is the row label and the key in results.json.
	Name string
	// Ours marks our servers, the subjects of the targets.
	Ours bool
	// Memory says whether the idle-connection memory is measured (Go
	// servers that keep connections alive).
	Memory bool
	// Note goes under the table.
	Note string
	// command builds the process; file is served at /file when set.
	command func(cfg *config, file string) (*exec.Cmd, error)
}

const (
	srvSimple   = "wsgiref simpleserver"
	srvQuiet    = "wsgiref simpleserver, access log off"
	srvBridge   = "wsgiref app via net/http bridge"
	srvNetHTTP  = "net/http"
	srvFastHTTP = "fasthttp"
	srvCPython  = "CPython wsgiref.simple_server"
	srvWerkzeug = "werkzeug dev server (threaded)"
)

func goHello(kind string) func(cfg *config, file string) (*exec.Cmd, error) {
	return func(cfg *config, file string) (*exec.Cmd, error) {
		args := []string{"-server", kind}
		if file != "" {
			args = append(args, "-file", file)
		}
		if cfg.cpuprofile != "" {
			args = append(args, "-cpuprofile", cfg.cpuprofile)
		}
		return exec.Command(cfg.helloBin, args...), nil
	}
}

func pyHello(python, kind string) func(cfg *config, file string) (*exec.Cmd, error) {
	return func(cfg *config, file string) (*exec.Cmd, error) {
		if python == "" {
			python = cfg.python
		}
		py, err := exec.LookPath(python)
		if err != nil {
			return nil, fmt.Errorf("%s not found", python)
		}
		args := []string{filepath.Join(cfg.dir, "python", "hello_server.py"), kind}
		if file != "" {
			args = append(args, "--file", file)
		}
		return exec.Command(py, args...), nil
	}
}

// contenders run in this order in odd rounds and in the reverse order in
// even ones (inRoundOrder): the servers a target compares stand next to
// each other, so that the pair is measured moments apart, and each goes
// first as often as the other.
var contenders = []contender{
	{Name: srvSimple, Ours: true, Memory: true, command: goHello("simple"),
		Note: "this module's simpleserver as it ships: its own strict one-pass HTTP/1.1 request reader, keep-alive, one goroutine per connection, and CPython's access log line on stderr for every request (the like-for-like row for CPython, which logs too)."},
	{Name: srvQuiet, Ours: true, Memory: false, command: goHello("simple-quiet"),
		Note: "the same server with its access log sent to slog.DiscardHandler: the like-for-like row for net/http, which logs nothing."},
	{Name: srvFastHTTP, Memory: true, command: goHello("fasthttp"),
		Note: "fasthttp v1.66.0's server with its defaults, a handler writing the same page; logs nothing."},
	{Name: srvNetHTTP, Memory: true, command: goHello("nethttp"),
		Note: "a plain net/http handler writing the same bytes."},
	{Name: srvBridge, Ours: true, Memory: true, command: goHello("bridge"),
		Note: "the same WSGI app served by net/http through the handlers bridge."},
	{Name: srvCPython, command: pyHello("", "wsgiref"),
		Note: "measured as it is: single-threaded, HTTP/1.0, closes every connection (the driver reconnects; connect time counts), logs every request to stderr, listen backlog 5."},
	{Name: srvWerkzeug, command: pyHello("/usr/bin/python3", "werkzeug"),
		Note: "Debian's python3-werkzeug under /usr/bin/python3, threaded=True; it sends Connection: close on every response, so it too is measured reconnecting; logs every request."},
}

// A process is a running server.
type process struct {
	cmd    *exec.Cmd
	addr   string
	stderr *os.File
	done   chan struct{}
}

// errNotBuilt marks a Go contender whose package has not landed yet.
var errNotBuilt = errors.New("not built yet")

// start runs a contender and waits for its LISTEN line.
func start(ctx context.Context, cfg *config, c contender, file string) (*process, error) {
	cmd, err := c.command(cfg, file)
	if err != nil {
		return nil, err
	}
	// stderr goes to a file, not a pipe: a server logging every request
	// must not make this process (the load driver's) copy its log.
	errFile, err := os.CreateTemp(cfg.tmp, "stderr-*")
	if err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, stderr: errFile, done: make(chan struct{})}
	cmd.Stderr = errFile
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTEN "); ok {
				line <- a
				break
			}
		}
		line <- ""
		for sc.Scan() { // drain, so the child never blocks on stdout
		}
	}()
	select {
	case a := <-line:
		if a != "" {
			p.addr = a
			return p, nil
		}
	case <-time.After(20 * time.Second):
	case <-ctx.Done():
	}
	p.cmd.Process.Kill()
	<-p.done
	msg := strings.TrimSpace(p.errors())
	p.stop()
	if strings.Contains(msg, "unknown server") {
		return nil, fmt.Errorf("%s: %w", c.Name, errNotBuilt)
	}
	return nil, fmt.Errorf("%s did not start: %s", c.Name, tail(msg, 500))
}

// stop interrupts the server (so a Go server writes its profile) and
// kills it if it lingers.
func (p *process) stop() {
	defer func() {
		p.stderr.Close()
		os.Remove(p.stderr.Name())
	}()
	if p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// errors returns the start of the server's stderr, to explain a failed
// start.
func (p *process) errors() string {
	b := make([]byte, 2048)
	n, _ := p.stderr.ReadAt(b, 0)
	return string(b[:n])
}
