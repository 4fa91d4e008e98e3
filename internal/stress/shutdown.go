package stress

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gowsgi/wsgiref/simpleserver"
)

// ShutdownConfig is the size of a shutdown-under-load run: Shutdown is
// called once the clients have completed Before requests.
type ShutdownConfig struct {
	Conns  int
	Before int64
	Seed   uint64
}

// ShutdownFigures is what a shutdown-under-load run measured. Problems
// lists every check that failed; a clean run has none.
type ShutdownFigures struct {
	Config ShutdownConfig
	// Sent = Complete + Refused + Cut: every request the clients wrote.
	Sent, Complete, Refused, Cut int64
	Logged                       int64 // responses the server logged: the requests it accepted
	Served                       int64 // responses the application started
	ShutdownErr, ServeErr        error
	ShutdownTook                 time.Duration
	Before, After                Snapshot
	Errors                       []string
	Problems                     []string
}

// RunShutdown drives unbounded load at cfg.Conns connections, calls
// Shutdown mid-way, lets every client run until the server refuses it, and
// classifies every request. A request is complete (verified to the last
// byte), refused (its connection ended before any byte of its response) or
// cut (anything else). A graceful shutdown cuts none, answers exactly the
// requests it logged, and leaves no goroutine behind.
func RunShutdown(cfg ShutdownConfig) (ShutdownFigures, error) {
	f := ShutdownFigures{Config: cfg}
	f.Before = TakeSnapshot()
	srv, err := startServer()
	if err != nil {
		return f, err
	}
	var t Tally
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	driven := make(chan struct{})
	go func() {
		defer close(driven)
		Drive(ctx, DriveConfig{Addr: srv.Addr().String(), Conns: cfg.Conns, Seed: cfg.Seed}, &t)
	}()
	if !waitFor(time.Minute, func() bool { return t.Complete.Load() >= cfg.Before || t.Failed.Load() > 0 }) {
		srv.Close()
		<-driven
		return f, fmt.Errorf("%d of %d requests complete after a minute", t.Complete.Load(), cfg.Before)
	}
	sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer scancel()
	start := time.Now()
	f.ShutdownErr = srv.Shutdown(sctx)
	f.ShutdownTook = time.Since(start)
	f.ServeErr = <-srv.served
	<-driven
	f.After = SettleTo(f.Before.Goroutines, 10*time.Second)

	f.Sent, f.Complete, f.Refused, f.Cut = t.Sent.Load(), t.Complete.Load(), t.Refused.Load(), t.Failed.Load()
	f.Logged, f.Served = srv.logged.info.Load(), srv.app.Served.Load()
	f.Errors = t.Errors()
	f.Problems = f.check(ctx.Err())
	return f, nil
}

func (f ShutdownFigures) check(timedOut error) []string {
	var p []string
	add := func(bad bool, format string, args ...any) {
		if bad {
			p = append(p, fmt.Sprintf(format, args...))
		}
	}
	add(timedOut != nil, "the clients were still running after two minutes")
	add(f.Cut != 0, "%d responses cut or wrong: %v", f.Cut, f.Errors)
	add(f.Complete+f.Refused+f.Cut != f.Sent, "%d sent, but %d complete + %d refused + %d cut", f.Sent, f.Complete, f.Refused, f.Cut)
	add(f.Logged != f.Complete, "the server logged %d responses, the clients completed %d", f.Logged, f.Complete)
	add(f.Served != f.Complete, "the app started %d responses, the clients completed %d", f.Served, f.Complete)
	add(f.Complete < f.Config.Before, "only %d requests complete, Shutdown was due after %d", f.Complete, f.Config.Before)
	add(f.ShutdownErr != nil, "Shutdown returned %v", f.ShutdownErr)
	add(!errors.Is(f.ServeErr, simpleserver.ErrServerClosed), "ServeForever returned %v, want ErrServerClosed", f.ServeErr)
	add(f.After.Goroutines > f.Before.Goroutines, "goroutines %d after, %d before", f.After.Goroutines, f.Before.Goroutines)
	return p
}
