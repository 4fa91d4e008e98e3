package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref/benchmarks/load"
	"github.com/gowsgi/wsgiref/internal/frontend"
)

// The gateway table of issue 14: the hello application behind nginx,
// which speaks a gateway protocol (FastCGI, and what other files add) to a
// backend process of cmd/hello. The load driver talks HTTP to nginx; the
// figure that compares gateways is the backend's CPU per request, since
// nginx and the driver cost the same whichever backend answers.

// A gateway is one row of the table: a cmd/hello backend behind nginx.
type gateway struct {
	// Name is the row label and the key in results.json.
	Name string
	// Server is the backend's cmd/hello -server name.
	Server string
	// Nginx returns the configuration that passes every request to the
	// backend listening at addr ("127.0.0.1:port").
	Nginx func(addr string) frontend.NginxConfig
	// Note goes under the table.
	Note string
}

const (
	gwFastCGI        = "wsgiref fastcgi"
	gwNetHTTPFastCGI = "net/http/fcgi"
	gatewayConns     = 16
	// wantFastCGIPerCPU is issue 14's target: this package's FastCGI
	// against net/http/fcgi, requests per backend CPU-second.
	wantFastCGIPerCPU = 1.5
)

// gateways are measured in this order. A file adding a gateway (SCGI,
// uwsgi, proxy_pass) appends to it in an init function.
var gateways = []gateway{
	{Name: gwFastCGI, Server: "fastcgi", Nginx: fastcgiNginx,
		Note: "this module's `fastcgi.Serve` with the hello WSGI app, over `fastcgi_pass` with `fastcgi_keep_conn on` to an upstream with `keepalive 32`."},
	{Name: gwNetHTTPFastCGI, Server: "nethttp-fcgi", Nginx: fastcgiNginx,
		Note: "the standard library's `net/http/fcgi.Serve` with the plain net/http handler, same nginx configuration."},
}

// fastcgiNginx passes every request over kept FastCGI connections.
func fastcgiNginx(addr string) frontend.NginxConfig {
	return frontend.NginxConfig{
		HTTP:   "upstream backend { server " + addr + "; keepalive 32; }",
		Server: "location / { include fastcgi_params; fastcgi_keep_conn on; fastcgi_pass backend; }",
	}
}

// GatewayRow is one gateway at gatewayConns connections: the LoadRow's
// Server is the gateway's name and its ServerCores the backend's.
type GatewayRow struct {
	LoadRow
	// FrontCores is nginx's CPU time (master and worker) over the wall time.
	FrontCores float64 `json:"front_cores"`
}

// runGateways starts every gateway's backend and its nginx, then measures
// them round after round, interleaved, each keeping its best round, as
// runLoad does.
func runGateways(ctx context.Context, cfg *config, res *Results) {
	type running struct {
		g  gateway
		p  *process
		fe *frontend.Server
	}
	var all []running
	for _, g := range gateways {
		p, err := start(ctx, cfg, contender{Name: g.Name, command: goHello(g.Server)}, "")
		if err != nil {
			note(res, err)
			res.Gateways = append(res.Gateways, GatewayRow{LoadRow: LoadRow{Server: g.Name, Conns: gatewayConns, Err: "did not start"}})
			continue
		}
		defer p.stop()
		fe, err := frontend.StartNginx(cfg.tmp, g.Nginx(p.addr))
		if err != nil {
			note(res, fmt.Errorf("gateway %s: nginx: %v", g.Name, short(err)))
			res.Gateways = append(res.Gateways, GatewayRow{LoadRow: LoadRow{Server: g.Name, Conns: gatewayConns, Err: "nginx did not start"}})
			continue
		}
		defer fe.Stop()
		all = append(all, running{g, p, fe})
	}
	best := map[string]GatewayRow{}
	for round := 1; round <= cfg.rounds && ctx.Err() == nil; round++ {
		logf("gateways: round %d of %d", round, cfg.rounds)
		for _, r := range all {
			row := gatewayCell(ctx, cfg, r.g.Name, r.p, r.fe)
			if b, seen := best[r.g.Name]; !seen || (row.Err == "" && row.RPS > b.RPS) {
				best[r.g.Name] = row
			}
		}
	}
	for _, r := range all {
		res.Gateways = append(res.Gateways, best[r.g.Name])
	}
}

// cpuOf sums the CPU time of processes; ok is false when one could not be
// read.
func cpuOf(pids []int) (time.Duration, bool) {
	var total time.Duration
	for _, pid := range pids {
		t, err := load.CPUTime(pid)
		if err != nil {
			return 0, false
		}
		total += t
	}
	return total, true
}

// gatewayCell warms the pair up, then measures the throughput through
// nginx and the CPU time of the backend and of nginx.
func gatewayCell(ctx context.Context, cfg *config, name string, p *process, fe *frontend.Server) GatewayRow {
	lc := load.Config{Addr: fe.Addr, Conns: gatewayConns, Requests: cfg.maxRequests, Timeout: 10 * time.Second}
	row := GatewayRow{LoadRow: LoadRow{Server: name, Conns: gatewayConns}}
	lc.Duration = cfg.warmup
	if _, err := load.Run(ctx, lc); err != nil {
		row.Err = err.Error()
		return row
	}
	pids := fe.Processes()
	lc.Duration = cfg.cell
	back0, err0 := load.CPUTime(p.cmd.Process.Pid)
	front0, ok0 := cpuOf(pids)
	r, err := load.Run(ctx, lc)
	back1, err1 := load.CPUTime(p.cmd.Process.Pid)
	front1, ok1 := cpuOf(pids)
	if r.Elapsed > 0 {
		if err0 == nil && err1 == nil {
			row.ServerCores = float64(back1-back0) / float64(r.Elapsed)
		}
		if ok0 && ok1 {
			row.FrontCores = float64(front1-front0) / float64(r.Elapsed)
		}
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
	logf("  %-36s %4d conns %9.0f req/s  p99 %8.3f ms  errors %d  backend CPU %.2f cores  nginx %.2f cores",
		name, gatewayConns, row.RPS, row.P99ms, row.Errors+row.Non2xx, row.ServerCores, row.FrontCores)
	return row
}

// gatewayRow returns a measured row of the gateway table.
func (r *Results) gatewayRow(name string) (GatewayRow, bool) {
	for _, g := range r.Gateways {
		if g.Server == name && g.Err == "" && g.Requests > 0 {
			return g, true
		}
	}
	return GatewayRow{}, false
}

// perBackendCPU is requests per backend CPU-second, 0 when not measured.
func (g GatewayRow) perBackendCPU() float64 {
	if g.ServerCores <= 0 {
		return 0
	}
	return g.RPS / g.ServerCores
}

// evalGatewayTargets adds issue 14's target: this package's FastCGI
// against net/http/fcgi per backend CPU-second (req/s through nginx is
// reported beside it; nginx and the driver share the machine's cores).
func evalGatewayTargets(res *Results) {
	t := Target{Name: fmt.Sprintf("FastCGI through nginx, %s vs %s at %d conns", gwFastCGI, gwNetHTTPFastCGI, gatewayConns),
		Want: fmt.Sprintf("≥ %gx requests per backend CPU-second", wantFastCGIPerCPU)}
	ours, ok1 := res.gatewayRow(gwFastCGI)
	peer, ok2 := res.gatewayRow(gwNetHTTPFastCGI)
	switch {
	case !ok1 || !ok2:
		t.Got = "not measured (a gateway or nginx did not run)"
	case ours.perBackendCPU() == 0 || peer.perBackendCPU() == 0:
		t.Got = "backend CPU not measured"
	default:
		r := ours.perBackendCPU() / peer.perBackendCPU()
		t.Got = fmt.Sprintf("%.2fx (%s vs %s req per CPU-second; req/s %.2fx: %s vs %s)", r,
			num(ours.perBackendCPU()), num(peer.perBackendCPU()), ours.RPS/peer.RPS, num(ours.RPS), num(peer.RPS))
		t.Met, t.Measured = r >= wantFastCGIPerCPU, true
	}
	res.Targets = append(res.Targets, t)
}

// gatewaysMarkdown renders the gateway table and its notes.
func gatewaysMarkdown(res *Results) string {
	if len(res.Gateways) == 0 {
		return ""
	}
	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	w("## Gateways behind nginx\n\n")
	w("The hello application in a backend process, behind nginx (one worker, started by the report\n")
	w("on loopback with a temporary configuration); the load driver sends `GET /` to nginx on %d\n", gatewayConns)
	w("keep-alive connections, %gs per cell, best of %d rounds. *Backend CPU* is the backend\n", res.LoadSpec.Seconds, res.LoadSpec.Rounds)
	w("process's CPU time over the wall time, and per request; *nginx CPU* the same for nginx. The\n")
	w("driver, nginx and the backend share the machine's cores, so req/s is bounded by all three;\n")
	w("the backend's CPU per request is what tells the gateways apart. The last column is requests\n")
	w("per backend CPU-second, that row's ÷ %s's.\n\n", gwNetHTTPFastCGI)
	w("| gateway | conns | req/s | p50 ms | p99 ms | errors | backend CPU (cores) | backend CPU µs/req | nginx CPU (cores) | per backend CPU-s vs %s |\n", gwNetHTTPFastCGI)
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	peer, okPeer := res.gatewayRow(gwNetHTTPFastCGI)
	for _, g := range res.Gateways {
		if g.Err != "" || g.Requests == 0 {
			w("| %s | %d | – | – | – | – | – | – | – | %s |\n", g.Server, g.Conns, g.Err)
			continue
		}
		us, rel := "–", "–"
		if g.ServerCores > 0 {
			us = fmt.Sprintf("%.1f", 1e6*g.ServerCores/g.RPS)
		}
		if okPeer && g.perBackendCPU() > 0 && peer.perBackendCPU() > 0 {
			rel = fmt.Sprintf("%.2fx", g.perBackendCPU()/peer.perBackendCPU())
		}
		w("| %s | %d | %s | %s | %s | %d | %.2f | %s | %.2f | %s |\n", g.Server, g.Conns, num(g.RPS), num(g.P50ms), num(g.P99ms),
			g.Errors+g.Non2xx, g.ServerCores, us, g.FrontCores, rel)
	}
	w("\n")
	for _, g := range gateways {
		w("- **%s**: %s\n", g.Name, g.Note)
	}
	w("\n")
	return sb.String()
}
