package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gowsgi/wsgiref/benchmarks/load"
)

// runLoad measures every contender at every connection count. All the
// servers run at once (idle when not measured) and the cells interleave,
// round after round, so that a burst of other work on the machine hits
// every server alike; each cell keeps its best round, and all its rounds
// for the targets' paired ratios (paired.go).
func runLoad(ctx context.Context, cfg *config, res *Results) {
	procs := map[string]*process{}
	for _, c := range contenders {
		p, err := start(ctx, cfg, c, "")
		if err != nil {
			note(res, err)
			continue
		}
		procs[c.Name] = p
		defer p.stop()
		res.Servers = append(res.Servers, c.Name)
	}
	best := map[string]LoadRow{}
	rounds := map[string][]Round{}
	key := func(name string, n int) string { return fmt.Sprint(name, "/", n) }
	for round := 1; round <= cfg.rounds && ctx.Err() == nil; round++ {
		logf("load round %d of %d", round, cfg.rounds)
		for _, n := range cfg.conns {
			for _, c := range inRoundOrder(contenders, round) {
				p, ok := procs[c.Name]
				if !ok {
					continue
				}
				row := loadCell(ctx, cfg, c.Name, p, n)
				rounds[key(c.Name, n)] = append(rounds[key(c.Name, n)], roundOf(row))
				if b, seen := best[key(c.Name, n)]; !seen || (row.Err == "" && row.RPS > b.RPS) {
					best[key(c.Name, n)] = row
				}
			}
		}
	}
	for _, c := range contenders {
		for _, n := range cfg.conns {
			if row, ok := best[key(c.Name, n)]; ok {
				row.Rounds = rounds[key(c.Name, n)]
				res.Load = append(res.Load, row)
			} else if _, started := procs[c.Name]; !started {
				res.Load = append(res.Load, LoadRow{Server: c.Name, Conns: n, Err: "did not start"})
			}
		}
	}
}

// loadCell warms the server up at n connections, then measures its
// throughput, latencies and the CPU time it used.
func loadCell(ctx context.Context, cfg *config, name string, p *process, n int) LoadRow {
	addr := p.addr
	run := func(d time.Duration, max int) (load.Result, error) {
		return load.Run(ctx, load.Config{Addr: addr, Conns: n, Requests: max, Duration: d, Timeout: 10 * time.Second})
	}
	if _, err := run(cfg.warmup, cfg.maxRequests); err != nil {
		return LoadRow{Server: name, Conns: n, Err: err.Error()}
	}
	cpu0, cpuErr := load.CPUTime(p.cmd.Process.Pid)
	r, err := run(cfg.cell, cfg.maxRequests)
	cpu1, cpuErr1 := load.CPUTime(p.cmd.Process.Pid)
	row := LoadRow{Server: name, Conns: n}
	if cpuErr == nil && cpuErr1 == nil && r.Elapsed > 0 {
		row.ServerCores = float64(cpu1-cpu0) / float64(r.Elapsed)
	}
	if err != nil {
		row.Err = err.Error()
		return row
	}
	row.RPS = r.RPS()
	row.P50ms = ms(r.P50)
	row.P99ms = ms(r.P99)
	row.Requests, row.Errors, row.Non2xx, row.Dials, row.Cut = r.Requests, r.Errors, r.Non2xx, r.Dials, r.Cut
	row.KeepAlive = r.KeptAlive()
	if r.Requests == 0 {
		row.Err = "no response: " + r.FirstError
	}
	logf("  %-36s %4d conns %9.0f req/s  p50 %7.3f ms  p99 %8.3f ms  errors %d  unfinished %d  server CPU %.2f cores", name, n, row.RPS, row.P50ms, row.P99ms, row.Errors, row.Cut, row.ServerCores)
	return row
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runMemory measures what each keep-alive Go server holds per idle
// connection: its RSS after opening cfg.idle connections that each
// carried one request, minus its RSS before, divided by their number.
func runMemory(ctx context.Context, cfg *config, res *Results) {
	for _, c := range contenders {
		if !c.Memory {
			continue
		}
		row := MemRow{Server: c.Name, Conns: cfg.idle}
		if err := memory(ctx, cfg, c, &row); err != nil {
			row.Err = short(err)
			if !errors.Is(err, errNotBuilt) {
				note(res, err)
			}
		}
		res.Memory = append(res.Memory, row)
	}
}

func memory(ctx context.Context, cfg *config, c contender, row *MemRow) error {
	p, err := start(ctx, cfg, c, "")
	if err != nil {
		return err
	}
	defer p.stop()
	// One request first, so the code paths and buffers of a first
	// request are in the baseline rather than in the per-connection cost.
	if _, err := load.Run(ctx, load.Config{Addr: p.addr, Conns: 1, Requests: 100, Duration: 2 * time.Second}); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	pid := p.cmd.Process.Pid
	if row.RSSBefore, err = load.RSS(pid); err != nil {
		return err
	}
	idle, err := load.OpenIdle(ctx, p.addr, "/", cfg.idle)
	if err != nil {
		return err
	}
	defer idle.Close()
	time.Sleep(500 * time.Millisecond)
	if row.RSSAfter, err = load.RSS(pid); err != nil {
		return err
	}
	row.PerConnKB = float64(row.RSSAfter-row.RSSBefore) / float64(cfg.idle) / 1024
	logf("  %-34s %d idle conns: RSS %d -> %d KiB, %.1f KiB per connection", c.Name, cfg.idle, row.RSSBefore>>10, row.RSSAfter>>10, row.PerConnKB)
	return nil
}

// fileServers are the contenders of the 64 MiB file download.
var fileServers = []struct{ server, who string }{
	{srvSimple, "wsgiref"},
	{srvNetHTTP, "nethttp"},
	{srvCPython, "cpython"},
}

// runFile downloads a 64 MiB file from each server, one connection,
// several times, and reports MB/s as Bench rows File/64MiB/<who>.
func runFile(ctx context.Context, cfg *config, res *Results) {
	path := filepath.Join(cfg.tmp, "64MiB.bin")
	if err := writeFile(path, 64<<20); err != nil {
		note(res, err)
		return
	}
	defer os.Remove(path)
	for _, f := range fileServers {
		c := contenderNamed(f.server)
		p, err := start(ctx, cfg, c, path)
		if err != nil {
			if !errors.Is(err, errNotBuilt) {
				note(res, err)
			}
			continue
		}
		lc := load.Config{Addr: p.addr, Path: "/file", Conns: 1, Requests: cfg.fileRequests, Duration: 60 * time.Second, Timeout: 30 * time.Second}
		load.Run(ctx, load.Config{Addr: p.addr, Path: "/file", Conns: 1, Requests: 1, Duration: 30 * time.Second, Timeout: 30 * time.Second})
		r, err := load.Run(ctx, lc)
		p.stop()
		switch {
		case err != nil:
			note(res, err)
		case r.Requests == 0 || r.Errors > 0 || r.BodyBytes != int64(r.Requests)<<26:
			note(res, fmt.Errorf("file download from %s: %d complete, %d errors, %d bytes: %s", c.Name, r.Requests, r.Errors, r.BodyBytes, r.FirstError))
		default:
			b := Bench{Name: "File/64MiB-process/" + f.who, Group: "File", Op: "64MiB-process", Who: f.who, Source: "load", Runs: r.Requests,
				NsPerOp: float64(r.Elapsed.Nanoseconds()) / float64(r.Requests),
				MBPerS:  float64(r.BodyBytes) / r.Elapsed.Seconds() / 1e6}
			res.Micro = append(res.Micro, b)
			logf("  %-34s 64 MiB file: %.0f MB/s", c.Name, b.MBPerS)
		}
	}
}

func contenderNamed(name string) contender {
	for _, c := range contenders {
		if c.Name == name {
			return c
		}
	}
	panic("no contender " + name) // a typo in the tables above
}

// writeFile writes size bytes of a non-repeating pattern.
func writeFile(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	x := uint32(2463534242)
	for off := 0; off < size; off += len(buf) {
		for i := 0; i < len(buf); i += 4 {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			buf[i], buf[i+1], buf[i+2], buf[i+3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
		}
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func short(err error) string {
	if errors.Is(err, errNotBuilt) {
		return "not built yet"
	}
	return tail(err.Error(), 200)
}

func note(res *Results, err error) {
	logf("note: %v", err)
	res.Notes = append(res.Notes, err.Error())
}
