package main

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Results is everything one run measured; it is written to results.json
// next to README.md so the numbers behind the tables stay inspectable.
type Results struct {
	Generated string     `json:"generated"`
	Quick     bool       `json:"quick"`
	Machine   Machine    `json:"machine"`
	Micro     []Bench    `json:"micro"`
	Load      []LoadRow  `json:"load"`
	Memory    []MemRow   `json:"memory"`
	Targets   []Target   `json:"targets"`
	Notes     []string   `json:"notes"`
	Profiles  []Profile  `json:"profiles,omitempty"`
	Servers   []string   `json:"servers"`
	LoadSpec  LoadParams `json:"load_params"`

	// ServerLoad holds the pipelined and many-field runs (pipeline.go).
	ServerLoad []ServerLoadRow `json:"server_load,omitempty"`
	// Gateways holds the gateway table behind nginx (gateways.go).
	Gateways []GatewayRow `json:"gateways,omitempty"`
	// RouteBuilds holds the route-file build costs (routers.go).
	RouteBuilds []RouteBuild `json:"route_builds,omitempty"`
}

// Machine describes where the numbers come from.
type Machine struct {
	CPU, Kernel, Go, Python, SystemPython, Werkzeug string
	Cores                                           int
}

// Bench is one micro-benchmark result: Go's "Group/Op/Who" or the same
// name from the CPython timeit script.
type Bench struct {
	Name        string  `json:"name"`
	Group, Op   string  `json:"-"`
	Who         string  `json:"-"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	MBPerS      float64 `json:"mb_per_s,omitempty"`
	// CPUNsPerOp is the process's CPU time per op (the in-process server
	// benchmarks' cpu-ns/op metric): unlike ns/op, it leaves out the time
	// the benchmark waited for a core on a loaded machine.
	CPUNsPerOp float64 `json:"cpu_ns_per_op,omitempty"`
	HasMem     bool    `json:"has_mem"`
	Source     string  `json:"source"`
	Runs       int     `json:"runs"`
}

// LoadRow is one server at one connection count.
type LoadRow struct {
	Server    string  `json:"server"`
	Conns     int     `json:"conns"`
	RPS       float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Cut       int     `json:"cut_at_end"`
	Non2xx    int     `json:"non2xx"`
	Dials     int     `json:"dials"`
	KeepAlive bool    `json:"keep_alive"`
	// ServerCores is the server's CPU time over the run's wall time: how
	// many of the machine's cores it kept busy.
	ServerCores float64 `json:"server_cores"`
	Err         string  `json:"error,omitempty"`
	// Rounds are the cell's figures round by round, in the order the
	// rounds ran; the row's own are its best round's. The targets pair
	// them with a peer's (see paired.go).
	Rounds []Round `json:"rounds,omitempty"`
}

// Round is one round of a load cell: its req/s and the server's busy
// cores, both 0 when the round failed.
type Round struct {
	RPS         float64 `json:"rps"`
	ServerCores float64 `json:"server_cores"`
}

// roundOf is row's figure as one round.
func roundOf(row LoadRow) Round {
	if row.Err != "" || row.Requests == 0 {
		return Round{}
	}
	return Round{RPS: row.RPS, ServerCores: row.ServerCores}
}

// MemRow is the memory a server holds per idle keep-alive connection.
type MemRow struct {
	Server    string  `json:"server"`
	Conns     int     `json:"conns"`
	RSSBefore int64   `json:"rss_before"`
	RSSAfter  int64   `json:"rss_after"`
	PerConnKB float64 `json:"per_conn_kib"`
	Err       string  `json:"error,omitempty"`
}

// Target is one of the goals, checked against this run.
type Target struct {
	Name string `json:"name"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
	// Measured is false when a part was missing (not built, not
	// installed): the target is then neither met nor missed.
	Measured bool `json:"measured"`
}

// Profile is the top of a CPU profile taken for a missed target.
type Profile struct {
	Target string `json:"target"`
	Top    string `json:"top"`
}

// LoadParams records how the load runs were bounded.
type LoadParams struct {
	Seconds     float64 `json:"seconds_per_cell"`
	MaxRequests int     `json:"max_requests_per_cell"`
	Conns       []int   `json:"conns"`
	IdleConns   int     `json:"idle_conns"`
	Rounds      int     `json:"rounds"`
}

// splitName turns "Headers/GetFirst/wsgiref" into its parts; a name with
// two parts has an empty op.
func splitName(name string) (group, op, who string) {
	parts := strings.Split(name, "/")
	switch len(parts) {
	case 1:
		return parts[0], "", ""
	case 2:
		return parts[0], "", parts[1]
	}
	return parts[0], strings.Join(parts[1:len(parts)-1], "/"), parts[len(parts)-1]
}

// parseBenchOutput reads `go test -bench -benchmem` output. Several runs
// of the same benchmark (-count) are reduced to the fastest: on a shared
// machine other work only ever adds time, so the minimum is the best
// estimate of the code's own cost (and CPython's timeit figure is a
// minimum too). B/op and allocs/op are taken from that same run; the
// CPU time per op is the least of all runs', for the same reason.
func parseBenchOutput(out string) []Bench {
	runs := map[string][]Bench{}
	var order []string
	for _, line := range strings.Split(out, "\n") {
		b, ok := parseBenchLine(line)
		if !ok {
			continue
		}
		if _, seen := runs[b.Name]; !seen {
			order = append(order, b.Name)
		}
		runs[b.Name] = append(runs[b.Name], b)
	}
	var res []Bench
	for _, name := range order {
		rs := runs[name]
		b := slices.MinFunc(rs, func(x, y Bench) int { return cmp.Compare(x.NsPerOp, y.NsPerOp) })
		b.Runs = len(rs)
		for _, r := range rs {
			if r.CPUNsPerOp > 0 && (b.CPUNsPerOp == 0 || r.CPUNsPerOp < b.CPUNsPerOp) {
				b.CPUNsPerOp = r.CPUNsPerOp
			}
		}
		res = append(res, b)
	}
	return res
}

// parseBenchLine parses one result line:
// "BenchmarkHeaders/Set/wsgiref-2  1752188  34.25 ns/op  0 B/op  0 allocs/op".
func parseBenchLine(line string) (Bench, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return Bench{}, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return Bench{}, false
	}
	name := strings.TrimPrefix(f[0], "Benchmark")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i] // the GOMAXPROCS suffix
		}
	}
	b := Bench{Name: name, Source: "go"}
	b.Group, b.Op, b.Who = splitName(name)
	seen := false
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Bench{}, false
		}
		switch f[i+1] {
		case "ns/op":
			b.NsPerOp, seen = v, true
		case "B/op":
			b.BytesPerOp, b.HasMem = v, true
		case "allocs/op":
			b.AllocsPerOp = v
		case "MB/s":
			b.MBPerS = v
		case "cpu-ns/op":
			b.CPUNsPerOp = v
		}
	}
	if !seen || math.IsNaN(b.NsPerOp) {
		return Bench{}, false
	}
	return b, true
}

// find returns the result of a benchmark by name.
func (r *Results) find(name string) (Bench, bool) {
	for _, b := range r.Micro {
		if b.Name == name {
			return b, true
		}
	}
	return Bench{}, false
}

// loadRow returns the row of a server at a connection count.
func (r *Results) loadRow(server string, conns int) (LoadRow, bool) {
	for _, l := range r.Load {
		if l.Server == server && l.Conns == conns && l.Err == "" && l.Requests > 0 {
			return l, true
		}
	}
	return LoadRow{}, false
}
