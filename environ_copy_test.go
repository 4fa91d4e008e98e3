package wsgiref

import (
	"fmt"
	"slices"
	"testing"
)

// TestCopyFrom copies environs of 0 to 100 variables, hot keys among
// them, into a fresh environ and into a pooled one that held more or
// fewer, and checks that the copy holds src's variables in src's order
// with an exact index and exact hot positions, keeps its own typed fields
// and extensions, and is independent of src both ways.
func TestCopyFrom(t *testing.T) {
	for _, n := range []int{0, 1, 5, indexMin - 1, indexMin, indexMin + 1, 40, 100} {
		var src Environ
		for i := range n {
			switch i {
			case 1:
				src.Set("PATH_INFO", "/p")
			case 3:
				src.Set("REQUEST_METHOD", "GET")
			default:
				src.Set(fmt.Sprintf("HTTP_X_%d", i), fmt.Sprint(i))
			}
		}
		want := slices.Clone(src.vars)
		for _, before := range []int{0, 3, 30, 120} {
			where := fmt.Sprintf("%d variables into an environ of %d", n, before)
			var dst Environ
			for i := range before {
				dst.Set(fmt.Sprintf("HTTP_OLD_%d", i), "old")
			}
			dst.Set("SCRIPT_NAME", "/old")
			dst.SetExtension("x", 1)
			dst.Multithread = true
			dst.CopyFrom(&src)
			if !slices.Equal(dst.vars, want) {
				t.Fatalf("%s: variables %v, want %v", where, dst.vars, want)
			}
			if tail := dst.vars[len(dst.vars):cap(dst.vars)]; slices.ContainsFunc(tail, func(v variable) bool { return v != variable{} }) {
				t.Fatalf("%s: the list's tail keeps old variables", where)
			}
			checkIndex(t, &dst, where)
			for h, k := range hotNames {
				if got, want := dst.hotIndex(h), plainScan(&dst, k); got != want {
					t.Fatalf("%s: kept position of %s is %d, a scan says %d", where, k, got, want)
				}
			}
			if _, ok := dst.Extension("x"); !ok || !dst.Multithread {
				t.Fatalf("%s: CopyFrom changed the typed fields or extensions", where)
			}
			for _, v := range want {
				if got, ok := dst.Lookup(v.name); !ok || got != v.value {
					t.Fatalf("%s: Lookup(%q) = %q, %v, want %q", where, v.name, got, ok, v.value)
				}
			}
			if dst.Has("HTTP_OLD_0") {
				t.Fatalf("%s: an old variable survived", where)
			}
			// Writes to either side stay on that side.
			dst.Set("HTTP_X_2", "changed")
			dst.Set("HTTP_NEW", "new")
			dst.Del("PATH_INFO")
			src.Set("HTTP_SRC_ONLY", "s")
			checkIndex(t, &dst, where+", after writes")
			if !slices.Equal(src.vars[:len(want)], want) || src.Has("HTTP_NEW") || dst.Has("HTTP_SRC_ONLY") {
				t.Fatalf("%s: the copy and its source share state", where)
			}
			checkIndex(t, &src, where+", source after writes")
			src.Del("HTTP_SRC_ONLY")
		}
		self := *src.Clone()
		self.CopyFrom(&self)
		if !slices.Equal(self.vars, want) {
			t.Fatalf("%d variables: CopyFrom of itself changed it", n)
		}
	}
}

// TestCopyFromAllocs checks that copying a base environ into a pooled one,
// then filling it past the index threshold, allocates nothing once the
// pooled environ has held as many.
func TestCopyFromAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	var base, e Environ
	for _, k := range []string{"SERVER_NAME", "GATEWAY_INTERFACE", "SERVER_PORT", "REMOTE_HOST", "CONTENT_LENGTH", "SCRIPT_NAME"} {
		base.Set(k, "v")
	}
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("HTTP_X_%d", i)
	}
	fill := func() {
		e.Reset()
		e.CopyFrom(&base)
		for _, k := range keys {
			e.Set(k, "v")
		}
	}
	fill()
	if n := testing.AllocsPerRun(50, fill); n != 0 {
		t.Errorf("Reset, CopyFrom and fill to %d variables: %v allocs, want 0", e.Len(), n)
	}
}

// serverBase and serverRequest are the variables simpleserver's
// GetEnviron writes for a GET with Host and User-Agent: its base environ,
// then the request's.
var (
	serverBase    = []string{"SERVER_NAME", "GATEWAY_INTERFACE", "SERVER_PORT", "REMOTE_HOST", "CONTENT_LENGTH", "SCRIPT_NAME"}
	serverRequest = []string{"SERVER_PROTOCOL", "SERVER_SOFTWARE", "REQUEST_METHOD", "PATH_INFO", "QUERY_STRING",
		"REMOTE_ADDR", "CONTENT_TYPE", "HTTP_HOST", "HTTP_USER_AGENT", URLSchemeKey}
)

// BenchmarkEnvironServerFill fills a pooled environ as a server does for
// each request, the base copied by a Set per key (copy=set) or by
// CopyFrom (copy=CopyFrom), then reads a few variables as a handler does.
func BenchmarkEnvironServerFill(b *testing.B) {
	var base Environ
	for _, k := range serverBase {
		base.Set(k, "v")
	}
	for _, copyFrom := range []bool{false, true} {
		name := "copy=set"
		if copyFrom {
			name = "copy=CopyFrom"
		}
		b.Run(name, func(b *testing.B) {
			var e Environ
			b.ReportAllocs()
			for b.Loop() {
				e.Reset()
				if copyFrom {
					e.CopyFrom(&base)
				} else {
					for k, v := range base.All() {
						e.Set(k, v)
					}
				}
				for _, k := range serverRequest {
					if !e.Has(k) {
						e.Set(k, "v")
					}
				}
				_ = e.Get("CONTENT_LENGTH")
				_ = e.Get("HTTP_TRANSFER_ENCODING")
				_ = e.Get("REQUEST_METHOD")
			}
		})
	}
}
