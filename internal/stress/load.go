package stress

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gowsgi/wsgiref/simpleserver"
)

// HeapSlack is how far the live heap may end above its baseline after a
// load run. Everything a connection holds (the server's pooled conn with
// its 4 KiB reader and writer and its handler, the app's 64 KiB echo
// buffer, the client's 16 KiB buffers) is pooled or dropped, and two
// collections empty the pools, so the heap should come back to within
// noise: 1 MiB covers runtime bookkeeping that grows with the peak (timer
// heaps, the scheduler's per-P caches, netpoll descriptors) while a leak of
// the 128 connections' echo buffers alone (8 MiB) would exceed it many
// times over.
const HeapSlack = 1 << 20

// LoadConfig is the size of a load run.
type LoadConfig struct {
	Requests int64
	Conns    int
	Seed     uint64
	// MaxConns, when > 0, serves with simpleserver.WithMaxConns: more
	// clients than the cap, so the server sheds idle connections and stops
	// keeping alive. A client whose next request meets a connection shed
	// an instant before is refused (zero bytes; the HTTP race every client
	// retries), so refusals are allowed; cut responses are not.
	MaxConns int
}

// LoadFigures is what a load run measured. Problems lists every check that
// failed; a clean run has none.
type LoadFigures struct {
	Config        LoadConfig
	Elapsed       time.Duration
	Sent          int64
	Complete      int64
	Refused       int64
	Failed        int64
	Logged        int64 // responses the server's access log recorded
	Served        int64 // responses the application started
	BytesOut      int64
	BytesIn       int64
	Dials         int64
	Before, After Snapshot
	Errors        []string
	Problems      []string
}

// Errs is every request that did not complete: refused or failed.
func (f LoadFigures) Errs() int64 { return f.Refused + f.Failed }

// RequestsPerSecond is the completed requests over the run's wall time.
func (f LoadFigures) RequestsPerSecond() float64 {
	return float64(f.Complete) / f.Elapsed.Seconds()
}

// warmRequests is the size of the run before the baseline: it grows the
// pools, caches and lazily built tables that a first request touches, so
// the baseline does not count them as a leak of the real run.
const warmRequests = 500

// RunLoad serves an EchoApp, warms it, takes the baseline, drives
// cfg.Requests over cfg.Conns keep-alive connections, waits until the
// server has closed every connection, and takes the snapshot after.
func RunLoad(cfg LoadConfig) (LoadFigures, error) {
	f := LoadFigures{Config: cfg}
	var opts []simpleserver.Option
	if cfg.MaxConns > 0 {
		opts = append(opts, simpleserver.WithMaxConns(cfg.MaxConns))
	}
	srv, err := startServer(opts...)
	if err != nil {
		return f, err
	}
	defer srv.stop()
	addr := srv.Addr().String()
	var warm Tally
	Drive(context.Background(), DriveConfig{Addr: addr, Conns: 4, Requests: warmRequests, Seed: cfg.Seed + 1}, &warm)
	if n := warm.Complete.Load(); n != warmRequests {
		return f, fmt.Errorf("warm-up: %d of %d requests complete: %v", n, warmRequests, warm.Errors())
	}
	if !waitFor(10*time.Second, func() bool { return srv.ActiveConns() == 0 }) {
		return f, errors.New("warm-up: the server kept its connections open")
	}
	logged0, served0 := srv.logged.info.Load(), srv.app.Served.Load()
	f.Before = SettleTo(0, 0)

	var t Tally
	start := time.Now()
	Drive(context.Background(), DriveConfig{Addr: addr, Conns: cfg.Conns, Requests: cfg.Requests, Seed: cfg.Seed}, &t)
	f.Elapsed = time.Since(start)
	closed := waitFor(10*time.Second, func() bool { return srv.ActiveConns() == 0 })
	f.After = SettleTo(f.Before.Goroutines, 10*time.Second)

	f.Sent, f.Complete, f.Refused, f.Failed = t.Sent.Load(), t.Complete.Load(), t.Refused.Load(), t.Failed.Load()
	f.BytesOut, f.BytesIn, f.Dials = t.BytesOut.Load(), t.BytesIn.Load(), t.Dials.Load()
	f.Logged, f.Served = srv.logged.info.Load()-logged0, srv.app.Served.Load()-served0
	f.Errors = t.Errors()
	f.Problems = f.check(closed)
	return f, nil
}

func (f LoadFigures) check(closed bool) []string {
	var p []string
	add := func(bad bool, format string, args ...any) {
		if bad {
			p = append(p, fmt.Sprintf(format, args...))
		}
	}
	capped := f.Config.MaxConns > 0
	add(f.Failed != 0, "%d requests failed: %v", f.Failed, f.Errors)
	add(!capped && f.Refused != 0, "%d requests refused", f.Refused)
	add(f.Sent != f.Config.Requests || f.Complete+f.Refused+f.Failed != f.Sent,
		"%d of %d requests sent: %d complete, %d refused, %d failed", f.Sent, f.Config.Requests, f.Complete, f.Refused, f.Failed)
	add(f.Logged != f.Complete, "the server logged %d responses, the clients completed %d", f.Logged, f.Complete)
	add(f.Served != f.Complete, "the app started %d responses, the clients completed %d", f.Served, f.Complete)
	add(!capped && f.Dials != int64(f.Config.Conns), "%d connections opened for %d clients: the server closed kept-alive connections", f.Dials, f.Config.Conns)
	add(!closed, "the server still holds connections after the clients closed theirs")
	add(f.After.Goroutines > f.Before.Goroutines, "goroutines %d after, %d before", f.After.Goroutines, f.Before.Goroutines)
	add(f.After.HeapAlloc > f.Before.HeapAlloc+HeapSlack, "live heap %d B after, %d B before (slack %d B)", f.After.HeapAlloc, f.Before.HeapAlloc, HeapSlack)
	return p
}

// stop shuts the server down and waits for ServeForever to return.
func (s *server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.Shutdown(ctx)
	if serr := <-s.served; !errors.Is(serr, simpleserver.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("ServeForever returned %v, want ErrServerClosed", serr))
	}
	return err
}
