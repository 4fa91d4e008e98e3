// Package load is a small HTTP/1.1 load driver for the benchmark report:
// a fixed number of connections, each sending GET requests one after the
// other, bounded both in requests and in time, to loopback addresses only.
//
// It reuses a connection while the server keeps it alive and reconnects
// when the server closes it (CPython's wsgiref.simple_server answers with
// HTTP/1.0 and closes every connection), so the same driver measures
// keep-alive and one-request-per-connection servers; the connect time of a
// reconnect counts in the latency of the request that needed it.
//
// The response reader is hand-written over bufio (status line, headers,
// Content-Length, chunked or read-to-close bodies) so that the driver
// allocates nothing per request and leaves the CPU to the server it
// measures.
package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to load and for how long. Run stops at whichever of
// Requests and Duration comes first.
type Config struct {
	// Addr is the server's host:port; the host must be a loopback address
	// or "localhost".
	Addr string
	// Path is the request target; "/" when empty.
	Path string
	// Conns is the number of concurrent connections; 1 when zero.
	Conns int
	// Requests caps the number of requests in all; required.
	Requests int
	// Duration caps the run time; required.
	Duration time.Duration
	// Timeout bounds each request (connect, write, read); 5s when zero.
	Timeout time.Duration
	// Fields are extra request field lines ("Name: value"), sent after
	// Host and User-Agent in this order.
	Fields []string
	// Pipeline is the number of requests written at once on a
	// connection before the responses are read (HTTP/1.1 pipelining);
	// 1 when zero. Each request of a batch counts, with the batch's
	// latency.
	Pipeline int
	// Distinct makes no two requests of a connection alike, as a real
	// client's successive requests differ: each carries an X-Request-Id
	// field, after User-Agent and before Fields, whose value counts the
	// requests its worker wrote before it, eight digits
	// ("X-Request-Id: 00000007" on its eighth; a reconnect carries on
	// counting). A server that recognises a head equal to the one before
	// it then parses every request in full.
	Distinct bool
}

// idDigits is the width of a Distinct request's X-Request-Id value; the
// count wraps at 10^8.
const idDigits = 8

// Result is what one run measured.
type Result struct {
	// Requests is the number of complete responses; Non2xx of them had a
	// status outside 200-299.
	Requests, Non2xx int
	// Errors counts requests that failed (refused, reset, timed out,
	// malformed response); the connection is dropped and redialled.
	Errors int
	// Cut counts the requests in flight when the time bound ended the
	// run. Their wait until then is part of the latencies (a lower bound
	// of their latency), so a server that leaves connections waiting in
	// its listen queue shows it in P99 and Max.
	Cut int
	// Dials counts connections opened, the first of each worker included.
	Dials int
	// BodyBytes is the total of response body bytes read.
	BodyBytes int64
	// Elapsed is the wall time from the first request to the last
	// response.
	Elapsed time.Duration
	// P50, P99 and Max are latencies of the successful requests and of the
	// requests cut at the end.
	P50, P99, Max time.Duration
	// FirstError describes the first failure, for the report.
	FirstError string
}

// RPS returns successful responses per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// KeptAlive reports whether the server reused connections: fewer dials
// than requests.
func (r Result) KeptAlive() bool { return r.Dials < r.Requests }

// ErrNotLoopback is returned for an address outside the machine: load
// tests stay on 127.0.0.1.
var ErrNotLoopback = errors.New("load: refusing a non-loopback address")

// CheckLoopback returns ErrNotLoopback unless addr's host is a loopback IP
// or "localhost".
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("load: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %q", ErrNotLoopback, addr)
}

func (c *Config) check() error {
	if err := CheckLoopback(c.Addr); err != nil {
		return err
	}
	if c.Requests <= 0 || c.Duration <= 0 {
		return errors.New("load: Config needs positive Requests and Duration bounds")
	}
	if c.Conns <= 0 {
		c.Conns = 1
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.Pipeline <= 0 {
		c.Pipeline = 1
	}
	return nil
}

// Run loads the server and returns what it measured. It returns an error
// only for a bad Config; failures of the server are counted in the Result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.check(); err != nil {
		return Result{}, err
	}
	deadline := time.Now().Add(cfg.Duration)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	req := []byte("GET " + cfg.Path + " HTTP/1.1\r\nHost: " + cfg.Addr + "\r\nUser-Agent: gowsgi-load\r\n")
	idAt := -1 // where the X-Request-Id value starts in a request
	if cfg.Distinct {
		req = append(req, "X-Request-Id: "...)
		idAt = len(req)
		req = append(req, strings.Repeat("0", idDigits)+"\r\n"...)
	}
	for _, f := range cfg.Fields {
		req = append(req, f+"\r\n"...)
	}
	req = append(req, "\r\n"...)
	one := len(req)
	req = bytes.Repeat(req, cfg.Pipeline)
	var tickets atomic.Int64
	workers := make([]worker, cfg.Conns)
	per := cfg.Requests/cfg.Conns + 1
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		w := &workers[i]
		w.cfg, w.req, w.tickets, w.deadline = &cfg, req, &tickets, deadline
		if idAt >= 0 { // each worker numbers its own copy's requests
			w.req = bytes.Clone(req)
			for k := range cfg.Pipeline {
				w.idAt = append(w.idAt, k*one+idAt)
			}
		}
		w.lat = make([]time.Duration, 0, min(per, 1<<20))
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx)
		}()
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start)}
	var lat []time.Duration
	for i := range workers {
		w := &workers[i]
		res.Requests += len(w.lat)
		res.Non2xx += w.non2xx
		res.Errors += w.errors
		res.Dials += w.dials
		res.BodyBytes += w.body
		if res.FirstError == "" && w.firstErr != nil {
			res.FirstError = w.firstErr.Error()
		}
		lat = append(lat, w.lat...)
		lat = append(lat, w.cut...)
		res.Cut += len(w.cut)
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = percentile(lat, 50)
		res.P99 = percentile(lat, 99)
		res.Max = lat[len(lat)-1]
	}
	return res, nil
}

// percentile returns the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

type worker struct {
	cfg      *Config
	req      []byte
	idAt     []int  // where w.req's X-Request-Id values start (Distinct)
	sent     uint64 // requests written, for the X-Request-Id values
	tickets  *atomic.Int64
	deadline time.Time
	conn     net.Conn
	br       *bufio.Reader
	lat      []time.Duration
	cut      []time.Duration
	non2xx   int
	errors   int
	dials    int
	body     int64
	firstErr error
}

func (w *worker) run(ctx context.Context) {
	defer w.drop()
	consecutive := 0
	depth := w.cfg.Pipeline
	for ctx.Err() == nil && w.tickets.Add(int64(depth)) <= int64(w.cfg.Requests+depth-1) {
		t0 := time.Now()
		status, err := w.roundTrip(ctx, t0)
		if err != nil {
			if ctx.Err() != nil || !time.Now().Before(w.deadline) {
				// The time bound cut this request short. Its wait so far
				// still counts in the latencies: leaving it out would
				// hide a server that starves connections.
				w.cut = append(w.cut, time.Since(t0))
				return
			}
			w.errors++
			if w.firstErr == nil {
				w.firstErr = err
			}
			w.drop()
			if consecutive++; consecutive >= 20 {
				return // the server is gone; the result says why
			}
			continue
		}
		consecutive = 0
		for range depth {
			w.lat = append(w.lat, time.Since(t0))
		}
		if status < 200 || status > 299 {
			w.non2xx += depth
		}
	}
}

func (w *worker) drop() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

func (w *worker) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: w.cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", w.cfg.Addr)
	if err != nil {
		return err
	}
	w.dials++
	w.conn = c
	if w.br == nil {
		w.br = bufio.NewReaderSize(c, 16<<10)
	} else {
		w.br.Reset(c)
	}
	return nil
}

// roundTrip sends one request and reads the whole response. A reused
// connection that the server closed in the meantime gets one fresh try.
func (w *worker) roundTrip(ctx context.Context, t0 time.Time) (int, error) {
	reused := w.conn != nil
	if !reused {
		if err := w.dial(ctx); err != nil {
			return 0, err
		}
	}
	w.conn.SetDeadline(w.requestDeadline(t0))
	status, keep, err := w.exchange()
	if err != nil && reused && isStale(err) {
		w.drop()
		if err = w.dial(ctx); err != nil {
			return 0, err
		}
		w.conn.SetDeadline(w.requestDeadline(t0))
		status, keep, err = w.exchange()
	}
	if err != nil {
		return 0, err
	}
	if !keep {
		w.drop()
	}
	return status, nil
}

// requestDeadline bounds a request by the Timeout and by the end of the
// run, so that a request stuck in a server's queue ends with the run.
func (w *worker) requestDeadline(t0 time.Time) time.Time {
	d := t0.Add(w.cfg.Timeout)
	if w.deadline.Before(d) {
		return w.deadline
	}
	return d
}

// isStale reports an error that a server closing an idle keep-alive
// connection causes on the next request.
func isStale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errReset)
}

var errReset = errors.New("connection reset before the status line")

func (w *worker) exchange() (status int, keep bool, err error) {
	for _, at := range w.idAt {
		putDigits(w.req[at:at+idDigits], w.sent)
		w.sent++
	}
	if _, err := w.conn.Write(w.req); err != nil {
		return 0, false, errReset
	}
	// With pipelining, the batch's status is the first non-2xx one, and
	// the connection must stay open up to the batch's last response.
	var resp response
	var body int64
	for i := range w.cfg.Pipeline {
		resp, err = readResponse(w.br)
		body += resp.body
		if i > 0 {
			resp.started = true // the batch broke after a response
		}
		if err != nil {
			break
		}
		if status == 0 || status/100 == 2 {
			status = resp.status
		}
		if !resp.keep && i < w.cfg.Pipeline-1 {
			err = fmt.Errorf("%w: connection closed after %d of %d pipelined responses", errMalformed, i+1, w.cfg.Pipeline)
			break
		}
	}
	if err != nil {
		if resp.started {
			return 0, false, err
		}
		if errors.Is(err, io.EOF) {
			return 0, false, io.EOF
		}
		var op *net.OpError
		if errors.As(err, &op) && !op.Timeout() {
			return 0, false, errReset
		}
		return 0, false, err
	}
	w.body += body
	return status, resp.keep, nil
}

type response struct {
	status  int
	keep    bool
	started bool // the status line arrived
	body    int64
}

var (
	errMalformed = errors.New("load: malformed response")
	hdrLength    = []byte("content-length")
	hdrConn      = []byte("connection")
	hdrTE        = []byte("transfer-encoding")
)

// readResponse reads a status line, the header block and the body, and
// discards the body. keep reports whether the connection may carry the
// next request.
func readResponse(br *bufio.Reader) (response, error) {
	var r response
	line, err := br.ReadSlice('\n')
	if err != nil {
		return r, err
	}
	r.started = true
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return r, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	http11 := line[7] == '1'
	code, ok := atoi(line[9:12])
	if !ok {
		return r, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	r.status = code
	r.keep = http11
	length, chunked := int64(-1), false
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return r, errOrUnexpected(err)
		}
		line = trimCRLF(line)
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return r, fmt.Errorf("%w: header line %q", errMalformed, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, hdrLength):
			n, ok := atoi(value)
			if !ok {
				return r, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
			length = int64(n)
		case bytes.EqualFold(name, hdrConn):
			if bytes.EqualFold(value, []byte("close")) {
				r.keep = false
			} else if bytes.EqualFold(value, []byte("keep-alive")) {
				r.keep = true
			}
		case bytes.EqualFold(name, hdrTE):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	switch {
	case code/100 == 1 || code == 204 || code == 304:
		return r, nil
	case chunked:
		r.body, err = discardChunked(br)
	case length >= 0:
		var n int
		n, err = br.Discard(int(length))
		r.body = int64(n)
		err = errOrUnexpected(err)
	default: // the body runs to the end of the connection
		r.keep = false
		r.body, err = io.Copy(io.Discard, br)
	}
	return r, err
}

func discardChunked(br *bufio.Reader) (int64, error) {
	var total int64
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return total, errOrUnexpected(err)
		}
		line = trimCRLF(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || size < 0 {
			return total, fmt.Errorf("%w: chunk size %q", errMalformed, line)
		}
		if size == 0 {
			for { // trailers up to the blank line
				line, err := br.ReadSlice('\n')
				if err != nil {
					return total, errOrUnexpected(err)
				}
				if len(trimCRLF(line)) == 0 {
					return total, nil
				}
			}
		}
		n, err := br.Discard(int(size) + 2)
		total += int64(min(n, int(size)))
		if err != nil {
			return total, errOrUnexpected(err)
		}
	}
}

func errOrUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimCRLF(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// putDigits writes n's last len(dst) decimal digits into dst, zero-padded:
// 7 into 8 bytes is "00000007".
func putDigits(dst []byte, n uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + n%10)
		n /= 10
	}
}

// atoi parses a non-negative decimal without allocating.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
