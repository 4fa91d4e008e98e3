package main

import (
	"strings"
	"testing"
)

func TestParseRouteBuilds(t *testing.T) {
	out := "=== RUN   TestRouteFileBuildCost\n" +
		"    bigroutes_test.go:159: routefile routes=1000 lines=37298 generate=0.310s build=3.100s cpu=5.590s peak_rss_mib=367 load=1.00/2.00/3.00\n" +
		"    bigroutes_test.go:159: routefile routes=5000 lines=186846 generate=1.500s build=9.500s cpu=26.630s peak_rss_mib=1653 load=0.50/0.60/0.70\n" +
		"--- PASS: TestRouteFileBuildCost (60.00s)\n"
	rows := parseRouteBuilds(out)
	want := []RouteBuild{
		{Routes: 1000, Lines: 37298, GenerateS: 0.31, BuildS: 3.1, CPUS: 5.59, PeakRSSMiB: 367, Load: "1.00/2.00/3.00"},
		{Routes: 5000, Lines: 186846, GenerateS: 1.5, BuildS: 9.5, CPUS: 26.63, PeakRSSMiB: 1653, Load: "0.50/0.60/0.70"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	res := &Results{RouteBuilds: rows}
	evalRouteBuildTarget(res)
	if tg := res.Targets[0]; !tg.Measured || tg.Met || !strings.Contains(tg.Got, "9.5 s wall") {
		t.Errorf("target %+v: 9.5 s and 1653 MiB must miss", tg)
	}
	res.RouteBuilds[1].BuildS, res.RouteBuilds[1].PeakRSSMiB = 7.9, 1000
	res.Targets = nil
	evalRouteBuildTarget(res)
	if !res.Targets[0].Met {
		t.Errorf("target %+v: 7.9 s and 1000 MiB must be met", res.Targets[0])
	}
	if s := routeBuildSection(res); !strings.Contains(s, "| 5,000 | 186,846 | 1.50 s | 7.9 s | 26.6 s | 5.3 ms | 1000 MiB | 0.50/0.60/0.70 |") {
		t.Errorf("section:\n%s", s)
	}
	res.RouteBuilds = nil
	res.Targets = nil
	evalRouteBuildTarget(res)
	if res.Targets[0].Measured || routeBuildSection(res) != "" {
		t.Errorf("no builds: %+v", res.Targets)
	}
}
