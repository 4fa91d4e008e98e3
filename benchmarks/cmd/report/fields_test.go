package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestPerFieldCost(t *testing.T) {
	res := &Results{Micro: []Bench{
		{Name: "ServerFields/None0/wsgiref", NsPerOp: 5000},
		{Name: "ServerFields/Known10/wsgiref", NsPerOp: 7000},
		{Name: "ServerFields/Known100/wsgiref", NsPerOp: 36000},
	}}
	if c, ok := res.perFieldCost("Known", 10, "wsgiref"); !ok || c != 200 {
		t.Errorf("at 10: %v %v, want 200", c, ok)
	}
	if c, ok := res.perFieldCost("Known", 100, "wsgiref"); !ok || c != 310 {
		t.Errorf("at 100: %v %v, want 310", c, ok)
	}
	if _, ok := res.perFieldCost("Unknown", 10, "wsgiref"); ok {
		t.Error("Unknown10 was not measured")
	}
	evalFieldTargets(res)
	got := res.Targets[0]
	if got.Name != "Server per-field cost, 100 fields vs 10 (Known)" || got.Met || !got.Measured || !strings.HasPrefix(got.Got, "1.55x") {
		t.Errorf("Known target: %+v", got)
	}
	// The fit through (0, 5000), (10, 7000), (100, 36000): x̄ 36.67,
	// ȳ 16,000, Σ(x−x̄)(y−ȳ) 1,910,000, Σ(x−x̄)² 6,066.67: 314.8.
	if !strings.Contains(got.Got, "; least-squares slope over 0/10/50/100 fields 315 ns/field") {
		t.Errorf("Known target without its fit: %q", got.Got)
	}
	if res.Targets[1].Measured {
		t.Errorf("Unknown target measured without its benchmarks: %+v", res.Targets[1])
	}
}

// TestPerFieldCostCPU: with the CPU time per request, the costs come from
// it, not from the wall time that the waits for a core swell.
func TestPerFieldCostCPU(t *testing.T) {
	res := &Results{Micro: []Bench{
		{Name: "ServerFields/None0/wsgiref", NsPerOp: 9000, CPUNsPerOp: 1000},
		{Name: "ServerFields/Known10/wsgiref", NsPerOp: 9500, CPUNsPerOp: 1200},
		{Name: "ServerFields/Known100/wsgiref", NsPerOp: 30000, CPUNsPerOp: 3000},
	}}
	if c, ok := res.perFieldCost("Known", 10, "wsgiref"); !ok || c != 20 {
		t.Errorf("at 10: %v %v, want 20", c, ok)
	}
	if u := res.fieldUnit(); u != "CPU ns" {
		t.Errorf("unit %q, want CPU ns", u)
	}
	evalFieldTargets(res)
	if got := res.Targets[0]; !got.Met || !strings.HasPrefix(got.Got, "1.00x (20.0 vs 20.0 CPU ns/field)") {
		t.Errorf("Known target: %+v", got)
	}
	if md := fieldCurveMarkdown(res); !strings.Contains(md, "| fields | server | CPU ns/field at 10 |") || !strings.Contains(md, "| Known | wsgiref (ours) | 20.0 | – | 20.0 | 1.00x | 20.0 |") {
		t.Errorf("markdown in CPU ns:\n%s", md)
	}
}

func TestLeastSquaresSlope(t *testing.T) {
	for _, c := range []struct {
		xs, ys []float64
		want   float64
		ok     bool
	}{
		{[]float64{0, 1, 2}, []float64{1, 3, 5}, 2, true},
		{[]float64{0, 10, 50, 100}, []float64{1000, 1200, 2000, 3000}, 20, true},
		// A noisy baseline moves the fit far less than the cost at 10:
		// 1,050 instead of 1,000 makes (ns_10 − ns_0) ÷ 10 15, not 20,
		// and the slope 19.68: x̄ 40, Σ(x−x̄)² 6,200, so the baseline
		// weighs 40 ÷ 6,200 in the slope, 1 ÷ 10 in the cost at 10.
		{[]float64{0, 10, 50, 100}, []float64{1050, 1200, 2000, 3000}, 19.6774, true},
		{[]float64{5, 5}, []float64{1, 2}, 0, false}, // one x: no line
		{[]float64{1}, []float64{1}, 0, false},
		{[]float64{1, 2}, []float64{1}, 0, false},
	} {
		got, ok := leastSquaresSlope(c.xs, c.ys)
		if ok != c.ok || math.Abs(got-c.want) > 1e-3 {
			t.Errorf("leastSquaresSlope(%v, %v) = %v %v, want %v %v", c.xs, c.ys, got, ok, c.want, c.ok)
		}
	}
}

// fieldSample is a run where ours costs 20 ns a field at every size but
// the baseline came out 50 ns slow, and net/http's cost a field grows.
func fieldSample() *Results {
	res := &Results{}
	add := func(name string, ns float64) { res.Micro = append(res.Micro, Bench{Name: name, NsPerOp: ns}) }
	add("ServerFields/None0/wsgiref", 1050)
	add("ServerFields/None0/nethttp", 3000)
	for _, n := range fieldSizes {
		add(fmt.Sprintf("ServerFields/Known%d/wsgiref", n), 1000+20*float64(n))
		add(fmt.Sprintf("ServerFields/Known%d/nethttp", n), 3000+float64(n)*(100+float64(n)))
	}
	return res
}

func TestFieldSlope(t *testing.T) {
	res := fieldSample()
	if s, ok := res.fieldSlope("Known", "wsgiref"); !ok || math.Abs(s-19.6774) > 1e-3 {
		t.Errorf("wsgiref Known: %v %v, want 19.68", s, ok)
	}
	if _, ok := res.fieldSlope("Unknown", "wsgiref"); ok {
		t.Error("a fit through the baseline alone")
	}
	// net/http: 100+N ns a field, 110 at 10 and 200 at 100; the slope
	// over 0/10/50/100 is 200.3, as the cost at 100: growth shows in the
	// costs at 10 and 50 under the slope, not in the slope.
	if s, ok := res.fieldSlope("Known", "nethttp"); !ok || math.Abs(s-200.3226) > 1e-3 {
		t.Errorf("nethttp Known: %v %v, want 200.32", s, ok)
	}
}

func TestFieldCurveMarkdown(t *testing.T) {
	md := fieldCurveMarkdown(fieldSample())
	for _, want := range []string{
		"| fields | server | ns/field at 10 | ns/field at 50 | ns/field at 100 | 100 ÷ 10 | fit ns/field |",
		// ours: (1200−1050)÷10 = 15, (2000−1050)÷50 = 19, (3000−1050)÷100 = 19.5.
		"| Known | wsgiref (ours) | 15.0 | 19.0 | 19.5 | 1.30x | 19.7 |",
		"| Known | net/http | 110 | 150 | 200 | 1.82x | 200 |",
		"| Unknown | wsgiref (ours) | – | – | – | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestFieldsPattern(t *testing.T) {
	for _, c := range []struct {
		bench, want string
		ok          bool
	}{
		{".", "^BenchmarkServerFields$", true},
		{"^BenchmarkServer", "^BenchmarkServerFields$", true},
		{"ServerFields/Known", "^BenchmarkServerFields$/Known", true},
		{"Router", "", false},
		{"^BenchmarkServerPipelined$", "", false},
		{"(", "", false},
	} {
		got, ok := fieldsPattern(c.bench)
		if got != c.want || ok != c.ok {
			t.Errorf("fieldsPattern(%q) = %q %v, want %q %v", c.bench, got, ok, c.want, c.ok)
		}
	}
}
