package benchmarks

import (
	"fmt"
	"maps"
	"testing"

	"github.com/gowsgi/wsgiref"
)

// The environ growth benchmarks (issue 15) time the environ's operations
// at 10 to 150 variables, beside a map[string]string (what CPython's
// dict is to wsgiref), both pooled: reset and refilled, as a server does.
// The names are BenchmarkEnvironGrowth/OP/keys=N/WHO, so the report can
// draw each operation's cost against N.

// environGrowthSizes are the sizes the issue asks for.
var environGrowthSizes = []int{10, 50, 100, 150}

// growthKeys returns n distinct keys in the order a server adds them:
// the CGI variables, then HTTP_* fields as a request reader finds them.
func growthKeys(n int) []string {
	base := []string{
		"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
		"SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "CONTENT_TYPE", "HTTP_HOST",
	}
	keys := append([]string(nil), base[:min(n, len(base))]...)
	for i := len(keys); i < n; i++ {
		keys = append(keys, fmt.Sprintf("HTTP_X_FIELD_%03d", i))
	}
	return keys
}

// A growthEnv is one contender: an environ-like store of string variables.
type growthEnv interface {
	reset()
	has(k string) bool
	get(k string) string
	set(k, v string)
	setDefault(k, v string) string
	vars() map[string]string
}

type wsgirefGrowth struct{ e wsgiref.Environ }

func (w *wsgirefGrowth) reset()                        { w.e.Reset() }
func (w *wsgirefGrowth) has(k string) bool             { return w.e.Has(k) }
func (w *wsgirefGrowth) get(k string) string           { return w.e.Get(k) }
func (w *wsgirefGrowth) set(k, v string)               { w.e.Set(k, v) }
func (w *wsgirefGrowth) setDefault(k, v string) string { return w.e.SetDefault(k, v) }
func (w *wsgirefGrowth) vars() map[string]string       { return maps.Collect(w.e.All()) }

type mapGrowth struct{ m map[string]string }

func (w *mapGrowth) reset()              { clear(w.m) }
func (w *mapGrowth) has(k string) bool   { _, ok := w.m[k]; return ok }
func (w *mapGrowth) get(k string) string { return w.m[k] }
func (w *mapGrowth) set(k, v string)     { w.m[k] = v }
func (w *mapGrowth) setDefault(k, v string) string {
	if old, ok := w.m[k]; ok {
		return old
	}
	w.m[k] = v
	return v
}
func (w *mapGrowth) vars() map[string]string { return maps.Clone(w.m) }

var growthContenders = []struct {
	who string
	new func() growthEnv
}{
	{"wsgiref", func() growthEnv { return new(wsgirefGrowth) }},
	{"map", func() growthEnv { return &mapGrowth{m: map[string]string{}} }},
}

// fillGrowth is the build the issue measures: Has, then Set, the pattern
// of a reader that joins repeated header fields.
func fillGrowth(g growthEnv, keys []string) {
	for _, k := range keys {
		if !g.has(k) {
			g.set(k, "v")
		}
	}
}

// BenchmarkEnvironGrowth times build (per environ: divide by N for the
// per-key cost), Get of the first, middle and last key, Set of an
// existing key and SetDefault of an existing key.
func BenchmarkEnvironGrowth(b *testing.B) {
	for _, n := range environGrowthSizes {
		keys := growthKeys(n)
		for _, c := range growthContenders {
			g := c.new()
			fillGrowth(g, keys)
			run := func(op string, f func()) {
				b.Run(fmt.Sprintf("%s/keys=%d/%s", op, n, c.who), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						f()
					}
				})
			}
			run("build", func() { g.reset(); fillGrowth(g, keys) })
			run("get-first", func() { _ = g.get(keys[0]) })
			run("get-middle", func() { _ = g.get(keys[n/2]) })
			run("get-last", func() { _ = g.get(keys[n-1]) })
			run("set", func() { g.set(keys[n-1], "w") })
			run("setdefault", func() { _ = g.setDefault(keys[n-1], "w") })
		}
	}
}

// TestEnvironGrowthAgree checks that the contenders hold the same
// variables after a build and after a refill, so the benchmark compares
// the same work.
func TestEnvironGrowthAgree(t *testing.T) {
	for _, n := range environGrowthSizes {
		keys := growthKeys(n)
		var want map[string]string
		for _, c := range growthContenders {
			g := c.new()
			fillGrowth(g, keys)
			g.set(keys[n-1], "w")
			if got := g.setDefault(keys[n-1], "x"); got != "w" {
				t.Errorf("%s at %d: SetDefault of a present key = %q, want w", c.who, n, got)
			}
			g.reset()
			fillGrowth(g, keys)
			got := g.vars()
			if len(got) != n {
				t.Errorf("%s at %d: %d variables", c.who, n, len(got))
			}
			if want == nil {
				want = got
			} else if !maps.Equal(got, want) {
				t.Errorf("%s at %d: variables differ from %s", c.who, n, growthContenders[0].who)
			}
		}
	}
}
