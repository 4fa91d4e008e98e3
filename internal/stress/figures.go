package stress

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Markers around the figures block in RELIABILITY.md; WriteFigures
// replaces what lies between them.
const (
	BeginMarker = "<!-- longrun:begin -->"
	EndMarker   = "<!-- longrun:end -->"
)

// Figures is everything one long run measured.
type Figures struct {
	Command  string
	Date     time.Time
	Load     LoadFigures
	Cap      LoadFigures // load past simpleserver.WithMaxConns
	Shutdown []ShutdownFigures
	CGI      CGIFigures
	CGIErr   error // why the CGI run did not happen, if it did not
	Fuzz     []FuzzResult
}

// Problems returns every failed check of every part.
func (f *Figures) Problems() []string {
	var p []string
	p = append(p, prefixed("load: ", f.Load.Problems)...)
	p = append(p, prefixed("load at the cap: ", f.Cap.Problems)...)
	for i, s := range f.Shutdown {
		p = append(p, prefixed(fmt.Sprintf("shutdown round %d: ", i), s.Problems)...)
	}
	if f.CGIErr != nil {
		p = append(p, "cgi: "+f.CGIErr.Error())
	}
	p = append(p, prefixed("cgi: ", f.CGI.Problems)...)
	for _, r := range f.Fuzz {
		if r.Result == FuzzFailed {
			p = append(p, fmt.Sprintf("fuzz %s %s: %s", r.Target.Pkg, r.Target.Name, r.Detail))
		}
	}
	return p
}

func prefixed(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// Markdown renders the figures block of RELIABILITY.md.
func (f *Figures) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	l := f.Load
	w("Last long run: %s, `%s`, %s, GOMAXPROCS %d, %d CPUs, %s/%s.\n\n",
		f.Date.UTC().Format("2006-01-02 15:04 MST"), f.Command, runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	w("| load | |\n|---|---|\n")
	w("| requests (complete / sent) | %d / %d at %d keep-alive connections |\n", l.Complete, l.Sent, l.Config.Conns)
	w("| errors (failed + refused) | %d |\n", l.Errs())
	w("| server access-log records, app responses | %d, %d |\n", l.Logged, l.Served)
	w("| wall time, req/s | %.1f s, %.0f |\n", l.Elapsed.Seconds(), l.RequestsPerSecond())
	w("| bytes out / in | %s / %s |\n", mib(l.BytesOut), mib(l.BytesIn))
	w("| goroutines before / after | %d / %d |\n", l.Before.Goroutines, l.After.Goroutines)
	w("| live heap (HeapAlloc) before / after | %s / %s (bound: before + %s) |\n", kib(l.Before.HeapAlloc), kib(l.After.HeapAlloc), kib(HeapSlack))
	w("| HeapInuse before / after | %s / %s |\n\n", kib(l.Before.HeapInuse), kib(l.After.HeapInuse))

	c := f.Cap
	w("Load past the connection cap (WithMaxConns(%d), %d clients): %d requests sent, %d complete = %d logged, %d refused (a kept-alive connection shed as the next request left), %d failed, %d connections opened, %.1f s; goroutines %d / %d, heap %s / %s.\n\n",
		c.Config.MaxConns, c.Config.Conns, c.Sent, c.Complete, c.Logged, c.Refused, c.Failed, c.Dials, c.Elapsed.Seconds(),
		c.Before.Goroutines, c.After.Goroutines, kib(c.Before.HeapAlloc), kib(c.After.HeapAlloc))

	w("| shutdown round | conns | sent | complete = logged | refused | cut | Shutdown took | goroutines before / after |\n|---|---|---|---|---|---|---|---|\n")
	for i, s := range f.Shutdown {
		w("| %d | %d | %d | %d = %d | %d | %d | %v | %d / %d |\n", i, s.Config.Conns, s.Sent, s.Complete, s.Logged, s.Refused, s.Cut,
			s.ShutdownTook.Round(time.Microsecond), s.Before.Goroutines, s.After.Goroutines)
	}
	w("\n")
	if f.CGIErr != nil {
		w("CGI under lighttpd: not run (%v).\n\n", f.CGIErr)
	} else {
		c := f.CGI
		w("CGI under lighttpd: %d of %d responses complete and exact, %d clients, %.1f s.\n\n", c.Complete, c.Config.Requests, c.Config.Clients, c.Elapsed.Seconds())
	}
	w("| fuzz target | -fuzztime | executions | result |\n|---|---|---|---|\n")
	for _, r := range f.Fuzz {
		w("| %s %s | %v | %d | %s |\n", r.Target.Pkg, r.Target.Name, r.Budget, r.Execs, r.Result)
	}
	if p := f.Problems(); len(p) > 0 {
		w("\nProblems:\n\n")
		for _, s := range p {
			w("- %s\n", strings.ReplaceAll(s, "\n", " "))
		}
	}
	return b.String()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func kib(n uint64) string { return fmt.Sprintf("%d KiB", n>>10) }

// ReplaceFigures returns doc with the text between BeginMarker and
// EndMarker replaced by block.
func ReplaceFigures(doc, block string) (string, error) {
	i := strings.Index(doc, BeginMarker)
	j := strings.Index(doc, EndMarker)
	if i < 0 || j < i {
		return "", errors.New("no " + BeginMarker + " ... " + EndMarker + " block")
	}
	return doc[:i+len(BeginMarker)] + "\n" + strings.TrimSpace(block) + "\n" + doc[j:], nil
}

// WriteFigures puts block between the markers of the file at path.
func WriteFigures(path, block string) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := ReplaceFigures(string(doc), block)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
