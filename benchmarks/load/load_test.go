package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:80", true},
		{"127.9.9.9:80", true},
		{"[::1]:8080", true},
		{"localhost:8000", true},
		{"10.0.0.1:80", false},
		{"example.com:80", false},
		{"0.0.0.0:80", false},
		{"127.0.0.1", false}, // no port
	} {
		err := CheckLoopback(c.addr)
		if (err == nil) != c.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok=%v", c.addr, err, c.ok)
		}
	}
	if _, err := Run(context.Background(), Config{Addr: "192.0.2.1:80", Requests: 1, Duration: time.Second}); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("Run on a remote address: %v, want ErrNotLoopback", err)
	}
	if _, err := Run(context.Background(), Config{Addr: "127.0.0.1:1"}); err == nil {
		t.Error("Run without bounds: no error")
	}
}

func TestReadResponse(t *testing.T) {
	for _, c := range []struct {
		name, in string
		status   int
		keep     bool
		body     int64
		err      bool
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, true, 5, false},
		{"close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi", 200, false, 2, false},
		{"http10", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", 200, false, 2, false},
		{"http10 keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nhi", 200, true, 2, false},
		{"to eof", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world", 200, false, 11, false},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n", 200, true, 11, false},
		{"no body 204", "HTTP/1.1 204 No Content\r\n\r\n", 204, true, 0, false},
		{"404", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 404, true, 0, false},
		{"LF only", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", 200, true, 1, false},
		{"garbage", "SSH-2.0-OpenSSH\r\n", 0, false, 0, true},
		{"bad code", "HTTP/1.1 2x0 OK\r\n\r\n", 0, false, 0, true},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 200, true, 0, true},
		{"no colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", 200, true, 0, true},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 200, true, 3, true},
		{"cut headers", "HTTP/1.1 200 OK\r\nContent-Le", 200, true, 0, true},
		{"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 200, true, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := readResponse(bufio.NewReader(strings.NewReader(c.in)))
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v", err, c.err)
			}
			if r.status != c.status || r.body != c.body || (!c.err && r.keep != c.keep) {
				t.Errorf("got status %d keep %v body %d, want %d %v %d", r.status, r.keep, r.body, c.status, c.keep, c.body)
			}
		})
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
	f.Add("HTTP/1.0 200 OK\r\n\r\nbody")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := readResponse(bufio.NewReader(strings.NewReader(in)))
		if err == nil && (r.status < 0 || r.status > 999 || r.body < 0 || r.body > int64(len(in))) {
			t.Errorf("impossible result %+v for %q", r, in)
		}
	})
}

func quick(addr string, n, conns int) Config {
	return Config{Addr: addr, Requests: n, Conns: conns, Duration: 10 * time.Second, Timeout: 2 * time.Second}
}

func TestRunKeepAlive(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Hello world!\n"))
	}))
	defer srv.Close()
	res, err := Run(context.Background(), quick(srv.Listener.Addr().String(), 300, 4))
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 300 || res.Errors != 0 || res.Non2xx != 0 {
		t.Fatalf("result %+v", res)
	}
	// A connection dials on its first request; on a loaded machine a
	// worker may find every request taken before it runs, so fewer than 4
	// may dial. None may dial twice.
	if res.Dials < 1 || res.Dials > 4 || !res.KeptAlive() {
		t.Errorf("dials = %d, want at most one per connection (4)", res.Dials)
	}
	if res.BodyBytes != 300*13 {
		t.Errorf("body bytes = %d, want %d", res.BodyBytes, 300*13)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 || res.RPS() <= 0 {
		t.Errorf("latencies/throughput out of order: %+v", res)
	}
}

func TestRunChunkedAnd404(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("part one,"))
		w.(http.Flusher).Flush() // no Content-Length: chunked
		w.Write([]byte("part two"))
	}))
	defer srv.Close()
	res, _ := Run(context.Background(), quick(srv.Listener.Addr().String(), 50, 2))
	if res.Requests != 50 || res.Errors != 0 || res.BodyBytes != 50*17 || res.Dials != 2 {
		t.Errorf("chunked: %+v", res)
	}
	cfg := quick(srv.Listener.Addr().String(), 10, 1)
	cfg.Path = "/missing"
	res, _ = Run(context.Background(), cfg)
	if res.Requests != 10 || res.Non2xx != 10 {
		t.Errorf("404s: %+v", res)
	}
}

// closingServer answers like CPython's wsgiref.simple_server: HTTP/1.0,
// one response per connection, then close.
func closingServer(t *testing.T, reply string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for { // read the request head
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				c.Write([]byte(reply))
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestRunReconnects(t *testing.T) {
	ln := closingServer(t, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello world!\n")
	res, _ := Run(context.Background(), quick(ln.Addr().String(), 100, 3))
	if res.Requests != 100 || res.Errors != 0 || res.Dials != 100 || res.KeptAlive() {
		t.Errorf("HTTP/1.0 server: %+v", res)
	}
}

func TestRunBadServerKeepsGoing(t *testing.T) {
	ln := closingServer(t, "this is not HTTP\r\n")
	res, err := Run(context.Background(), quick(ln.Addr().String(), 30, 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 0 || res.Errors == 0 || !strings.Contains(res.FirstError, "malformed") {
		t.Errorf("garbage server: %+v", res)
	}
}

func TestRunRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	res, err := Run(context.Background(), quick(addr, 1000, 2))
	if err != nil || res.Requests != 0 || res.Errors == 0 || res.Errors > 40 {
		t.Errorf("refused: %+v %v (want a bounded number of errors)", res, err)
	}
}

func TestRunDurationBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
	}))
	defer srv.Close()
	cfg := quick(srv.Listener.Addr().String(), 1<<30, 2)
	cfg.Duration = 150 * time.Millisecond
	start := time.Now()
	res, _ := Run(context.Background(), cfg)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("run took %v with a 150ms bound", took)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Errorf("duration-bound run: %+v", res)
	}
}

func TestOpenIdleAndRSS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	idle, err := OpenIdle(context.Background(), srv.Listener.Addr().String(), "/", 20)
	if err != nil {
		t.Fatal(err)
	}
	if idle.Len() != 20 {
		t.Errorf("Len = %d", idle.Len())
	}
	idle.Close()
	ln := closingServer(t, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
	if _, err := OpenIdle(context.Background(), ln.Addr().String(), "/", 2); err == nil {
		t.Error("OpenIdle on a closing server: no error")
	}
	rss, err := RSS(os.Getpid())
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if rss < 1<<20 || rss > 1<<40 {
		t.Errorf("RSS of the test process = %d bytes", rss)
	}
	if _, err := RSS(-1); err == nil {
		t.Error("RSS(-1): no error")
	}
	before, err := CPUTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the kernel has charged 20ms more, or give up after 5s
	// of wall time (a busy machine may leave this process little CPU).
	after := before
	for end := time.Now().Add(5 * time.Second); after < before+20*time.Millisecond && time.Now().Before(end); {
		for spin := time.Now().Add(5 * time.Millisecond); time.Now().Before(spin); {
		}
		if after, err = CPUTime(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
	if after < before+20*time.Millisecond {
		t.Errorf("CPUTime went from %v to %v after up to 5s of spinning", before, after)
	}
	if _, err := CPUTime(-1); err == nil {
		t.Error("CPUTime(-1): no error")
	}
}

func ExampleRun() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Hello world!\n"))
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{
		Addr:     srv.Listener.Addr().String(),
		Conns:    2,
		Requests: 100,
		Duration: 5 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Requests, "responses,", res.Errors, "errors, kept alive:", res.KeptAlive())
	// Output: 100 responses, 0 errors, kept alive: true
}

// A server that never accepts leaves the requests in its listen queue:
// the run still ends on time and their wait shows in the latencies.
func TestRunStarvedConnectionsEndOnTime(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // never accepted
	cfg := quick(ln.Addr().String(), 1000, 4)
	cfg.Duration = 200 * time.Millisecond
	start := time.Now()
	res, err := Run(context.Background(), cfg)
	if took := time.Since(start); took > time.Second {
		t.Errorf("run took %v with a 200ms bound and a 2s timeout", took)
	}
	if err != nil || res.Requests != 0 || res.Cut != 4 || res.Errors != 0 {
		t.Errorf("starved: %+v %v", res, err)
	}
	if res.P50 < 150*time.Millisecond || res.Max > time.Second {
		t.Errorf("latencies of the starved requests: p50 %v max %v, want about the run time", res.P50, res.Max)
	}
}

// The driver must not compete with the server it measures: reading a
// response allocates nothing.
func BenchmarkReadResponse(b *testing.B) {
	resp := "HTTP/1.1 200 OK\r\nDate: Sat, 21 Nov 2026 09:51:13 GMT\r\nServer: WSGIServer/0.2 Go/1.26.8\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello world!\n"
	sr := strings.NewReader(resp)
	br := bufio.NewReader(sr)
	b.ReportAllocs()
	for b.Loop() {
		sr.Reset(resp)
		br.Reset(sr)
		if r, err := readResponse(br); err != nil || r.body != 13 {
			b.Fatal(r, err)
		}
	}
}

func TestReadResponseAllocs(t *testing.T) {
	resp := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello world!\n"
	sr := strings.NewReader(resp)
	br := bufio.NewReader(sr)
	if n := testing.AllocsPerRun(100, func() {
		sr.Reset(resp)
		br.Reset(sr)
		readResponse(br)
	}); n != 0 {
		t.Errorf("readResponse: %v allocs per response, want 0", n)
	}
}

// TestRunPipelinedFields: 16 requests per write, each with the extra
// fields, all answered on the same connections.
func TestRunPipelinedFields(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-A") != "1" || len(r.Header["X-B"]) != 2 {
			w.WriteHeader(400)
		}
		mu.Lock()
		seen++
		mu.Unlock()
		w.Write([]byte("Hello world!\n"))
	}))
	defer srv.Close()
	cfg := quick(srv.Listener.Addr().String(), 320, 2)
	cfg.Pipeline = 16
	cfg.Fields = []string{"X-A: 1", "X-B: 2", "X-B: 3"}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 320 || res.Errors != 0 || res.Non2xx != 0 || res.Dials != 2 {
		t.Fatalf("result %+v", res)
	}
	if res.BodyBytes != 320*13 || seen != 320 {
		t.Errorf("body bytes %d, server saw %d requests; want %d and 320", res.BodyBytes, seen, 320*13)
	}
}

// TestRunDistinct: with Distinct, each request of a connection carries
// its own X-Request-Id, the connection's count so far, pipelined batches
// included, before the extra fields; without it, none.
func TestRunDistinct(t *testing.T) {
	for _, distinct := range []bool{true, false} {
		var mu sync.Mutex
		ids := map[string][]string{} // by connection
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-A") != "1" {
				w.WriteHeader(400)
			}
			mu.Lock()
			ids[r.RemoteAddr] = append(ids[r.RemoteAddr], r.Header.Get("X-Request-Id"))
			mu.Unlock()
			w.Write([]byte("Hello world!\n"))
		}))
		cfg := quick(srv.Listener.Addr().String(), 80, 2)
		cfg.Pipeline, cfg.Distinct, cfg.Fields = 4, distinct, []string{"X-A: 1"}
		res, err := Run(context.Background(), cfg)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests != 80 || res.Errors != 0 || res.Non2xx != 0 {
			t.Fatalf("distinct %v: result %+v", distinct, res)
		}
		seen := 0
		for conn, got := range ids {
			seen += len(got)
			for i, id := range got {
				want := ""
				if distinct {
					want = fmt.Sprintf("%08d", i)
				}
				if id != want {
					t.Errorf("distinct %v: connection %s, request %d: X-Request-Id %q, want %q", distinct, conn, i, id, want)
					break
				}
			}
		}
		if seen != 80 {
			t.Errorf("distinct %v: the server saw %d requests, want 80", distinct, seen)
		}
	}
}

func TestPutDigits(t *testing.T) {
	for n, want := range map[uint64]string{0: "00000000", 7: "00000007", 12345678: "12345678", 123456789: "23456789"} {
		b := make([]byte, idDigits)
		if putDigits(b, n); string(b) != want {
			t.Errorf("putDigits(%d) = %q, want %q", n, b, want)
		}
	}
}
