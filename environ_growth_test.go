package wsgiref_test

import (
	"fmt"
	"testing"

	"github.com/gowsgi/wsgiref"
)

// growthSizes are the environ sizes of issue 15's growth benchmarks.
var growthSizes = []int{10, 50, 100, 150}

// growthKeys returns n distinct keys shaped like a request's: the CGI
// variables a server sets first, then HTTP_* fields as a request reader
// adds them.
func growthKeys(n int) []string {
	base := []string{
		"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
		"SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "CONTENT_TYPE", "HTTP_HOST",
	}
	keys := make([]string, 0, n)
	keys = append(keys, base[:min(n, len(base))]...)
	for i := len(keys); i < n; i++ {
		keys = append(keys, fmt.Sprintf("HTTP_X_FIELD_%03d", i))
	}
	return keys
}

// buildHasSet fills e the way a header reader that joins repeated fields
// does: Has, then Set.
func buildHasSet(e *wsgiref.Environ, keys []string) {
	for _, k := range keys {
		if !e.Has(k) {
			e.Set(k, "v")
		}
	}
}

// BenchmarkEnvironGrowth measures the environ's operations at 10 to 150
// keys on a pooled environ (Reset between builds, as a server does). The
// build cost is per environ; divide by the size for the per-key cost.
func BenchmarkEnvironGrowth(b *testing.B) {
	for _, n := range growthSizes {
		keys := growthKeys(n)
		e := new(wsgiref.Environ)
		buildHasSet(e, keys)
		b.Run(fmt.Sprintf("op=build/keys=%d", n), func(b *testing.B) {
			e := new(wsgiref.Environ)
			buildHasSet(e, keys)
			b.ReportAllocs()
			for b.Loop() {
				e.Reset()
				buildHasSet(e, keys)
			}
		})
		for _, at := range []struct {
			name string
			key  string
		}{{"first", keys[0]}, {"middle", keys[n/2]}, {"last", keys[n-1]}} {
			b.Run(fmt.Sprintf("op=get-%s/keys=%d", at.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = e.Get(at.key)
				}
			})
		}
		last := keys[n-1]
		b.Run(fmt.Sprintf("op=set/keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Set(last, "w")
			}
		})
		b.Run(fmt.Sprintf("op=setdefault/keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e.SetDefault(last, "w")
			}
		})
		b.Run(fmt.Sprintf("op=get-absent/keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = e.Get("HTTP_NOT_THERE")
			}
		})
	}
}
