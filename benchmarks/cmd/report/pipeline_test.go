package main

import (
	"strings"
	"testing"
)

func TestLoadTarget(t *testing.T) {
	ours := LoadRow{RPS: 110, ServerCores: 1}
	peer := LoadRow{RPS: 100, ServerCores: 0.5}
	// Faster in req/s but at twice the CPU: met without, missed with the
	// per-CPU condition.
	if got := loadTarget("x", ours, peer, true, true, 1, false); !got.Met || !got.Measured {
		t.Errorf("req/s only: %+v", got)
	}
	if got := loadTarget("x", ours, peer, true, true, 1, true); got.Met || !strings.Contains(got.Got, "per server CPU-second 0.55x") {
		t.Errorf("per CPU: %+v", got)
	}
	if got := loadTarget("x", ours, peer, true, false, 1, true); got.Measured {
		t.Errorf("peer missing: %+v", got)
	}
}

func TestServerSectionsMarkdown(t *testing.T) {
	res := &Results{ServerLoad: []ServerLoadRow{
		{serverCells[0], LoadRow{Server: srvQuiet, Conns: 16, RPS: 200, Requests: 10, ServerCores: 1}},
		{serverCells[0], LoadRow{Server: srvFastHTTP, Conns: 16, RPS: 400, Requests: 10, ServerCores: 1}},
		{serverCells[2], LoadRow{Server: srvNetHTTP, Conns: 16, Err: "did not start"}},
	}}
	md := serverSectionsMarkdown(res)
	for _, want := range []string{"| 16 deep | fasthttp | 400 |", "0.50x |", "| 90 fields | net/http | – | – | – | – | – | did not start |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
