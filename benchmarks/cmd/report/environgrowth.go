package main

import (
	"fmt"
	"strings"
)

// Issue 15's environ growth, from the EnvironGrowth micro-benchmarks
// (benchmarks/environ_growth_test.go): each operation at 10, 50, 100 and
// 150 variables, ours beside a map[string]string. A build costs per
// environ, so its per-key cost is ns/op ÷ N; a lookup or a write costs per
// call, so its per-key cost is its ns/op. Flat means the same at every N.

var (
	growthOps   = []string{"build", "get-first", "get-middle", "get-last", "set", "setdefault"}
	growthSizes = []int{10, 50, 100, 150}
	growthWhos  = []string{"wsgiref", "map"}
)

// wantEnvironGrowth is the target: the per-key cost at 150 keys at
// most this times the per-key cost at 10.
const wantEnvironGrowth = 1.5

func init() {
	groupNotes["EnvironGrowth"] = "Environ operations at N string variables on a pooled environ " +
		"(`Reset` between builds, as a server does): build is the Has-then-Set fill of a reader that joins " +
		"repeated fields, Get reads the first, middle and last key, Set and SetDefault an existing one. " +
		"map is a `map[string]string` cleared between builds. The per-key curve is under " +
		"*Environ growth* below."
}

// perKeyCost returns the per-key cost in ns of an operation at n keys.
//
// For example, with EnvironGrowth/build/keys=10/wsgiref at 2,500 ns,
// perKeyCost("build", 10, "wsgiref") is 250; for get-last it is the
// ns/op itself.
func (r *Results) perKeyCost(op string, n int, who string) (Bench, float64, bool) {
	b, ok := r.find(fmt.Sprintf("EnvironGrowth/%s/keys=%d/%s", op, n, who))
	if !ok {
		return b, 0, false
	}
	if op == "build" {
		return b, b.NsPerOp / float64(n), true
	}
	return b, b.NsPerOp, true
}

// evalEnvironGrowthTargets adds issue 15's environ target per operation:
// per-key cost at 150 ≤ 1.5x at 10, and 0 allocs at every size.
func evalEnvironGrowthTargets(res *Results) {
	for _, op := range growthOps {
		t := Target{Name: "Environ " + op + " per key, 150 keys vs 10",
			Want: fmt.Sprintf("≤ %gx and 0 allocs at every size", wantEnvironGrowth)}
		_, c10, ok1 := res.perKeyCost(op, 10, "wsgiref")
		_, c150, ok2 := res.perKeyCost(op, 150, "wsgiref")
		if !ok1 || !ok2 || c10 <= 0 {
			t.Got = "not measured"
			res.Targets = append(res.Targets, t)
			continue
		}
		allocs := 0.0
		for _, n := range growthSizes {
			if b, _, ok := res.perKeyCost(op, n, "wsgiref"); ok {
				allocs = max(allocs, b.AllocsPerOp)
			}
		}
		r := c150 / c10
		t.Got = fmt.Sprintf("%.2fx (%s vs %s ns/key), at most %g allocs", r, num(c150), num(c10), allocs)
		t.Met, t.Measured = r <= wantEnvironGrowth && allocs == 0, true
		res.Targets = append(res.Targets, t)
	}
}

// environGrowthMarkdown renders the per-key cost of each operation at each
// size, ours and the map's, with the growth from 10 to 150.
func environGrowthMarkdown(res *Results) string {
	if _, ok := res.find("EnvironGrowth/build/keys=10/wsgiref"); !ok {
		return ""
	}
	var sb strings.Builder
	sb.WriteString("### Environ growth\n\n")
	sb.WriteString("Per-key cost in ns (build: ns/op ÷ N; the others: ns/op) from the EnvironGrowth ")
	sb.WriteString("micro-benchmarks. Past 16 variables the environ keeps a hash index beside its ")
	sb.WriteString("ordered slice; issue 15's target: ours at 150 ≤ 1.5x ours at 10, 0 allocs.\n\n")
	sb.WriteString("| operation | contender |")
	for _, n := range growthSizes {
		fmt.Fprintf(&sb, " %d keys |", n)
	}
	sb.WriteString(" 150 ÷ 10 |\n|---|---|")
	for range growthSizes {
		sb.WriteString("---:|")
	}
	sb.WriteString("---:|\n")
	for _, op := range growthOps {
		for _, who := range growthWhos {
			fmt.Fprintf(&sb, "| %s | %s |", op, label(who))
			for _, n := range growthSizes {
				if _, c, ok := res.perKeyCost(op, n, who); ok {
					fmt.Fprintf(&sb, " %s |", num(c))
				} else {
					sb.WriteString(" – |")
				}
			}
			_, c10, ok1 := res.perKeyCost(op, 10, who)
			_, c150, ok2 := res.perKeyCost(op, 150, who)
			if ok1 && ok2 && c10 > 0 {
				fmt.Fprintf(&sb, " %.2fx |\n", c150/c10)
			} else {
				sb.WriteString(" – |\n")
			}
		}
	}
	sb.WriteString("\n")
	return sb.String()
}

// environGrowthPanel charts the per-key cost of build, get-last and set
// against the size, ours beside the map's.
func environGrowthPanel(res *Results) panel {
	p := panel{title: "Environ growth: ns per key against the number of keys (shorter is faster; flat is linear)"}
	for _, op := range []string{"build", "get-last", "set"} {
		for _, n := range growthSizes {
			bg := barGroup{label: fmt.Sprintf("%s, %d keys", op, n)}
			for _, who := range growthWhos {
				if _, c, ok := res.perKeyCost(op, n, who); ok {
					bg.bars = append(bg.bars, bar{who: who, value: c, text: num(c) + " ns/key"})
				}
			}
			if len(bg.bars) > 0 {
				p.groups = append(p.groups, bg)
			}
		}
	}
	return p
}
