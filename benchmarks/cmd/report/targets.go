package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// headerTargetOps are the operations with the "0.75x fasthttp, 0 allocs"
// target.
var headerTargetOps = []string{"GetFirst", "GetLast", "Set", "Serialize"}

const (
	wantFasthttpRatio = 0.75
	wantVsNetHTTP     = 1.0
	wantVsCPython     = 15.0
	targetConns       = 16
)

// evalTargets checks the targets against this run. A target whose
// inputs are missing is reported as not measured, never as met.
func evalTargets(res *Results) {
	for _, op := range headerTargetOps {
		t := Target{Name: "Headers " + op + " vs fasthttp", Want: fmt.Sprintf("≤ %.2fx fasthttp ns/op and 0 allocs", wantFasthttpRatio)}
		ours, ok1 := res.find("Headers/" + op + "/wsgiref")
		fh, ok2 := res.find("Headers/" + op + "/fasthttp")
		if ok1 && ok2 && fh.NsPerOp > 0 {
			r := ours.NsPerOp / fh.NsPerOp
			t.Got = fmt.Sprintf("%.2fx (%s vs %s ns/op), %g allocs", r, num(ours.NsPerOp), num(fh.NsPerOp), ours.AllocsPerOp)
			t.Met, t.Measured = r <= wantFasthttpRatio && ours.AllocsPerOp == 0, true
		} else {
			t.Got = "not measured"
		}
		res.Targets = append(res.Targets, t)
	}

	t := Target{Name: "Environ build allocations", Want: "0 allocs/op in steady state (pooled environ)"}
	if b, ok := res.find("Environ/Build/wsgiref"); ok {
		t.Got = fmt.Sprintf("%g allocs/op, %g B/op, %s ns/op", b.AllocsPerOp, b.BytesPerOp, num(b.NsPerOp))
		t.Met, t.Measured = b.AllocsPerOp == 0, true
	} else {
		t.Got = "not measured"
	}
	res.Targets = append(res.Targets, t)

	evalRouterTargets(res) // routers.go

	// Like for like: net/http logs nothing, so it meets our server with
	// its access log off; CPython logs every request, as ours does by
	// default.
	for _, peer := range []struct {
		ours, name string
		want       float64
	}{{srvQuiet, srvNetHTTP, wantVsNetHTTP}, {srvSimple, srvCPython, wantVsCPython}} {
		ours, okOurs := res.loadRow(peer.ours, targetConns)
		p, okPeer := res.loadRow(peer.name, targetConns)
		res.Targets = append(res.Targets, loadTarget(fmt.Sprintf("Hello-world throughput, %s vs %s at %d conns", peer.ours, peer.name, targetConns),
			ours, p, okOurs, okPeer, peer.want, false))
	}
}

// profileMissed takes a CPU profile for each missed target and keeps the
// top of it, so the report shows where the time goes.
func profileMissed(ctx context.Context, cfg *config, res *Results) {
	var testBin string
	profiled := map[string]bool{}
	for _, t := range res.Targets {
		if !t.Measured || t.Met {
			continue
		}
		var bench, profName string
		switch {
		case strings.HasPrefix(t.Name, "Headers "):
			op := strings.Fields(t.Name)[1]
			bench, profName = "^BenchmarkHeaders$/^"+op+"$/^wsgiref$", "headers-"+op
		case strings.HasPrefix(t.Name, "Router "):
			op := strings.Fields(t.Name)[1]
			bench, profName = "^BenchmarkRouter$/^"+op+"$/^wsgiref$", "router-"+op
		case strings.HasPrefix(t.Name, "Environ ") && strings.HasSuffix(t.Name, " per key, 150 keys vs 10"):
			// The large size: where the per-key cost grew.
			op := strings.Fields(t.Name)[1]
			bench, profName = "^BenchmarkEnvironGrowth$/^"+op+"$/^keys=150$/^wsgiref$", "environ-"+op
		}
		switch {
		case bench != "":
			if testBin == "" {
				testBin = filepath.Join(cfg.tmp, "bench.test")
				if out, err := exec.CommandContext(ctx, "go", "test", "-c", "-o", testBin, ".").CombinedOutput(); err != nil {
					note(res, fmt.Errorf("building the test binary for profiles: %v\n%s", err, out))
					return
				}
			}
			prof := filepath.Join(cfg.tmp, profName+".prof")
			cmd := exec.CommandContext(ctx, testBin, "-test.run", "^$", "-test.bench", bench,
				"-test.benchtime", "1s", "-test.cpuprofile", prof)
			cmd.Dir = cfg.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				note(res, fmt.Errorf("profiling %s: %v\n%s", t.Name, err, out))
				continue
			}
			addProfile(ctx, res, t.Name, testBin, prof, false)
		case strings.HasPrefix(t.Name, "Hello-world"):
			server := srvSimple
			if strings.Contains(t.Name, srvQuiet) {
				server = srvQuiet
			}
			if profiled[server] {
				continue
			}
			profiled[server] = true
			prof := filepath.Join(cfg.tmp, strings.ReplaceAll(server, " ", "_")+".prof")
			pcfg := *cfg
			pcfg.cpuprofile = prof
			p, err := start(ctx, &pcfg, contenderNamed(server), "")
			if err != nil {
				note(res, err)
				continue
			}
			loadCell(ctx, &pcfg, server, p, targetConns)
			p.stop()
			addProfile(ctx, res, server+" under "+fmt.Sprint(targetConns)+" connections", cfg.helloBin, prof, true)
		}
	}
}

// addProfile keeps the top of a profile: by own time for a
// micro-benchmark (which instruction is hot), by cumulative time for a
// server (which stage of a request costs).
func addProfile(ctx context.Context, res *Results, target, bin, prof string, cum bool) {
	args := []string{"tool", "pprof", "-top", "-nodecount=22"}
	if cum {
		args = append(args, "-cum")
	}
	out, err := exec.CommandContext(ctx, "go", append(args, bin, prof)...).CombinedOutput()
	if err != nil {
		note(res, fmt.Errorf("pprof for %s: %v\n%s", target, err, out))
		return
	}
	top := strings.TrimSpace(string(out))
	if i := strings.Index(top, "Showing nodes"); i >= 0 {
		top = top[i:] // drop the binary's path, build ID and time
	}
	res.Profiles = append(res.Profiles, Profile{Target: target, Top: top})
}
