package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

// A bar is one value of a chart; a barGroup is bars drawn together under
// one label.
type bar struct {
	who   string
	value float64
	text  string
}

type barGroup struct {
	label string
	bars  []bar
}

// A panel is one chart with its own scale.
type panel struct {
	title  string
	log    bool
	groups []barGroup
}

// colors keeps one color per contender across panels.
var colors = map[string]string{
	"wsgiref": "#1f77b4", srvSimple: "#1f77b4", srvQuiet: "#08519c", srvBridge: "#6baed6",
	"nethttp": "#2ca02c", srvNetHTTP: "#2ca02c", "neturl": "#2ca02c",
	"fasthttp": "#ff7f0e", "cgi-style": "#8c8c8c", "map": "#bcbd22",
	"cpython": "#9467bd", srvCPython: "#9467bd", srvWerkzeug: "#d62728",
}

func colorOf(who string) string {
	if c, ok := colors[who]; ok {
		return c
	}
	return "#7f7f7f"
}

const (
	chartWidth  = 960
	labelWidth  = 250
	barHeight   = 14
	barGap      = 3
	groupGap    = 12
	panelGap    = 34
	valueMargin = 150
)

// chartSVG draws the panels one under the other as horizontal bars,
// values written at the end of each bar.
func chartSVG(panels []panel) string {
	var body strings.Builder
	y := 20
	for _, p := range panels {
		if len(p.groups) == 0 {
			continue
		}
		y = drawPanel(&body, p, y) + panelGap
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", chartWidth, y, chartWidth, y)
	fmt.Fprintf(&sb, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	sb.WriteString(body.String())
	sb.WriteString("</svg>\n")
	return sb.String()
}

func drawPanel(sb *strings.Builder, p panel, y int) int {
	fmt.Fprintf(sb, `<text x="10" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", y, html.EscapeString(p.title))
	y += 12
	maxV, minV := 0.0, math.Inf(1)
	for _, g := range p.groups {
		for _, b := range g.bars {
			if b.value > 0 {
				maxV = math.Max(maxV, b.value)
				minV = math.Min(minV, b.value)
			}
		}
	}
	span := float64(chartWidth - labelWidth - valueMargin)
	scale := func(v float64) float64 {
		if v <= 0 || maxV <= 0 {
			return 0
		}
		if !p.log {
			return span * v / maxV
		}
		lo := math.Floor(math.Log10(minV))
		hi := math.Log10(maxV)
		if hi <= lo {
			return span
		}
		return span * math.Max(0.02, (math.Log10(v)-lo)/(hi-lo))
	}
	for _, g := range p.groups {
		y += groupGap
		top := y
		for _, b := range g.bars {
			w := scale(b.value)
			fmt.Fprintf(sb, `<text x="%d" y="%d" text-anchor="end" fill="#444">%s</text>`, labelWidth-8, y+barHeight-3, html.EscapeString(label(b.who)))
			fmt.Fprintf(sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, labelWidth, y, w, barHeight, colorOf(b.who))
			fmt.Fprintf(sb, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(labelWidth)+w+4, y+barHeight-3, html.EscapeString(b.text))
			y += barHeight + barGap
		}
		fmt.Fprintf(sb, `<text x="10" y="%d" font-weight="bold">%s</text>`+"\n", top+barHeight-3, html.EscapeString(g.label))
	}
	return y
}

// chartPanels turns the results into the panels of chart.svg.
func chartPanels(res *Results) []panel {
	var panels []panel
	micro := panel{title: "Micro-benchmarks: ns per operation (log scale; shorter is faster)", log: true}
	for _, g := range []string{"Headers", "Environ", "URI"} {
		var ops []string
		for _, b := range res.Micro {
			if b.Group == g && !slices.Contains(ops, b.Op) {
				ops = append(ops, b.Op)
			}
		}
		for _, op := range ops {
			bg := barGroup{label: g + " " + op}
			for _, b := range res.Micro {
				if b.Group == g && b.Op == op {
					bg.bars = append(bg.bars, bar{who: b.Who, value: b.NsPerOp, text: num(b.NsPerOp) + " ns"})
				}
			}
			slices.SortStableFunc(bg.bars, func(a, b bar) int { return whoRank(a.who) - whoRank(b.who) })
			micro.groups = append(micro.groups, bg)
		}
	}
	panels = append(panels, micro)
	panels = append(panels, environGrowthPanel(res)) // environgrowth.go
	panels = append(panels, fieldCurvePanel(res))    // fields.go
	if rb := routeBuildPanel(res); len(rb.groups) > 0 {
		panels = append(panels, rb) // routers.go
	}

	loadP := panel{title: "Hello-world throughput: requests per second (longer is faster)"}
	var conns []int
	for _, l := range res.Load {
		if !slices.Contains(conns, l.Conns) {
			conns = append(conns, l.Conns)
		}
	}
	slices.Sort(conns)
	for _, n := range conns {
		bg := barGroup{label: fmt.Sprintf("%d conns", n)}
		for _, l := range res.Load {
			if l.Conns == n && l.Requests > 0 {
				bg.bars = append(bg.bars, bar{who: l.Server, value: l.RPS, text: num(l.RPS) + " req/s"})
			}
		}
		if len(bg.bars) > 0 {
			loadP.groups = append(loadP.groups, bg)
		}
	}
	panels = append(panels, loadP)

	fileP := panel{title: "64 MiB file over loopback: MB/s (longer is faster)"}
	bg := barGroup{label: "download"}
	for _, b := range res.Micro {
		if b.Group == "File" && b.MBPerS > 0 && b.Source == "load" {
			bg.bars = append(bg.bars, bar{who: b.Who, value: b.MBPerS, text: num(b.MBPerS) + " MB/s"})
		}
	}
	if len(bg.bars) > 0 {
		slices.SortStableFunc(bg.bars, func(a, b bar) int { return whoRank(a.who) - whoRank(b.who) })
		fileP.groups = append(fileP.groups, bg)
	}
	panels = append(panels, fileP)

	memP := panel{title: "Memory per idle keep-alive connection: KiB (shorter is leaner)"}
	mg := barGroup{label: "RSS / conn"}
	for _, m := range res.Memory {
		if m.Err == "" {
			mg.bars = append(mg.bars, bar{who: m.Server, value: m.PerConnKB, text: num(m.PerConnKB) + " KiB"})
		}
	}
	if len(mg.bars) > 0 {
		memP.groups = append(memP.groups, mg)
	}
	return append(panels, memP)
}
