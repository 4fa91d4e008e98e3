package stress

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DriveConfig says how hard and how long [Drive] pushes.
type DriveConfig struct {
	Addr  string // host:port of the server
	Conns int    // keep-alive connections, one goroutine each
	// Requests is the total to send over all connections; 0 means no
	// bound: each connection goes on until the server stops answering it
	// and refuses a new one (a shutdown run), or ctx ends.
	Requests int64
	Seed     uint64        // seeds each connection's traffic (seed, connection index)
	Timeout  time.Duration // per request; a response slower than this is an error. 0 means 30 s
}

// maxRecorded bounds the error descriptions a Tally keeps.
const maxRecorded = 20

// Tally counts what the clients saw. Every request sent ends in exactly one
// of Complete, Refused or Failed.
type Tally struct {
	Sent     atomic.Int64 // requests whose first byte was written
	Complete atomic.Int64 // responses read to the end and verified byte for byte
	// Refused counts requests whose connection ended before any byte of
	// the response arrived: the server did not take them.
	Refused atomic.Int64
	// Failed counts everything else: a response cut after its first byte,
	// a wrong status, header, length or body byte, a timeout.
	Failed     atomic.Int64
	BytesOut   atomic.Int64 // request bytes written
	BytesIn    atomic.Int64 // response bytes read
	Dials      atomic.Int64 // connections opened
	DialFailed atomic.Int64 // dials refused (expected only after a shutdown)

	mu     sync.Mutex
	errors []string
}

// Errors returns the first descriptions of failed requests.
func (t *Tally) Errors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errors...)
}

func (t *Tally) fail(format string, args ...any) {
	t.Failed.Add(1)
	t.mu.Lock()
	if len(t.errors) < maxRecorded {
		t.errors = append(t.errors, fmt.Sprintf(format, args...))
	}
	t.mu.Unlock()
}

// Drive runs the load of cfg against a server and returns when every
// connection's goroutine has finished, with all its sockets closed.
func Drive(ctx context.Context, cfg DriveConfig, t *Tally) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	var claimed atomic.Int64
	claim := func() bool {
		return ctx.Err() == nil && (cfg.Requests == 0 || claimed.Add(1) <= cfg.Requests)
	}
	var wg sync.WaitGroup
	for i := range cfg.Conns {
		wg.Go(func() {
			w := worker{cfg: &cfg, t: t, rnd: rand.New(rand.NewPCG(cfg.Seed, uint64(i))), id: i}
			w.run(claim)
		})
	}
	wg.Wait()
}

// worker is one client connection and the state it reuses per request.
type worker struct {
	cfg  *DriveConfig
	t    *Tally
	rnd  *rand.Rand
	id   int
	conn net.Conn
	cr   countingReader
	br   *bufio.Reader
	bw   *bufio.Writer
	body bytes.Buffer
}

// run sends requests while claim allows, reopening the connection when the
// server closes it, and stops when a dial is refused.
func (w *worker) run(claim func() bool) {
	defer w.close()
	for n := 0; claim(); n++ {
		if w.conn == nil && !w.dial() {
			return
		}
		req := NextRequest(w.rnd)
		keep := w.do(req, n)
		if !keep {
			w.close()
		}
	}
}

func (w *worker) dial() bool {
	c, err := net.Dial("tcp", w.cfg.Addr)
	if err != nil {
		w.t.DialFailed.Add(1)
		return false
	}
	w.t.Dials.Add(1)
	w.conn = c
	w.cr = countingReader{r: c}
	if w.br == nil {
		w.br = bufio.NewReaderSize(&w.cr, 16<<10)
		w.bw = bufio.NewWriterSize(c, 16<<10)
	} else {
		w.br.Reset(&w.cr)
		w.bw.Reset(c)
	}
	return true
}

func (w *worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// do sends one request and classifies its outcome; it reports whether the
// connection may carry the next request.
func (w *worker) do(req Request, n int) bool {
	t := w.t
	t.Sent.Add(1)
	w.conn.SetDeadline(time.Now().Add(w.cfg.Timeout))
	start := w.cr.n
	resp, err := w.exchange(req)
	t.BytesIn.Add(w.cr.n - start)
	if err != nil {
		var ne net.Error
		switch {
		case w.cr.n == start && !(errors.As(err, &ne) && ne.Timeout()):
			t.Refused.Add(1)
		default:
			t.fail("conn %d request %d %+v: after %d response bytes: %v", w.id, n, req, w.cr.n-start, err)
		}
		return false
	}
	if msg := verify(req, resp, w.body.Bytes()); msg != "" {
		t.fail("conn %d request %d %+v: %s", w.id, n, req, msg)
		return false
	}
	t.Complete.Add(1)
	return !resp.Close
}

// exchange writes the request and reads the whole response into w.body.
func (w *worker) exchange(req Request) (*http.Response, error) {
	if w.br.Buffered() != 0 {
		return nil, fmt.Errorf("%d stray bytes before the response", w.br.Buffered())
	}
	writeHead(w.bw, req)
	if req.Expect {
		if err := w.flush(); err != nil {
			return nil, err
		}
		resp, err := http.ReadResponse(w.br, nil)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusContinue {
			return nil, fmt.Errorf("status %q before the body, want 100", resp.Status)
		}
	}
	writeBody(w.bw, req)
	// A failed write still reads: what the server sent before it closed
	// decides whether the request was refused or cut.
	werr := w.flush()
	resp, err := http.ReadResponse(w.br, nil)
	if err != nil {
		return nil, errors.Join(err, werr)
	}
	w.body.Reset()
	_, err = w.body.ReadFrom(resp.Body)
	return resp, err
}

func (w *worker) flush() error {
	n := w.bw.Buffered()
	err := w.bw.Flush()
	w.t.BytesOut.Add(int64(n - w.bw.Buffered()))
	return err
}

// verify checks a response against what its request must produce and
// returns what is wrong, or "".
func verify(req Request, resp *http.Response, body []byte) string {
	want := req.Body()
	switch {
	case resp.StatusCode != http.StatusOK:
		return "status " + resp.Status
	case req.ChunkedReply && (len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked"):
		return fmt.Sprintf("multi-block answer framed %v, want chunked", resp.TransferEncoding)
	case !req.ChunkedReply && resp.ContentLength != int64(len(want)):
		return fmt.Sprintf("Content-Length %d, want %d", resp.ContentLength, len(want))
	case !bytes.Equal(body, want):
		return fmt.Sprintf("body differs at byte %d (%d bytes, want %d)", firstDiff(body, want), len(body), len(want))
	}
	if req.Kind == KindGet {
		return ""
	}
	if got, wantLen := resp.Header.Get(HeaderLength), strconv.Itoa(len(want)); got != wantLen {
		return HeaderLength + " " + got + ", want " + wantLen
	}
	if got, wantCRC := resp.Header.Get(HeaderCRC), crcHex(crc32.Checksum(want, Castagnoli)); got != wantCRC {
		return HeaderCRC + " " + got + ", want " + wantCRC
	}
	return ""
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// countingReader counts the bytes read from the socket: a response that
// failed after zero of them was refused, after one or more it was cut.
type countingReader struct {
	r net.Conn
	n int64
}

// Read reads from the socket and counts what arrived.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
