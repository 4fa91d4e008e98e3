package benchmarks

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/headers"
	"github.com/valyala/fasthttp"
)

// A headerCase is one operation of one contender. prepare builds the
// contender's header list from the fixtures and returns run, the timed
// operation, and got, which renders the result of the last run for the
// agreement test (outside the timed loop).
type headerCase struct {
	op, who string
	prepare func(fx *Fixtures) (run func(), got func() string)
}

// statusLine is what our server writes before the header block; the
// serialisation of ours includes it because fasthttp's AppendBytes does.
const statusLine = "HTTP/1.1 200 OK\r\n"

var headerCases = []headerCase{
	// Get of the first field, lower-case name.
	{"GetFirst", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h, v := fx.Ours(), ""
		return func() { v = h.Get(fx.GetFirst) }, func() string { return v }
	}},
	{"GetFirst", "nethttp", func(fx *Fixtures) (func(), func() string) {
		h, v := fx.NetHTTP(), ""
		return func() { v = h.Get(fx.GetFirst) }, func() string { return v }
	}},
	{"GetFirst", "fasthttp", func(fx *Fixtures) (func(), func() string) {
		var h fasthttp.ResponseHeader
		var v []byte
		fx.FastHTTP(&h)
		return func() { v = h.Peek(fx.GetFirst) }, func() string { return string(v) }
	}},
	// Get of the last field.
	{"GetLast", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h, v := fx.Ours(), ""
		return func() { v = h.Get(fx.GetLast) }, func() string { return v }
	}},
	{"GetLast", "nethttp", func(fx *Fixtures) (func(), func() string) {
		h, v := fx.NetHTTP(), ""
		return func() { v = h.Get(fx.GetLast) }, func() string { return v }
	}},
	{"GetLast", "fasthttp", func(fx *Fixtures) (func(), func() string) {
		var h fasthttp.ResponseHeader
		var v []byte
		fx.FastHTTP(&h)
		return func() { v = h.Peek(fx.GetLast) }, func() string { return string(v) }
	}},
	// Set of an existing field.
	{"Set", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h := fx.Ours()
		return func() { h.Set(fx.SetName, fx.SetValue) }, func() string { return strings.Join(h.GetAll(fx.SetName), "\n") }
	}},
	{"Set", "nethttp", func(fx *Fixtures) (func(), func() string) {
		h := fx.NetHTTP()
		return func() { h.Set(fx.SetName, fx.SetValue) }, func() string { return strings.Join(h.Values(fx.SetName), "\n") }
	}},
	{"Set", "fasthttp", func(fx *Fixtures) (func(), func() string) {
		var h fasthttp.ResponseHeader
		fx.FastHTTP(&h)
		return func() { h.Set(fx.SetName, fx.SetValue) }, func() string { return bytesJoin(h.PeekAll(fx.SetName)) }
	}},
	// GetAll of the repeated field.
	{"GetAll", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h := fx.Ours()
		var v []string
		return func() { v = h.GetAll(fx.GetAll) }, func() string { return strings.Join(v, "\n") }
	}},
	{"GetAllInto", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h := fx.Ours()
		v := make([]string, 0, 4)
		return func() { v = h.AppendValues(v[:0], fx.GetAll) }, func() string { return strings.Join(v, "\n") }
	}},
	{"GetAll", "nethttp", func(fx *Fixtures) (func(), func() string) {
		h := fx.NetHTTP()
		var v []string
		return func() { v = h.Values(fx.GetAll) }, func() string { return strings.Join(v, "\n") }
	}},
	{"GetAll", "fasthttp", func(fx *Fixtures) (func(), func() string) {
		// PeekAll("Set-Cookie") joins the cookies with "; ", which loses
		// the boundaries, so the cookie iterator is fasthttp's GetAll.
		var h fasthttp.ResponseHeader
		fx.FastHTTP(&h)
		v := make([][]byte, 0, 4)
		return func() {
				v = v[:0]
				for _, c := range h.Cookies() {
					v = append(v, c)
				}
			}, func() string {
				return bytesJoin(v)
			}
	}},
	// Serialisation to a byte buffer.
	{"Serialize", "wsgiref", func(fx *Fixtures) (func(), func() string) {
		h := fx.Ours()
		buf := make([]byte, 0, 1024)
		return func() { buf = h.AppendTo(append(buf[:0], statusLine...)) }, func() string { return string(buf) }
	}},
	{"Serialize", "nethttp", func(fx *Fixtures) (func(), func() string) {
		h := fx.NetHTTP()
		var buf bytes.Buffer
		buf.Grow(1024)
		return func() {
				buf.Reset()
				buf.WriteString(statusLine)
				h.Write(&buf)
				buf.WriteString("\r\n")
			}, func() string {
				return buf.String()
			}
	}},
	{"Serialize", "fasthttp", func(fx *Fixtures) (func(), func() string) {
		var h fasthttp.ResponseHeader
		fx.FastHTTP(&h)
		buf := make([]byte, 0, 1024)
		return func() { buf = h.AppendBytes(buf[:0]) }, func() string { return string(buf) }
	}},
}

func bytesJoin(v [][]byte) string { return string(bytes.Join(v, []byte("\n"))) }

// BenchmarkHeaders times the header operations of every contender on the
// same ten-field response list. Names are Headers/<op>/<contender>, the
// keys cmd/report reads.
func BenchmarkHeaders(b *testing.B) {
	fx := mustLoad(b)
	for _, c := range headerCases {
		b.Run(c.op+"/"+c.who, func(b *testing.B) {
			run, _ := c.prepare(fx)
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
		})
	}
}

// TestHeadersAgree runs every operation of every contender once and checks
// that they all compute the same answer from the fixtures, so the
// benchmarks compare the same work.
func TestHeadersAgree(t *testing.T) {
	fx := mustLoad(t)
	want := map[string]string{
		"GetFirst": fx.ResponseHeaders[0][1],
		"GetLast":  fx.ResponseHeaders[len(fx.ResponseHeaders)-1][1],
		"Set":      fx.SetValue,
		"GetAll":   fx.ResponseHeaders[3][1] + "\n" + fx.ResponseHeaders[4][1],
	}
	want["GetAllInto"] = want["GetAll"]
	for _, c := range headerCases {
		t.Run(c.op+"/"+c.who, func(t *testing.T) {
			run, got := c.prepare(fx)
			run()
			run() // twice: Set must stay idempotent, buffers must reset
			if c.op == "Serialize" {
				checkSerialized(t, fx, got())
				return
			}
			if g := got(); g != want[c.op] {
				t.Errorf("got %q, want %q", g, want[c.op])
			}
		})
	}
}

// checkSerialized parses a serialised header block back and compares its
// fields, names folded and order ignored, with the fixture's: net/http
// sorts the fields and fasthttp writes its special fields first and adds
// Date.
func checkSerialized(t *testing.T, fx *Fixtures, block string) {
	t.Helper()
	if !strings.HasPrefix(block, statusLine) || !strings.HasSuffix(block, "\r\n\r\n") {
		t.Fatalf("not a status line and a header block: %q", block)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(block, statusLine), "\r\n\r\n"), "\r\n")
	var got, want []string
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("malformed line %q in %q", l, block)
		}
		if strings.EqualFold(name, "Date") {
			continue
		}
		got = append(got, strings.ToLower(name)+": "+value)
	}
	for _, kv := range fx.ResponseHeaders {
		want = append(want, strings.ToLower(kv[0])+": "+kv[1])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fields differ:\n got %q\nwant %q", got, want)
	}
}

func mustLoad(tb testing.TB) *Fixtures {
	tb.Helper()
	fx, err := Load()
	if err != nil {
		tb.Fatal(err)
	}
	return fx
}

// Keep the imports honest when a case list changes.
var (
	_ headers.Headers
	_ http.Header
)
