// Command report is the one command of the benchmarks module: it runs the
// Go micro-benchmarks (go test -bench), the CPython timeit script, the
// hello-world load runs, the idle-connection memory probe and the 64 MiB
// file download, checks the targets (profiling the ones missed),
// and writes README.md, chart.svg and results.json.
//
//	cd benchmarks && go run ./cmd/report         # full run, a few minutes
//	go run ./cmd/report -quick                   # smoke run, into a temp dir
//
// Servers run as child processes on 127.0.0.1; every load run is bounded
// in requests and in time.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type config struct {
	quick                bool
	dir, out, tmp        string
	bench, benchtime     string
	count                int
	python               string
	helloBin, cpuprofile string
	conns                []int
	cell, warmup         time.Duration
	maxRequests          int
	idle, fileRequests   int
	rounds               int
	skipLoad, skipMicro  bool
	profile              string
	renderOnly           bool
	serverOnly           bool
	gatewaysOnly         bool
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
}

func main() {
	cfg := &config{}
	flag.BoolVar(&cfg.quick, "quick", false, "smoke run: tiny bounds, output to a temporary directory unless -out is set")
	flag.StringVar(&cfg.dir, "dir", ".", "the benchmarks module directory")
	flag.StringVar(&cfg.out, "out", "", "where to write README.md, chart.svg, results.json (default: -dir, or a temp dir with -quick)")
	flag.StringVar(&cfg.bench, "bench", ".", "go test -bench pattern")
	flag.StringVar(&cfg.python, "python", "python3", "the CPython that runs wsgiref")
	flag.BoolVar(&cfg.skipLoad, "skip-load", false, "skip the server load, memory and file runs")
	flag.BoolVar(&cfg.skipMicro, "skip-micro", false, "skip the micro-benchmarks")
	flag.BoolVar(&cfg.renderOnly, "render", false, "measure nothing: rewrite README.md and chart.svg from the results.json in -out")
	flag.StringVar(&cfg.profile, "profile", "auto", "CPU-profile missed targets: yes, no, or auto (yes unless -quick)")
	flag.BoolVar(&cfg.serverOnly, "server-only", false, "only the server sections (pipeline.go, fields.go): BenchmarkServer*, hello world at 16 conns, pipelining and many fields; give -out")
	flag.BoolVar(&cfg.gatewaysOnly, "gateways-only", false, "only the gateway table (gateways.go): each gateway behind nginx; give -out")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(cfg *config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := filepath.Abs(cfg.dir)
	if err != nil {
		return err
	}
	cfg.dir = dir
	if _, err := os.Stat(filepath.Join(dir, "testdata", "fixtures.json")); err != nil {
		return fmt.Errorf("run me inside benchmarks/ (or pass -dir): %w", err)
	}
	if cfg.renderOnly {
		if cfg.out == "" {
			cfg.out = dir
		}
		return rerender(cfg)
	}
	if cfg.tmp, err = os.MkdirTemp("", "wsgiref-report-"); err != nil {
		return err
	}
	defer os.RemoveAll(cfg.tmp)
	switch {
	case cfg.out != "":
	case cfg.quick: // kept after the run, unlike cfg.tmp
		if cfg.out, err = os.MkdirTemp("", "wsgiref-report-quick-"); err != nil {
			return err
		}
	default:
		cfg.out = dir
	}
	if cfg.quick {
		cfg.benchtime, cfg.count = "10ms", 1
		cfg.conns, cfg.cell, cfg.warmup, cfg.maxRequests = []int{1, 16, 128}, 300*time.Millisecond, 100*time.Millisecond, 50_000
		cfg.idle, cfg.fileRequests, cfg.rounds = 50, 1, 1
	} else {
		cfg.benchtime, cfg.count = "200ms", 5
		cfg.conns, cfg.cell, cfg.warmup, cfg.maxRequests = []int{1, 16, 128}, 1200*time.Millisecond, 300*time.Millisecond, 1_000_000
		cfg.idle, cfg.fileRequests, cfg.rounds = 1000, 10, 7
	}
	if cfg.serverOnly {
		cfg.bench, cfg.conns = "^BenchmarkServer", []int{targetConns}
	}
	if cfg.gatewaysOnly {
		cfg.skipMicro = true
	}
	began := time.Now()
	res := &Results{Generated: began.UTC().Format("2006-01-02 15:04 MST"), Quick: cfg.quick, Machine: machine(cfg)}
	res.LoadSpec = LoadParams{Seconds: cfg.cell.Seconds(), MaxRequests: cfg.maxRequests, Conns: cfg.conns, IdleConns: cfg.idle, Rounds: cfg.rounds}

	if !cfg.skipMicro {
		logf("micro-benchmarks")
		benches, err := runGoBench(ctx, cfg)
		if err != nil {
			note(res, err)
		}
		res.Micro = append(res.Micro, benches...)
		logf("CPython timeit")
		if cfg.serverOnly {
			// no CPython timeit: it has no server benchmarks
		} else if v, py, err := runPythonTimeit(ctx, cfg); err != nil {
			note(res, err)
		} else {
			res.Machine.Python = v
			res.Micro = append(res.Micro, py...)
		}
	}
	if !cfg.skipLoad && ctx.Err() == nil {
		cfg.helloBin = filepath.Join(cfg.tmp, "hello")
		build := exec.CommandContext(ctx, "go", "build", "-o", cfg.helloBin, "./cmd/hello")
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building cmd/hello: %v\n%s", err, out)
		}
		if !cfg.gatewaysOnly {
			logf("load: %v connections, %v per cell", cfg.conns, cfg.cell)
			runLoad(ctx, cfg, res)
			logf("server sections: pipelining and many fields at %d conns", targetConns)
			runServerLoad(ctx, cfg, res)
		}
		if !cfg.serverOnly {
			logf("gateways behind nginx at %d conns", gatewayConns)
			runGateways(ctx, cfg, res)
		}
		if !cfg.serverOnly && !cfg.gatewaysOnly {
			logf("memory per idle connection")
			runMemory(ctx, cfg, res)
			logf("64 MiB file")
			runFile(ctx, cfg, res)
		}
	}
	if !cfg.quick && !cfg.skipMicro && !cfg.serverOnly && !cfg.gatewaysOnly && ctx.Err() == nil {
		logf("route-file builds: 1,000 and 5,000 routes")
		runRouteBuilds(ctx, cfg, res) // routers.go
	}
	evalTargets(res)
	evalRouteBuildTarget(res) // routers.go
	evalServerTargets(res)
	evalEnvironGrowthTargets(res) // environgrowth.go
	evalGatewayTargets(res)
	if (cfg.profile == "yes" || cfg.profile == "auto" && !cfg.quick) && ctx.Err() == nil {
		logf("profiles of missed targets")
		profileMissed(ctx, cfg, res)
		profileServerMissed(ctx, cfg, res)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted; nothing written: %w", err)
	}
	if err := write(cfg, res); err != nil {
		return err
	}
	logf("done in %v: %s", time.Since(began).Round(time.Second), cfg.out)
	return nil
}

func write(cfg *config, res *Results) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"results.json": append(js, '\n'),
		"README.md":    []byte(readme(res)),
		"chart.svg":    []byte(chartSVG(chartPanels(res))),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(cfg.out, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// rerender rewrites README.md and chart.svg from results.json, for a
// change of wording or layout without measuring again.
func rerender(cfg *config) error {
	b, err := os.ReadFile(filepath.Join(cfg.out, "results.json"))
	if err != nil {
		return err
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("results.json: %w", err)
	}
	for i := range res.Micro {
		m := &res.Micro[i]
		m.Group, m.Op, m.Who = splitName(m.Name)
	}
	return write(cfg, &res)
}

// machine describes the host: CPU model, cores, kernel, Go and Pythons.
func machine(cfg *config) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if m.CPU == "" {
		m.CPU = runtime.GOARCH
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	} else {
		m.Kernel = runtime.GOOS
	}
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command(cfg.python, "--version").CombinedOutput(); err == nil {
		m.Python = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("/usr/bin/python3", "--version").CombinedOutput(); err == nil {
		m.SystemPython = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("/usr/bin/python3", "-c", "import importlib.metadata as m; print(m.version('werkzeug'))").Output(); err == nil {
		m.Werkzeug = strings.TrimSpace(string(out))
	}
	return m
}
