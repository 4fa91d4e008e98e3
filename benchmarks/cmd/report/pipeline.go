package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref/benchmarks/load"
)

// The server sections of issues 11 and 15: fasthttp beside our server at
// 16 keep-alive connections, 16-deep pipelining, requests with many
// fields, and the in-process benchmarks (benchmarks/server_test.go).

// A serverCell is one load shape of the server sections.
type serverCell struct {
	Section  string // "pipelined", "fields"
	Pipeline int    // requests per write
	Fields   int    // extra request fields
	// Distinct gives each request of a connection its own X-Request-Id
	// (load.Config.Distinct), so that no server recognises a head equal
	// to the one before and every request is parsed in full.
	Distinct bool
}

// ServerLoadRow is one server at one serverCell, at targetConns
// connections.
type ServerLoadRow struct {
	serverCell
	LoadRow
}

// serverCells are measured for every serverContenders entry.
var serverCells = []serverCell{
	{Section: "pipelined", Pipeline: 16},
	{Section: "fields", Pipeline: 1, Fields: 10, Distinct: true},
	{Section: "fields", Pipeline: 1, Fields: 90, Distinct: true},
}

// serverContenders are compared like for like: none of them logs.
// serverContenders run in this order in odd rounds, reversed in even ones
// (inRoundOrder), fasthttp next to ours for the targets against it.
var serverContenders = []string{srvQuiet, srvFastHTTP, srvNetHTTP}

const (
	wantVsFastHTTP          = 1.0 // issue 11: req/s and per CPU-second, plain and pipelined
	wantInProcessVsFastHTTP = 1.0 // issue 11: ns/request, in process
	wantAllocsPerRequest    = 1
	wantFieldGrowth         = 1.5 // issue 15: per-field cost at 100 ÷ at 10
	wantFieldsVsNetHTTP     = 1.0 // issue 15: 90 fields
	wantFieldsVsFastHTTP    = 0.8
	pipelineBench           = "ServerPipelined/Get10KReqPerConn"
	// appAllocsPerRequest is what the benchmarks' WSGI application itself
	// allocates per request: wsgiHelloAllocs in benchmarks/server_test.go,
	// checked by TestWSGIHelloAllocs (none since it returns the environ's
	// own body). The alloc target counts the server's own.
	appAllocsPerRequest = 0
)

// extraFields are the n fields added to each request of a fields cell:
// the registered names first, then names no server knows. X-Request-Id is
// not among them: a Distinct cell's requests have one of their own.
func extraFields(n int) []string {
	known := []string{"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Cookie", "Referer",
		"Origin", "Pragma", "If-None-Match", "If-Modified-Since", "Authorization", "Dnt", "Upgrade-Insecure-Requests",
		"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Via", "Forwarded", "X-Forwarded-For",
		"X-Forwarded-Proto", "Accept-Charset", "X-Real-Ip", "Priority"}
	f := make([]string, n)
	for i := range f {
		name := "X-Extra-Field-" + strconv.Itoa(i)
		if i < len(known) {
			name = known[i]
		}
		f[i] = name + ": value-" + strconv.Itoa(i)
	}
	return f
}

// runServerLoad measures the server cells, all servers running at once and
// the cells interleaved round after round, each cell keeping its best
// round and all its rounds, as runLoad does for the hello-world table.
func runServerLoad(ctx context.Context, cfg *config, res *Results) {
	procs := map[string]*process{}
	for _, name := range serverContenders {
		p, err := start(ctx, cfg, contenderNamed(name), "")
		if err != nil {
			note(res, err)
			continue
		}
		procs[name] = p
		defer p.stop()
	}
	best := map[string]ServerLoadRow{}
	rounds := map[string][]Round{}
	key := func(name string, c serverCell) string { return fmt.Sprint(name, c) }
	for round := 1; round <= cfg.rounds && ctx.Err() == nil; round++ {
		logf("server sections: round %d of %d", round, cfg.rounds)
		for _, c := range serverCells {
			for _, name := range inRoundOrder(serverContenders, round) {
				p, ok := procs[name]
				if !ok {
					continue
				}
				row := ServerLoadRow{c, serverLoadCell(ctx, cfg, name, p, c)}
				rounds[key(name, c)] = append(rounds[key(name, c)], roundOf(row.LoadRow))
				if b, seen := best[key(name, c)]; !seen || (row.Err == "" && row.RPS > b.RPS) {
					best[key(name, c)] = row
				}
			}
		}
	}
	for _, c := range serverCells {
		for _, name := range serverContenders {
			if row, ok := best[key(name, c)]; ok {
				row.Rounds = rounds[key(name, c)]
				res.ServerLoad = append(res.ServerLoad, row)
			} else {
				res.ServerLoad = append(res.ServerLoad, ServerLoadRow{c, LoadRow{Server: name, Conns: targetConns, Err: "did not start"}})
			}
		}
	}
}

// serverLoadCell is loadCell with the cell's pipelining and fields.
func serverLoadCell(ctx context.Context, cfg *config, name string, p *process, c serverCell) LoadRow {
	lc := load.Config{Addr: p.addr, Conns: targetConns, Requests: cfg.maxRequests, Timeout: 10 * time.Second,
		Pipeline: c.Pipeline, Fields: extraFields(c.Fields), Distinct: c.Distinct}
	lc.Duration = cfg.warmup
	if _, err := load.Run(ctx, lc); err != nil {
		return LoadRow{Server: name, Conns: targetConns, Err: err.Error()}
	}
	lc.Duration = cfg.cell
	cpu0, cpuErr := load.CPUTime(p.cmd.Process.Pid)
	r, err := load.Run(ctx, lc)
	cpu1, cpuErr1 := load.CPUTime(p.cmd.Process.Pid)
	row := LoadRow{Server: name, Conns: targetConns}
	if cpuErr == nil && cpuErr1 == nil && r.Elapsed > 0 {
		row.ServerCores = float64(cpu1-cpu0) / float64(r.Elapsed)
	}
	if err != nil {
		row.Err = err.Error()
		return row
	}
	row.RPS, row.P50ms, row.P99ms = r.RPS(), ms(r.P50), ms(r.P99)
	row.Requests, row.Errors, row.Non2xx, row.Dials, row.Cut = r.Requests, r.Errors, r.Non2xx, r.Dials, r.Cut
	row.KeepAlive = r.KeptAlive()
	if r.Requests == 0 {
		row.Err = "no response: " + r.FirstError
	}
	logf("  %-36s %s depth %2d fields %3d: %9.0f req/s  p99 %8.3f ms  errors %d  server CPU %.2f cores",
		name, c.Section, c.Pipeline, c.Fields, row.RPS, row.P99ms, row.Errors+row.Non2xx, row.ServerCores)
	return row
}

// serverRow returns a measured row of the server sections.
func (r *Results) serverRow(server string, c serverCell) (LoadRow, bool) {
	for _, l := range r.ServerLoad {
		if l.Server == server && l.serverCell == c && l.Err == "" && l.Requests > 0 {
			return l.LoadRow, true
		}
	}
	return LoadRow{}, false
}

// loadTarget compares ours with a peer at one shape: req/s, and per server
// CPU-second when perCPU is set; by the median of the paired rounds'
// ratios (paired.go), or with fewer rounds than minPairedRounds by the
// best rounds'.
func loadTarget(name string, ours, peer LoadRow, okOurs, okPeer bool, want float64, perCPU bool) Target {
	t := Target{Name: name, Want: fmt.Sprintf("≥ %gx req/s", want)}
	if perCPU {
		t.Want += " and per server CPU-second"
	}
	switch {
	case !okOurs || !okPeer:
		t.Got = "not measured (a server did not run)"
		return t
	}
	if rr, cr := pairedRatios(ours, peer); len(rr) >= minPairedRounds {
		t.Got = fmt.Sprintf("%s; best rounds %s vs %s req/s", spread(rr), num(ours.RPS), num(peer.RPS))
		t.Met, t.Measured = median(rr) >= want, true
		switch {
		case len(cr) >= minPairedRounds:
			t.Got += "; per server CPU-second " + spread(cr)
			if perCPU {
				t.Met = t.Met && median(cr) >= want
			}
		case perCPU:
			t.Got += "; server CPU not measured"
			t.Met = false
		}
		return t
	}
	r := ours.RPS / peer.RPS
	t.Got = fmt.Sprintf("%.2fx (%s vs %s req/s)", r, num(ours.RPS), num(peer.RPS))
	t.Met, t.Measured = r >= want, true
	if ours.ServerCores > 0 && peer.ServerCores > 0 {
		c := (ours.RPS / ours.ServerCores) / (peer.RPS / peer.ServerCores)
		t.Got += fmt.Sprintf("; per server CPU-second %.2fx (%.2f vs %.2f cores busy)", c, ours.ServerCores, peer.ServerCores)
		if perCPU {
			t.Met = t.Met && c >= want
		}
	} else if perCPU {
		t.Got += "; server CPU not measured"
		t.Met = false
	}
	return t
}

// evalServerTargets adds the targets of the server sections.
func evalServerTargets(res *Results) {
	// The name starts with "Hello-world" so profileMissed profiles it.
	ours, ok1 := res.loadRow(srvQuiet, targetConns)
	fh, ok2 := res.loadRow(srvFastHTTP, targetConns)
	res.Targets = append(res.Targets, loadTarget(fmt.Sprintf("Hello-world throughput, %s vs %s at %d conns", srvQuiet, srvFastHTTP, targetConns),
		ours, fh, ok1, ok2, wantVsFastHTTP, true))

	piped := serverCells[0]
	ours, ok1 = res.serverRow(srvQuiet, piped)
	fh, ok2 = res.serverRow(srvFastHTTP, piped)
	res.Targets = append(res.Targets, loadTarget(fmt.Sprintf("Pipelined throughput (%d deep), %s vs %s at %d conns", piped.Pipeline, srvQuiet, srvFastHTTP, targetConns),
		ours, fh, ok1, ok2, wantVsFastHTTP, false))

	t := Target{Name: "In-process pipelined GET (" + pipelineBench + ") vs fasthttp",
		Want: fmt.Sprintf("≤ %gx fasthttp ns/request and ≤ %d alloc/request (the server's)", wantInProcessVsFastHTTP, wantAllocsPerRequest)}
	if o, ok := res.find(pipelineBench + "/wsgiref"); !ok {
		t.Got = "not measured"
	} else if f, ok := res.find(pipelineBench + "/fasthttp"); !ok || f.NsPerOp == 0 {
		t.Got = "not measured"
	} else {
		r := o.NsPerOp / f.NsPerOp
		server := o.AllocsPerOp - appAllocsPerRequest
		t.Got = fmt.Sprintf("%.2fx (%s vs %s ns/request), %g allocs/request of which %d the application's: %g the server's",
			r, num(o.NsPerOp), num(f.NsPerOp), o.AllocsPerOp, appAllocsPerRequest, server)
		t.Met, t.Measured = r <= wantInProcessVsFastHTTP && server <= wantAllocsPerRequest, true
	}
	res.Targets = append(res.Targets, t)
	evalFieldTargets(res)
}

// profileServerMissed profiles our server for each missed target of the
// server sections that profileMissed does not cover: under the load shape
// of the target, or the in-process benchmark.
func profileServerMissed(ctx context.Context, cfg *config, res *Results) {
	testBin := ""
	for _, t := range res.Targets {
		if !t.Measured || t.Met {
			continue
		}
		var cell *serverCell
		bench := ""
		switch {
		case strings.HasPrefix(t.Name, "Pipelined throughput"):
			cell = &serverCells[0]
		case strings.HasPrefix(t.Name, "Server with 90 fields"):
			cell = &serverCells[2]
		case strings.HasPrefix(t.Name, "In-process pipelined"):
			bench = "^BenchmarkServerPipelined$/^Get10KReqPerConn$/^wsgiref$"
		case strings.HasPrefix(t.Name, "Server per-field cost"):
			kind := strings.TrimSuffix(strings.Fields(t.Name)[len(strings.Fields(t.Name))-1], ")")
			bench = "^BenchmarkServerFields$/^" + strings.TrimPrefix(kind, "(") + "100$/^wsgiref$"
		default:
			continue
		}
		if cell != nil {
			prof := filepath.Join(cfg.tmp, fmt.Sprintf("%s-%d-%d.prof", cell.Section, cell.Pipeline, cell.Fields))
			pcfg := *cfg
			pcfg.cpuprofile = prof
			p, err := start(ctx, &pcfg, contenderNamed(srvQuiet), "")
			if err != nil {
				note(res, err)
				continue
			}
			serverLoadCell(ctx, &pcfg, srvQuiet, p, *cell)
			p.stop()
			addProfile(ctx, res, fmt.Sprintf("%s, %s, %d deep, %d extra fields, %d connections", srvQuiet, cell.Section, cell.Pipeline, cell.Fields, targetConns), cfg.helloBin, prof, true)
			continue
		}
		if testBin == "" {
			testBin = filepath.Join(cfg.tmp, "server-bench.test")
			if out, err := exec.CommandContext(ctx, "go", "test", "-c", "-o", testBin, ".").CombinedOutput(); err != nil {
				note(res, fmt.Errorf("building the test binary for profiles: %v\n%s", err, out))
				return
			}
		}
		prof := filepath.Join(cfg.tmp, "server-bench.prof")
		cmd := exec.CommandContext(ctx, testBin, "-test.run", "^$", "-test.bench", bench, "-test.benchtime", "1s", "-test.cpuprofile", prof)
		cmd.Dir = cfg.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			note(res, fmt.Errorf("profiling %s: %v\n%s", t.Name, err, out))
			continue
		}
		addProfile(ctx, res, t.Name, testBin, prof, true)
	}
}

// serverSectionsMarkdown renders the server sections of README.md.
func serverSectionsMarkdown(res *Results) string {
	if len(res.ServerLoad) == 0 {
		return ""
	}
	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	w("## Server load: pipelining and many fields\n\n")
	w("The same servers and driver as the hello-world table, at %d keep-alive connections, none of\n", targetConns)
	w("them logging. *Pipelined* writes 16 requests at once on each connection and then reads the 16\n")
	w("responses (issue 11's target: ≥ %gx fasthttp). *Fields* adds N request fields to each `GET /`\n", wantVsFastHTTP)
	w("(registered names first, then `X-Extra-Field-i`) and an `X-Request-Id` of its own, a count of the\n")
	w("connection's requests, so that no two requests of a connection are alike and every one is parsed\n")
	w("in full (issue 15's targets at 90: ≥ %gx net/http and\n", wantFieldsVsNetHTTP)
	w("≥ %gx fasthttp). Each cell is the best of %d rounds; the last column is ours ÷ that row. The\n", wantFieldsVsFastHTTP, res.LoadSpec.Rounds)
	w("targets are medians of paired rounds, as for the hello-world table.\n\n")
	w("| shape | server | req/s | p99 ms | errors | server CPU (cores) | req per server CPU-s | ours ÷ this |\n")
	w("|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, l := range res.ServerLoad {
		shape := fmt.Sprintf("%d deep", l.Pipeline)
		if l.Section == "fields" {
			shape = fmt.Sprintf("%d fields", l.Fields)
		}
		if l.Err != "" && l.Requests == 0 {
			w("| %s | %s | – | – | – | – | – | %s |\n", shape, l.Server, l.Err)
			continue
		}
		cores, perCPU := "–", "–"
		if l.ServerCores > 0 {
			cores, perCPU = fmt.Sprintf("%.2f", l.ServerCores), num(l.RPS/l.ServerCores)
		}
		rel := "–"
		if o, ok := res.serverRow(srvQuiet, l.serverCell); ok && l.Server != srvQuiet {
			rel = ratio(o.RPS, l.RPS)
		}
		w("| %s | %s | %s | %s | %d | %s | %s | %s |\n", shape, l.Server, num(l.RPS), num(l.P99ms), l.Errors+l.Non2xx, cores, perCPU, rel)
	}
	w("\n%s", fieldCurveMarkdown(res))
	return sb.String()
}

func init() {
	groupNotes["ServerPipelined"] = "Issue 11's in-process benchmark, built like fasthttp's " +
		"`BenchmarkServerGet10KReqPerConn`: a fake connection returns 10,000 pipelined `GET /` requests " +
		"and drops the responses, so ns/op is one request through each server's whole path (read, parse, " +
		"environ or request object, handler, response) without the kernel's share. Targets: ours ≤ 1.0x " +
		"fasthttp ns/request and ≤ 1 alloc/request of the server's own (the WSGI application answers " +
		"from `Environ.Blocks` and allocates nothing). `Get10KDistinctPerConn` is the same with no " +
		"two requests alike (each its own target and `X-Request-Id`), so a server gains nothing from " +
		"recognising a head equal to the one before it, as ours does; it has no target and shows what " +
		"a full parse costs."
	groupNotes["ServerFields"] = "Issue 15's field growth, in process as ServerPipelined (1,000 " +
		"pipelined requests a connection): `GET` with N extra fields of registered names (Known), of names " +
		"no server knows (Unknown) or one name repeated (Repeated, `X-Forwarded-For`); None0 is the " +
		"baseline. No two requests are alike (each has its own target and `X-Request-Id`, the baseline's " +
		"too), so no server gains from recognising a head equal to the one before it and every request " +
		"is parsed in full. Measured in rounds, interleaved, the fastest of each kept. The per-field " +
		"table below the server load derives the cost per field."
}
