package headers_test

import (
	"testing"

	"github.com/gowsgi/wsgiref/headers"
)

var sinkString string

func BenchmarkGet(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		sinkString = h.Get("last-modified") // near the end: scans nine fields
	}
}

func BenchmarkGetMissing(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		sinkString = h.Get("X-Missing-Header")
	}
}

// BenchmarkSet replaces a field in a list with spare capacity.
func BenchmarkSet(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		h.Set("Content-Length", "5678")
	}
}

// BenchmarkGetAll collects the two Set-Cookie values into a caller's buffer
// (AppendValues), the allocation-free form of get_all.
func BenchmarkGetAll(b *testing.B) {
	h := response()
	buf := make([]string, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		buf = h.AppendValues(buf[:0], "set-cookie")
	}
}

// BenchmarkGetAllSlice is GetAll itself, which returns a new slice.
func BenchmarkGetAllSlice(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.GetAll("set-cookie")
	}
}

func BenchmarkAppendTo(b *testing.B) {
	h := response()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = h.AppendTo(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkString(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		sinkString = h.String()
	}
}

func BenchmarkValidate(b *testing.B) {
	h := response()
	b.ReportAllocs()
	for b.Loop() {
		if h.Validate() != nil {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkAddHeader(b *testing.B) {
	h := make(headers.Headers, 0, 4)
	b.ReportAllocs()
	for b.Loop() {
		h = h[:0]
		h.AddHeader("Content-Disposition", "attachment", headers.Param{"filename", "report.pdf"})
	}
}

func BenchmarkCanonical(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = headers.Canonical("www-authenticate")
	}
}

// The hot paths' allocation budgets, counted rather than timed.
func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocation counts differ under coverage or the race detector")
	}
	h := response()
	buf := make([]string, 0, 4)
	out := make([]byte, 0, 1024)
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"Get", func() { sinkString = h.Get("last-modified") }},
		{"Lookup", func() { sinkString, _ = h.Lookup("etag") }},
		{"Has", func() { _ = h.Has("vary") }},
		{"Set", func() { h.Set("Content-Length", "5678") }},
		{"Del+Add", func() { h.Del("Server"); h.Add("Server", "x") }},
		{"SetDefault", func() { sinkString = h.SetDefault("Vary", "x") }},
		{"AppendValues", func() { buf = h.AppendValues(buf[:0], "set-cookie") }},
		{"ValuesOf", func() {
			for v := range h.ValuesOf("set-cookie") {
				sinkString = v
			}
		}},
		{"AppendTo", func() { out = h.AppendTo(out[:0]) }},
		{"Validate", func() { _ = h.Validate() }},
		{"Canonical", func() { sinkString, _ = headers.Canonical("etag") }},
		{"EqualFold", func() { _ = headers.EqualFold("Content-Type", "content-type") }},
	} {
		if n := testing.AllocsPerRun(100, tt.f); n != 0 {
			t.Errorf("%s: %v allocs, want 0", tt.name, n)
		}
	}
}
