package stress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNoLighttpd is RunCGI's error when lighttpd is not installed.
var ErrNoLighttpd = errors.New("lighttpd not installed (apt-get install -y lighttpd)")

// cgiPackage is the CGI program under test, built fresh for each run.
const cgiPackage = "github.com/gowsgi/wsgiref/examples/cgi"

// maxCGIBody bounds the POST bodies of a CGI run: every request starts a
// process, so size buys nothing the load run does not already cover.
const maxCGIBody = 16 << 10

// CGIConfig is the size of a CGI run.
type CGIConfig struct {
	Requests int
	Clients  int
	Seed     uint64
	Dir      string // scratch directory for the binary, config and logs
}

// CGIFigures is what a CGI run measured. Problems lists every check that
// failed; a clean run has none.
type CGIFigures struct {
	Config           CGIConfig
	Elapsed          time.Duration
	Complete, Failed int64
	Errors           []string
	Problems         []string
}

// FindLighttpd returns the lighttpd binary or ErrNoLighttpd.
func FindLighttpd() (string, error) {
	for _, name := range []string{"lighttpd", "/usr/sbin/lighttpd"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoLighttpd
}

// RunCGI builds examples/cgi, serves it through lighttpd's mod_cgi on a
// free loopback port and sends cfg.Requests requests from cfg.Clients
// concurrent keep-alive clients: GETs whose variables the program echoes,
// POSTs whose body it echoes after them, and its streamed answer. Every
// response must be complete and equal, byte for byte, to what the program
// writes for that request.
func RunCGI(cfg CGIConfig) (CGIFigures, error) {
	f := CGIFigures{Config: cfg}
	lighttpd, err := FindLighttpd()
	if err != nil {
		return f, err
	}
	bin := filepath.Join(cfg.Dir, "app.cgi")
	if out, err := exec.Command(goTool(), "build", "-o", bin, cgiPackage).CombinedOutput(); err != nil {
		return f, fmt.Errorf("go build %s: %v\n%s", cgiPackage, err, out)
	}
	addr, stop, err := startLighttpd(lighttpd, cfg.Dir)
	if err != nil {
		return f, err
	}
	defer stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var t Tally
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.Clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
			for n := next.Add(1); n <= int64(cfg.Requests); n = next.Add(1) {
				c := nextCGIRequest(rnd, n)
				if msg := c.do(client, "http://"+addr+"/app.cgi"); msg != "" {
					t.fail("request %d %s %s: %s", n, c.method, c.path, msg)
				} else {
					t.Complete.Add(1)
				}
			}
		})
	}
	wg.Wait()
	f.Elapsed = time.Since(start)
	f.Complete, f.Failed, f.Errors = t.Complete.Load(), t.Failed.Load(), t.Errors()
	if f.Failed != 0 {
		f.Problems = append(f.Problems, fmt.Sprintf("%d of %d responses incomplete or wrong: %v", f.Failed, cfg.Requests, f.Errors))
	}
	if f.Complete != int64(cfg.Requests) {
		f.Problems = append(f.Problems, fmt.Sprintf("%d of %d responses complete", f.Complete, cfg.Requests))
	}
	return f, nil
}

// goTool returns the go command that runs this program's build.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// startLighttpd runs lighttpd in the foreground with mod_cgi serving dir,
// waits until it accepts connections, and returns its address and a stop
// function.
func startLighttpd(lighttpd, dir string) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	// The idle limit is raised so that a client between two requests is
	// never closed on mid-send; that race belongs to HTTP, not to CGI.
	conf := fmt.Sprintf(`server.document-root = %q
server.bind = "127.0.0.1"
server.port = %d
server.modules = ("mod_cgi")
server.errorlog = %q
server.max-keep-alive-idle = 60
server.max-keep-alive-requests = 0
cgi.assign = (".cgi" => "")
`, dir, port, filepath.Join(dir, "error.log"))
	confPath := filepath.Join(dir, "lighttpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(lighttpd, "-D", "-f", confPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	up := waitFor(10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	if !up {
		stop()
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return "", nil, fmt.Errorf("lighttpd did not start: %s\n%s", out.String(), log)
	}
	return addr, stop, nil
}

// cgiRequest is one request to the CGI program and the exact body it must
// answer.
type cgiRequest struct {
	method, path, query, demo string
	body                      []byte
	want                      []byte
}

// nextCGIRequest draws a request: a quarter streamed answers, the rest
// GETs and POSTs with distinct paths, queries and bodies.
func nextCGIRequest(r *rand.Rand, n int64) cgiRequest {
	id := strconv.FormatInt(n, 10)
	switch r.IntN(4) {
	case 0:
		return cgiRequest{method: "GET", path: "/stream", want: []byte("one\ntwo\nthree\n")}
	case 1:
		c := cgiRequest{method: "GET", path: "/p" + id, query: "q=" + id, demo: "d" + id}
		c.want = c.echo("")
		return c
	}
	size := r.IntN(maxCGIBody + 1)
	off := r.IntN(len(Pattern) - size + 1)
	c := cgiRequest{method: "POST", path: "/p" + id, body: Pattern[off : off+size]}
	c.want = append(c.echo("application/octet-stream"), c.body...)
	return c
}

// echo is what examples/cgi writes before the body: its echoKeys, one
// "KEY=value" line each.
func (c cgiRequest) echo(contentType string) []byte {
	return []byte("REQUEST_METHOD=" + c.method + "\nSCRIPT_NAME=/app.cgi\nPATH_INFO=" + c.path +
		"\nQUERY_STRING=" + c.query + "\nCONTENT_TYPE=" + contentType + "\nHTTP_X_DEMO=" + c.demo + "\n")
}

// do sends the request and returns what is wrong with the answer, or "".
func (c cgiRequest) do(client *http.Client, base string) string {
	u := base + c.path
	if c.query != "" {
		u += "?" + c.query
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, c.method, u, bytes.NewReader(c.body))
	if err != nil {
		return err.Error()
	}
	if c.method == "POST" {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	if c.demo != "" {
		req.Header.Set("X-Demo", c.demo)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	// ReadAll fails on a body short of its Content-Length or missing its
	// last chunk: that is how a cut response shows.
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return fmt.Sprintf("after %d body bytes: %v", len(body), err)
	case resp.StatusCode != http.StatusOK:
		return "status " + resp.Status
	case resp.ContentLength >= 0 && resp.ContentLength != int64(len(body)):
		return fmt.Sprintf("Content-Length %d, body %d", resp.ContentLength, len(body))
	case !bytes.Equal(body, c.want):
		return fmt.Sprintf("body differs at byte %d (%d bytes, want %d)", firstDiff(body, c.want), len(body), len(c.want))
	}
	return ""
}
