package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// contenderLabels names the Go and Python contenders of the
// micro-benchmarks in table headers.
var contenderLabels = map[string]string{
	"wsgiref":   "wsgiref (ours)",
	"nethttp":   "net/http",
	"fasthttp":  "fasthttp v1.66.0",
	"cpython":   "CPython 3 wsgiref",
	"cgi-style": "net/http/cgi-style []string",
	"map":       "map[string]string",
	"neturl":    "(*url.URL).String",
}

// contenderOrder sorts the columns: ours first, CPython last.
var contenderOrder = []string{"wsgiref", "nethttp", "neturl", "fasthttp", "cgi-style", "map", "cpython"}

func label(who string) string {
	if l, ok := contenderLabels[who]; ok {
		return l
	}
	return who
}

func whoRank(who string) int {
	if i := slices.Index(contenderOrder, who); i >= 0 {
		return i
	}
	return len(contenderOrder)
}

// num formats a measurement with three significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1000:
		return commas(math.Round(v))
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func commas(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ratio formats a/b as "0.42x".
func ratio(a, b float64) string {
	if b == 0 || a == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// groups returns the micro-benchmark groups in a stable order: the
// issue's first, then any other (the router benchmarks, say).
func groups(res *Results) []string {
	order := []string{"Headers", "Environ", "URI", "File"}
	seen := map[string]bool{}
	for _, b := range res.Micro {
		seen[b.Group] = true
	}
	var out []string
	for _, g := range order {
		if seen[g] {
			out = append(out, g)
			delete(seen, g)
		}
	}
	var rest []string
	for g := range seen {
		rest = append(rest, g)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// microTable renders one group: a row per operation, a column per
// contender; every peer cell carries ours ÷ peer.
func microTable(res *Results, group string) string {
	var ops, whos []string
	cell := map[[2]string]Bench{}
	for _, b := range res.Micro {
		if b.Group != group {
			continue
		}
		if !slices.Contains(ops, b.Op) {
			ops = append(ops, b.Op)
		}
		if !slices.Contains(whos, b.Who) {
			whos = append(whos, b.Who)
		}
		cell[[2]string{b.Op, b.Who}] = b
	}
	slices.SortStableFunc(whos, func(a, b string) int { return whoRank(a) - whoRank(b) })
	var sb strings.Builder
	sb.WriteString("| operation |")
	for _, w := range whos {
		sb.WriteString(" " + label(w) + " |")
	}
	sb.WriteString("\n|---|")
	for range whos {
		sb.WriteString("---:|")
	}
	sb.WriteString("\n")
	for _, op := range ops {
		name := op
		if name == "" {
			name = group
		}
		sb.WriteString("| " + name + " |")
		ours, hasOurs := cell[[2]string{op, "wsgiref"}]
		for _, w := range whos {
			b, ok := cell[[2]string{op, w}]
			if !ok {
				sb.WriteString(" |")
				continue
			}
			sb.WriteString(" " + benchCell(b))
			if hasOurs && w != "wsgiref" {
				if b.MBPerS > 0 && ours.MBPerS > 0 {
					sb.WriteString(" (" + ratio(ours.MBPerS, b.MBPerS) + ")")
				} else {
					sb.WriteString(" (" + ratio(ours.NsPerOp, b.NsPerOp) + ")")
				}
			}
			sb.WriteString(" |")
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

func benchCell(b Bench) string {
	if b.MBPerS > 0 {
		return num(b.MBPerS) + " MB/s"
	}
	s := num(b.NsPerOp) + " ns"
	if b.HasMem {
		s += fmt.Sprintf(" · %s B · %g allocs", num(b.BytesPerOp), b.AllocsPerOp)
	}
	return s
}

// loadTable renders the hello-world runs with ours ÷ each row's req/s.
func loadTable(res *Results) string {
	oursName := ""
	for _, c := range contenders {
		if c.Ours && slices.Contains(res.Servers, c.Name) {
			oursName = c.Name
			break
		}
	}
	var sb strings.Builder
	sb.WriteString("| server | conns | req/s | p50 ms | p99 ms | errors | unfinished | conns reused | server CPU (cores) | req per server CPU-s | " + orDash(oursName) + " ÷ this |\n")
	sb.WriteString("|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|\n")
	for _, l := range res.Load {
		if l.Err != "" && l.Requests == 0 {
			fmt.Fprintf(&sb, "| %s | %d | – | – | – | – | – | – | – | – | %s |\n", l.Server, l.Conns, l.Err)
			continue
		}
		keep := "no"
		if l.KeepAlive {
			keep = "yes"
		}
		rel := "–"
		if o, ok := res.loadRow(oursName, l.Conns); ok && l.Server != oursName {
			rel = ratio(o.RPS, l.RPS)
		}
		cores, perCPU := "–", "–"
		if l.ServerCores > 0 {
			cores, perCPU = fmt.Sprintf("%.2f", l.ServerCores), num(l.RPS/l.ServerCores)
		}
		fmt.Fprintf(&sb, "| %s | %d | %s | %s | %s | %d | %d | %s | %s | %s | %s |\n", l.Server, l.Conns, num(l.RPS), num(l.P50ms), num(l.P99ms), l.Errors+l.Non2xx, l.Cut, keep, cores, perCPU, rel)
	}
	return sb.String()
}

func orDash(s string) string {
	if s == "" {
		return "ours"
	}
	return s
}

func memoryTable(res *Results) string {
	var sb strings.Builder
	sb.WriteString("| server | idle keep-alive conns | RSS before | RSS after | per connection |\n|---|---:|---:|---:|---:|\n")
	for _, m := range res.Memory {
		if m.Err != "" {
			fmt.Fprintf(&sb, "| %s | %d | – | – | %s |\n", m.Server, m.Conns, m.Err)
			continue
		}
		fmt.Fprintf(&sb, "| %s | %d | %s KiB | %s KiB | %s KiB |\n", m.Server, m.Conns, num(float64(m.RSSBefore>>10)), num(float64(m.RSSAfter>>10)), num(m.PerConnKB))
	}
	return sb.String()
}

func targetTable(res *Results) string {
	var sb strings.Builder
	sb.WriteString("| target | wanted | this run | |\n|---|---|---|:---:|\n")
	for _, t := range res.Targets {
		mark := "not measured"
		switch {
		case t.Measured && t.Met:
			mark = "met"
		case t.Measured:
			mark = "**missed**"
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, mark)
	}
	return sb.String()
}

// readme renders the whole benchmarks/README.md.
func readme(res *Results) string {
	var sb strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&sb, format, a...) }
	w("# Benchmarks\n\n")
	w("<!-- Generated by `go run ./cmd/report` on %s; edit cmd/report/render.go, not this file. -->\n\n", res.Generated)
	w("Side-by-side measurements of this module against net/http, fasthttp, CPython's own\n")
	w("`wsgiref` and werkzeug, on the same machine in the same session. This directory is a\n")
	w("module of its own (`replace github.com/gowsgi/wsgiref => ../`), so the peers never\n")
	w("enter the library's dependencies.\n\n")
	w("## Run\n\n```sh\ncd benchmarks\ngo run ./cmd/report          # everything, about 8 minutes on 2 cores: rewrites README.md, chart.svg, results.json\n")
	w("go run ./cmd/report -quick   # smoke run in seconds (writes to a temporary directory unless -out is given)\n")
	w("go run ./cmd/report -render  # rewrite README.md and chart.svg from results.json, measuring nothing\n")
	w("go test ./...                # CI: every benchmark compiles, runs once and agrees with its peers\n")
	w("go test -run '^$' -bench . -benchmem   # the Go micro-benchmarks alone\n```\n\n")
	w("The CPython column needs `python3` with `wsgiref` (any CPython 3); the werkzeug row needs\n")
	w("Debian's `python3-werkzeug` for `/usr/bin/python3`. Missing ones leave their cells empty.\n")
	w("Every input comes from `testdata/fixtures.json`, which the Go benchmarks and\n")
	w("`python/wsgiref_timeit.py` both read: a 10-field response header list (Content-Type,\n")
	w("Content-Length, Cache-Control, two Set-Cookie, X-Frame-Options, Vary, ETag,\n")
	w("Last-Modified, Server) and a GET with 10 headers, a query string and a 5-segment path.\n\n")

	m := res.Machine
	w("## Machine\n\n")
	w("| | |\n|---|---|\n| CPU | %s (%d logical cores, shared with other work while measuring) |\n| kernel | %s |\n| Go | %s |\n| CPython | %s |\n| system Python (werkzeug) | %s, werkzeug %s |\n", m.CPU, m.Cores, m.Kernel, m.Go, orNA(m.Python), orNA(m.SystemPython), orNA(m.Werkzeug))
	if res.Quick {
		w("\n**This is a -quick smoke run: the figures are not measurements.**\n")
	}
	w("\n![chart of the results](chart.svg)\n\n")

	w("## Targets\n\n%s\n", targetTable(res))
	for _, p := range res.Profiles {
		w("Where the time goes, %s (`go tool pprof -top`):\n\n```\n%s\n```\n\n", p.Target, p.Top)
	}

	w("## Micro-benchmarks\n\n")
	w("Cells are ns/op · B/op · allocs/op (`go test -bench -benchmem`, the fastest of %d runs: on a\n", maxRuns(res))
	w("shared machine other work only adds time) or, for CPython, the best of 3 `timeit` loops. The figure in parentheses is **ours ÷ that\n")
	w("contender**: below 1.00x ours is faster. For the file download it is MB/s, ours ÷ theirs:\n")
	w("above 1.00x ours is faster.\n\n")
	for _, g := range groups(res) {
		w("### %s\n\n%s\n", g, microTable(res, g))
		if d, ok := groupNotes[g]; ok {
			w("%s\n\n", d)
		}
	}
	w("%s", environGrowthMarkdown(res)) // environgrowth.go
	w("%s", routeBuildSection(res))     // routers.go

	w("## Server load: hello world\n\n")
	w("`load` (this module's driver, Go, loopback only) sends `GET /` on N connections for %gs per\n", res.LoadSpec.Seconds)
	w("cell (at most %s requests) after a short warm-up; each server is a separate process\n", commas(float64(res.LoadSpec.MaxRequests)))
	w("answering `Hello world!\\n` with Content-Length. All servers run at once and the cells\n")
	w("interleave; each cell is the best of %d rounds. The targets pair the rounds instead: ours ÷ the\n", res.LoadSpec.Rounds)
	w("peer within each round, and the median of those ratios, with their range (the machine drifts\n")
	w("from round to round, all servers together). The driver shares the %d cores with the\n", m.Cores)
	w("server, the same for every row. The last column is our first row's req/s ÷ that row's at\n")
	w("the same connection count. *Unfinished* are the requests still waiting when the cell's time\n")
	w("ran out (for a single-threaded server, connections starved in its listen queue); their wait\n")
	w("so far is part of the latency percentiles, so the percentiles are lower bounds. *Server CPU* is\n")
	w("the server process's CPU time (user + system, `/proc/<pid>/stat`) over the cell's wall time;\n")
	w("the rest of the machine went to the load driver and the kernel's loopback work on its side.\n\n%s\n", loadTable(res))
	for _, c := range contenders {
		w("- **%s**: %s\n", c.Name, c.Note)
	}
	w("\n%s", serverSectionsMarkdown(res))
	w("\n%s", gatewaysMarkdown(res))
	w("\n## Memory per idle keep-alive connection\n\n")
	w("Resident set size of the server process before and after opening %d connections that\n", res.LoadSpec.IdleConns)
	w("each carried one request and then stay idle (Linux `/proc/<pid>/status` VmRSS).\n\n%s\n", memoryTable(res))
	w("## Method and caveats\n\n")
	w("- The machine has %d cores and the load driver runs on them too: a fast server shares the CPU\n", m.Cores)
	w("  with the driver, while CPython's single-threaded server leaves it a core of its own. Ratios\n")
	w("  against CPython are therefore conservative; with a driver on another machine they grow.\n")
	w("- Figures taken while other work runs on the machine are noisy; the report keeps the fastest\n")
	w("  run of each micro-benchmark and the best round of each load cell, since noise only adds time.\n")
	w("  A throughput target is the median of its rounds' paired ratios: a ratio of two best rounds\n")
	w("  compares each server's luckiest round and flips with the machine's drift.\n")
	w("  Compare ratios within one run, not figures across runs.\n")
	w("- CPython's server and werkzeug close the connection after every response, so each of their\n")
	w("  requests pays a TCP connect; that is how they serve, and so they are measured.\n")
	w("- Only our servers and net/http keep connections alive, so only they have an idle-connection\n")
	w("  memory figure.\n\n")
	if len(res.Notes) > 0 {
		w("## Notes from this run\n\n")
		for _, n := range res.Notes {
			w("- %s\n", strings.ReplaceAll(strings.TrimSpace(n), "\n", " "))
		}
		w("\n")
	}
	return sb.String()
}

// groupNotes explain what each group compares.
var groupNotes = map[string]string{
	"Headers": "GetFirst and GetLast look up the first and the last field by a lower-case name " +
		"(net/http: `Header.Get`, which canonicalises the name; fasthttp: `Peek`). Set replaces " +
		"Cache-Control. GetAll reads both Set-Cookie values (ours: `GetAll`, a new slice, and " +
		"`GetAllInto`: `AppendValues` into a reused slice; fasthttp keeps cookies apart and iterates " +
		"them with `Cookies()`). Serialize writes the status line and the header block into a reused " +
		"buffer (net/http: `Header.Write`, which sorts; fasthttp: `AppendBytes`, which also adds Date).",
	"Environ": "Building the request environ from a parsed `*http.Request`: ours is " +
		"`handlers.RequestEnviron` into a pooled `wsgiref.Environ`; cgi-style builds net/http/cgi's " +
		"`[]string` of `KEY=value`; map is the direct port of Python's dict; CPython is " +
		"`WSGIRequestHandler.get_environ()` on the parsed request.",
	"URI": "`RequestURI` and `ApplicationURI` of the fixture environ against `(*url.URL).String()` on " +
		"the same values; ShiftPathInfo moves all 5 segments of PATH_INFO to SCRIPT_NAME (resetting both first).",
	"File": "A 64 MiB file downloaded over loopback on one keep-alive connection. 64MiB is the Go " +
		"benchmark (`BenchmarkFile`: server and client in one process): ours serves it through " +
		"`wsgi.file_wrapper` (the sendfile(2) path), net/http through `http.ServeFile`. 64MiB-process " +
		"is the same download by the load driver from each server running as its own process, CPython's " +
		"`FileWrapper` (8 KiB blocks, no sendfile) included. Figures are MB/s (10^6 bytes); the ratio " +
		"is ours ÷ theirs, above 1.00x ours is faster.",
}

func maxRuns(res *Results) int {
	n := 1
	for _, b := range res.Micro {
		if b.Source == "go" {
			n = max(n, b.Runs)
		}
	}
	return n
}

func orNA(s string) string {
	if s == "" {
		return "not available"
	}
	return s
}
