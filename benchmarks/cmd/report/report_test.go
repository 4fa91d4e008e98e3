package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseBenchLine(t *testing.T) {
	for _, c := range []struct {
		line string
		ok   bool
		want Bench
	}{
		{"BenchmarkHeaders/Set/wsgiref-2         	 1752188	        34.25 ns/op	       0 B/op	       0 allocs/op", true,
			Bench{Name: "Headers/Set/wsgiref", Group: "Headers", Op: "Set", Who: "wsgiref", NsPerOp: 34.25, HasMem: true, Source: "go"}},
		{"BenchmarkFile/64MiB/nethttp-2   10  50007551 ns/op  1341.97 MB/s  85009 B/op  1684 allocs/op", true,
			Bench{Name: "File/64MiB/nethttp", Group: "File", Op: "64MiB", Who: "nethttp", NsPerOp: 50007551, MBPerS: 1341.97, BytesPerOp: 85009, AllocsPerOp: 1684, HasMem: true, Source: "go"}},
		{"BenchmarkServerFields/Known10/wsgiref 100 6676 ns/op 1.00 MB/s 3309 cpu-ns/op 315 B/op 0 allocs/op", true,
			Bench{Name: "ServerFields/Known10/wsgiref", Group: "ServerFields", Op: "Known10", Who: "wsgiref", NsPerOp: 6676, MBPerS: 1, CPUNsPerOp: 3309, BytesPerOp: 315, HasMem: true, Source: "go"}},
		{"BenchmarkRouter/GithubAll/chi-16 100 229376 ns/op", true,
			Bench{Name: "Router/GithubAll/chi", Group: "Router", Op: "GithubAll", Who: "chi", NsPerOp: 229376, Source: "go"}},
		{"BenchmarkPlain 100 5 ns/op", true, Bench{Name: "Plain", Group: "Plain", NsPerOp: 5, Source: "go"}},
		{"BenchmarkName-with-dash 100 5 ns/op", true, Bench{Name: "Name-with-dash", Group: "Name-with-dash", NsPerOp: 5, Source: "go"}},
		{"goos: linux", false, Bench{}},
		{"BenchmarkHeaders/Set/wsgiref-2 --- FAIL", false, Bench{}},
		{"BenchmarkX 100 abc ns/op", false, Bench{}},
		{"BenchmarkX 100 5 MB/s", false, Bench{}}, // no ns/op
		{"PASS", false, Bench{}},
	} {
		got, ok := parseBenchLine(c.line)
		if ok != c.ok || got != c.want {
			t.Errorf("parseBenchLine(%q)\n got %+v %v\nwant %+v %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

func TestParseBenchOutputFastest(t *testing.T) {
	out := strings.Join([]string{
		"goos: linux",
		"BenchmarkA/x/wsgiref-2 10 30 ns/op 8 cpu-ns/op 0 B/op 0 allocs/op",
		"BenchmarkA/x/wsgiref-2 10 10 ns/op 9 cpu-ns/op 0 B/op 0 allocs/op",
		"BenchmarkA/x/wsgiref-2 10 20 ns/op 7 cpu-ns/op 0 B/op 0 allocs/op",
		"BenchmarkA/x/nethttp-2 10 7 ns/op 16 B/op 1 allocs/op",
		"BenchmarkA/x/nethttp-2 10 9 ns/op 16 B/op 1 allocs/op",
		"PASS",
	}, "\n")
	got := parseBenchOutput(out)
	// The least CPU time of the runs, not the fastest run's.
	if len(got) != 2 || got[0].Who != "wsgiref" || got[0].NsPerOp != 10 || got[0].CPUNsPerOp != 7 || got[0].Runs != 3 ||
		got[1].NsPerOp != 7 || got[1].AllocsPerOp != 1 || got[1].CPUNsPerOp != 0 {
		t.Errorf("parseBenchOutput: %+v", got)
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1.234: "1.23", 12.34: "12.3", 123.4: "123", 1234.5: "1,235", 1234567: "1,234,567", -2500: "-2,500"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
	if ratio(1, 0) != "–" || ratio(1, 4) != "0.25x" {
		t.Errorf("ratio: %q %q", ratio(1, 0), ratio(1, 4))
	}
}

func sample() *Results {
	res := &Results{Machine: Machine{CPU: "test CPU", Cores: 2}, LoadSpec: LoadParams{Seconds: 1, Rounds: 1, IdleConns: 10}}
	add := func(name string, ns, allocs float64) {
		b := Bench{Name: name, NsPerOp: ns, AllocsPerOp: allocs, HasMem: true, Source: "go"}
		b.Group, b.Op, b.Who = splitName(name)
		res.Micro = append(res.Micro, b)
	}
	add("Headers/GetFirst/wsgiref", 10, 0)
	add("Headers/GetFirst/fasthttp", 20, 0)
	add("Headers/GetLast/wsgiref", 10, 0)
	add("Headers/GetLast/fasthttp", 12, 0) // 0.83x: missed
	add("Headers/Set/wsgiref", 10, 1)      // allocates: missed
	add("Headers/Set/fasthttp", 100, 0)
	add("Environ/Build/wsgiref", 1000, 0)
	add("Headers/GetFirst/cpython", 200, 0)
	add("Router/GithubAll/wsgiref", 10000, 0)
	add("Router/GithubAll/httprouter", 20000, 167)
	add("Router/GithubAll/gin", 12000, 0) // the fastest peer: 0.83x, missed
	add("Router/GithubAll/servemux", 3000, 337)
	add("Router/GithubParam/wsgiref", 50, 0)
	add("Router/GithubParam/echo", 60, 0) // 0.83x: met
	res.Servers = []string{srvSimple, srvQuiet, srvNetHTTP, srvCPython}
	res.Load = []LoadRow{
		{Server: srvSimple, Conns: 16, RPS: 40000, Requests: 1000, KeepAlive: true},
		{Server: srvQuiet, Conns: 16, RPS: 50000, Requests: 1000, KeepAlive: true},
		{Server: srvNetHTTP, Conns: 16, RPS: 45000, Requests: 1000, KeepAlive: true},
		{Server: srvCPython, Conns: 16, RPS: 2000, Requests: 1000},
		{Server: srvWerkzeug, Conns: 16, Err: "did not start"},
	}
	res.Memory = []MemRow{{Server: srvSimple, Conns: 10, RSSBefore: 1 << 20, RSSAfter: 2 << 20, PerConnKB: 102.4}}
	return res
}

func TestEvalTargets(t *testing.T) {
	res := sample()
	evalTargets(res)
	want := map[string][2]bool{ // name -> measured, met
		"Headers GetFirst vs fasthttp":                                                {true, true},
		"Headers GetLast vs fasthttp":                                                 {true, false},
		"Headers Set vs fasthttp":                                                     {true, false},
		"Headers Serialize vs fasthttp":                                               {false, false},
		"Environ build allocations":                                                   {true, true},
		"Router GithubAll vs the fastest peer":                                        {true, false},
		"Router GithubStatic vs the fastest peer":                                     {false, false},
		"Router GithubParam vs the fastest peer":                                      {true, true},
		"Hello-world throughput, " + srvQuiet + " vs " + srvNetHTTP + " at 16 conns":  {true, true},
		"Hello-world throughput, " + srvSimple + " vs " + srvCPython + " at 16 conns": {true, true},
	}
	if len(res.Targets) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(res.Targets), len(want), res.Targets)
	}
	for _, tg := range res.Targets {
		w, ok := want[tg.Name]
		if !ok || tg.Measured != w[0] || tg.Met != w[1] {
			t.Errorf("target %q: measured %v met %v (%s), want %v", tg.Name, tg.Measured, tg.Met, tg.Got, w)
		}
	}
	// CPython at 20x the simple server's throughput... the other way round.
	res.Load[3].RPS = 4000 // 40000/4000 = 10x < 15x
	res.Targets = nil
	evalTargets(res)
	if tg := res.Targets[len(res.Targets)-1]; tg.Met || !tg.Measured {
		t.Errorf("10x CPython counted as meeting 15x: %+v", tg)
	}
}

func TestReadmeAndChart(t *testing.T) {
	res := sample()
	evalTargets(res)
	md := readme(res)
	for _, s := range []string{
		"| GetFirst | 10.0 ns · 0 B · 0 allocs | 20.0 ns · 0 B · 0 allocs (0.50x) |",
		"| " + srvNetHTTP + " | 16 | 45,000 |",
		"| " + srvWerkzeug + " | 16 | – | – | – | – | – | – | – | – | did not start |",
		"**missed**", "not measured", "102 KiB", "test CPU",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("README lacks %q", s)
		}
	}
	svg := chartSVG(chartPanels(res))
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("chart.svg is not well-formed XML: %v", err)
			}
			break
		}
	}
	for _, s := range []string{"<svg", "40,000 req/s", "10.0 ns", "fasthttp v1.66.0"} {
		if !strings.Contains(svg, s) {
			t.Errorf("chart lacks %q", s)
		}
	}
}

func TestRerender(t *testing.T) {
	dir := t.TempDir()
	res := sample()
	evalTargets(res)
	cfg := &config{out: dir}
	if err := write(cfg, res); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	os.Remove(filepath.Join(dir, "README.md"))
	if err := rerender(cfg); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil || string(first) != string(second) {
		t.Errorf("re-rendered README differs from the first rendering (err %v)", err)
	}
}
