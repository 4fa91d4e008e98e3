package main

import (
	"fmt"
	"strings"
)

// Issue 15's field growth, from the ServerFields micro-benchmarks: the
// cost of one extra field at N fields is (ns/request at N − ns/request
// with none) ÷ N. A server whose per-request cost grows linearly with the
// fields has the same per-field cost at every N.

var (
	fieldKinds   = []string{"Known", "Unknown", "Repeated"}
	fieldSizes   = []int{10, 50, 100}
	fieldServers = []string{"wsgiref", "nethttp", "fasthttp"}
)

// perFieldCost returns the cost of one field at n fields of a kind for a
// server of the ServerFields benchmarks, in ns.
//
// For example, with ServerFields/None0/wsgiref at 5,000 ns and
// ServerFields/Known10/wsgiref at 7,000 ns, perFieldCost("Known", 10,
// "wsgiref") is 200.
func (r *Results) perFieldCost(kind string, n int, who string) (float64, bool) {
	base, ok1 := r.find("ServerFields/None0/" + who)
	at, ok2 := r.find(fmt.Sprintf("ServerFields/%s%d/%s", kind, n, who))
	if !ok1 || !ok2 || n == 0 {
		return 0, false
	}
	return (at.NsPerOp - base.NsPerOp) / float64(n), true
}

// evalFieldTargets adds issue 15's server targets.
func evalFieldTargets(res *Results) {
	for _, kind := range fieldKinds {
		t := Target{Name: "Server per-field cost, 100 fields vs 10 (" + kind + ")",
			Want: fmt.Sprintf("≤ %gx", wantFieldGrowth)}
		c10, ok1 := res.perFieldCost(kind, 10, "wsgiref")
		c100, ok2 := res.perFieldCost(kind, 100, "wsgiref")
		if ok1 && ok2 && c10 > 0 {
			r := c100 / c10
			t.Got = fmt.Sprintf("%.2fx (%s vs %s ns/field)", r, num(c100), num(c10))
			t.Met, t.Measured = r <= wantFieldGrowth, true
		} else {
			t.Got = "not measured"
		}
		res.Targets = append(res.Targets, t)
	}
	at90 := serverCells[2]
	ours, okOurs := res.serverRow(srvQuiet, at90)
	for _, peer := range []struct {
		name string
		want float64
	}{{srvNetHTTP, wantFieldsVsNetHTTP}, {srvFastHTTP, wantFieldsVsFastHTTP}} {
		p, okPeer := res.serverRow(peer.name, at90)
		res.Targets = append(res.Targets, loadTarget(fmt.Sprintf("Server with 90 fields, %s vs %s at %d conns", srvQuiet, peer.name, targetConns),
			ours, p, okOurs, okPeer, peer.want, false))
	}
}

// fieldCurveMarkdown renders the per-field cost of each server at each
// size, and the growth from 10 to 100 fields.
func fieldCurveMarkdown(res *Results) string {
	if _, ok := res.find("ServerFields/None0/wsgiref"); !ok {
		return ""
	}
	var sb strings.Builder
	sb.WriteString("Cost of one extra request field, in process (from the ServerFields micro-benchmarks: ")
	sb.WriteString("(ns/request at N − ns/request with none) ÷ N; issue 15's target: ours at 100 ≤ 1.5x ours at 10):\n\n")
	sb.WriteString("| fields | server |")
	for _, n := range fieldSizes {
		fmt.Fprintf(&sb, " ns/field at %d |", n)
	}
	sb.WriteString(" 100 ÷ 10 |\n|---|---|")
	for range fieldSizes {
		sb.WriteString("---:|")
	}
	sb.WriteString("---:|\n")
	for _, kind := range fieldKinds {
		for _, who := range fieldServers {
			fmt.Fprintf(&sb, "| %s | %s |", kind, label(who))
			for _, n := range fieldSizes {
				if c, ok := res.perFieldCost(kind, n, who); ok {
					fmt.Fprintf(&sb, " %s |", num(c))
				} else {
					sb.WriteString(" – |")
				}
			}
			c10, ok1 := res.perFieldCost(kind, 10, who)
			c100, ok2 := res.perFieldCost(kind, 100, who)
			if ok1 && ok2 && c10 > 0 {
				fmt.Fprintf(&sb, " %.2fx |\n", c100/c10)
			} else {
				sb.WriteString(" – |\n")
			}
		}
	}
	sb.WriteString("\n")
	return sb.String()
}

// fieldCurvePanel charts the per-field cost of each server at each size
// and kind: a server whose cost grows linearly with the fields draws
// bars of one length across the sizes.
func fieldCurvePanel(res *Results) panel {
	p := panel{title: "Request fields: ns per extra field against the number of fields (shorter is faster; flat is linear)"}
	for _, kind := range fieldKinds {
		for _, n := range fieldSizes {
			bg := barGroup{label: fmt.Sprintf("%s, %d fields", kind, n)}
			for _, who := range fieldServers {
				if c, ok := res.perFieldCost(kind, n, who); ok && c > 0 {
					bg.bars = append(bg.bars, bar{who: who, value: c, text: num(c) + " ns/field"})
				}
			}
			if len(bg.bars) > 0 {
				p.groups = append(p.groups, bg)
			}
		}
	}
	return p
}
