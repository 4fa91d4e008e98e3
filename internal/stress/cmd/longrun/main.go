// Command longrun is the long run of the reliability suite: the load run
// at a million requests, many rounds of graceful shutdown under load, the
// CGI program under lighttpd at length, and every fuzz target of
// stress.FuzzTargets for minutes each. It prints the figures block of
// RELIABILITY.md and, with -write, puts it there. It exits 1 when any check
// failed. Run it from anywhere in the module:
//
//	go run ./internal/stress/cmd/longrun            # the long run (about 15 minutes)
//	go run ./internal/stress/cmd/longrun -write     # ... and update RELIABILITY.md
//	go run ./internal/stress/cmd/longrun -quick     # smoke run, under a minute
//
// The package tests of internal/stress run the same functions small.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref/internal/stress"
)

// settings are the sizes of one run; -quick swaps in smokeSettings.
type settings struct {
	requests    int64
	conns       int
	capRequests int64
	maxConns    int
	shutdowns   int
	before      int64
	cgiRequests int
	cgiClients  int
	fuzztime    string
}

// smokeSettings keep -quick under a minute on a two-core machine while
// still touching every part: the fuzz budget is a count, not a duration,
// which also keeps clear of Go 1.26's spurious deadline failure.
var smokeSettings = settings{requests: 20000, conns: 128, capRequests: 2000, maxConns: 32, shutdowns: 3, before: 2000, cgiRequests: 200, cgiClients: 16, fuzztime: "2000x"}

func main() {
	s := settings{}
	flag.Int64Var(&s.requests, "requests", 1000000, "requests of the load run")
	flag.IntVar(&s.conns, "conns", 128, "keep-alive connections of the load and shutdown runs")
	flag.Int64Var(&s.capRequests, "cap.requests", 50000, "requests of the load run past the connection cap")
	flag.IntVar(&s.maxConns, "cap", 32, "WithMaxConns of the load run past the cap (it uses -conns clients)")
	flag.IntVar(&s.shutdowns, "shutdowns", 20, "rounds of shutdown under load")
	flag.Int64Var(&s.before, "shutdown.after", 5000, "requests completed before each Shutdown")
	flag.IntVar(&s.cgiRequests, "cgi.requests", 5000, "requests of the CGI run")
	flag.IntVar(&s.cgiClients, "cgi.clients", 32, "concurrent clients of the CGI run")
	flag.StringVar(&s.fuzztime, "fuzztime", "2m", "go test -fuzztime per fuzz target (a duration, or a count like 20000x); empty skips fuzzing")
	seed := flag.Uint64("seed", 1, "seed of the traffic")
	write := flag.Bool("write", false, "rewrite the figures block of RELIABILITY.md")
	quick := flag.Bool("quick", false, "smoke run: small sizes, under a minute; flags given with it still apply")
	flag.Parse()
	if *quick {
		s = smoke(s)
	}
	if err := run(s, *seed, *write); err != nil {
		fmt.Fprintln(os.Stderr, "longrun:", err)
		os.Exit(1)
	}
}

// smoke returns the smoke settings, except for the flags given on the
// command line: "-quick -fuzztime=" is a smoke run without fuzzing.
func smoke(given settings) settings {
	s := smokeSettings
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "requests":
			s.requests = given.requests
		case "conns":
			s.conns = given.conns
		case "cap.requests":
			s.capRequests = given.capRequests
		case "cap":
			s.maxConns = given.maxConns
		case "shutdowns":
			s.shutdowns = given.shutdowns
		case "shutdown.after":
			s.before = given.before
		case "cgi.requests":
			s.cgiRequests = given.cgiRequests
		case "cgi.clients":
			s.cgiClients = given.cgiClients
		case "fuzztime":
			s.fuzztime = given.fuzztime
		}
	})
	return s
}

func run(s settings, seed uint64, write bool) error {
	root, err := stress.ModuleRoot()
	if err != nil {
		return err
	}
	f := stress.Figures{Command: "go run ./internal/stress/cmd/longrun " + strings.Join(os.Args[1:], " "), Date: time.Now()}
	f.Command = strings.TrimSpace(f.Command)

	step("load: %d requests at %d connections", s.requests, s.conns)
	if f.Load, err = stress.RunLoad(stress.LoadConfig{Requests: s.requests, Conns: s.conns, Seed: seed}); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	step("load past the cap: %d requests, %d clients, WithMaxConns(%d)", s.capRequests, s.conns, s.maxConns)
	if f.Cap, err = stress.RunLoad(stress.LoadConfig{Requests: s.capRequests, Conns: s.conns, MaxConns: s.maxConns, Seed: seed}); err != nil {
		return fmt.Errorf("load past the cap: %w", err)
	}
	step("shutdown under load: %d rounds", s.shutdowns)
	for i := range s.shutdowns {
		r, err := stress.RunShutdown(stress.ShutdownConfig{Conns: s.conns, Before: s.before, Seed: seed + uint64(i)})
		if err != nil {
			return fmt.Errorf("shutdown round %d: %w", i, err)
		}
		f.Shutdown = append(f.Shutdown, r)
	}
	step("CGI under lighttpd: %d requests, %d clients", s.cgiRequests, s.cgiClients)
	dir, err := os.MkdirTemp("", "longrun-cgi")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	f.CGI, f.CGIErr = stress.RunCGI(stress.CGIConfig{Requests: s.cgiRequests, Clients: s.cgiClients, Seed: seed, Dir: dir})
	if s.fuzztime != "" {
		for _, t := range stress.FuzzTargets {
			step("fuzz %s %s for %s", t.Pkg, t.Name, s.fuzztime)
			r := stress.RunFuzz(root, t, s.fuzztime)
			if r.Result == stress.FuzzFailed {
				fmt.Fprintln(os.Stderr, r.Output)
			}
			f.Fuzz = append(f.Fuzz, r)
		}
	}

	block := f.Markdown()
	fmt.Println(block)
	if write {
		if err := stress.WriteFigures(filepath.Join(root, "RELIABILITY.md"), block); err != nil {
			return err
		}
	}
	if p := f.Problems(); len(p) > 0 {
		return fmt.Errorf("%d checks failed:\n%s", len(p), strings.Join(p, "\n"))
	}
	return nil
}

// step tells the operator, on standard error, which part runs now.
func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
