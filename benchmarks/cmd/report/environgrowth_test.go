package main

import (
	"strings"
	"testing"
)

func TestEnvironGrowth(t *testing.T) {
	res := &Results{Micro: []Bench{
		{Name: "EnvironGrowth/build/keys=10/wsgiref", NsPerOp: 2000},
		{Name: "EnvironGrowth/build/keys=150/wsgiref", NsPerOp: 36000, AllocsPerOp: 0},
		{Name: "EnvironGrowth/build/keys=10/map", NsPerOp: 1000},
		{Name: "EnvironGrowth/get-last/keys=10/wsgiref", NsPerOp: 10},
		{Name: "EnvironGrowth/get-last/keys=150/wsgiref", NsPerOp: 12, AllocsPerOp: 1},
		{Name: "EnvironGrowth/set/keys=10/wsgiref", NsPerOp: 10},
		{Name: "EnvironGrowth/set/keys=150/wsgiref", NsPerOp: 20},
	}}
	if _, c, ok := res.perKeyCost("build", 150, "wsgiref"); !ok || c != 240 {
		t.Errorf("build at 150: %v %v, want 240 ns/key", c, ok)
	}
	if _, c, ok := res.perKeyCost("get-last", 150, "wsgiref"); !ok || c != 12 {
		t.Errorf("get-last at 150: %v %v, want 12", c, ok)
	}
	evalEnvironGrowthTargets(res)
	byName := map[string]Target{}
	for _, tg := range res.Targets {
		byName[tg.Name] = tg
	}
	for name, want := range map[string]struct{ measured, met bool }{
		"Environ build per key, 150 keys vs 10":     {true, true},  // 1.20x
		"Environ get-last per key, 150 keys vs 10":  {true, false}, // an alloc
		"Environ set per key, 150 keys vs 10":       {true, false}, // 2.00x
		"Environ get-first per key, 150 keys vs 10": {false, false},
	} {
		got, ok := byName[name]
		if !ok || got.Measured != want.measured || got.Met != want.met {
			t.Errorf("%s: %+v, want measured %v met %v", name, got, want.measured, want.met)
		}
	}
	md := environGrowthMarkdown(res)
	for _, row := range []string{"| build | wsgiref (ours) | 200 | – | – | 240 | 1.20x |", "| build | map[string]string | 100 | – | – | – | – |"} {
		if !strings.Contains(md, row) {
			t.Errorf("no row %q in:\n%s", row, md)
		}
	}
	if p := environGrowthPanel(res); len(p.groups) != 6 {
		t.Errorf("chart panel has %d groups, want 6 (build, get-last and set at 10 and 150)", len(p.groups))
	}
}
