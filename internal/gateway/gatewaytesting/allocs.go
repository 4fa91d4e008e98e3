package gatewaytesting

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/gateway"
)

// reader runs p's reader on raw again and again, as the server does: the
// environ, the buffered reader and the scratch buffer are reused.
type reader struct {
	read gateway.ReadRequest
	raw  []byte
	env  wsgiref.Environ
	rd   bytes.Reader
	c    gateway.Conn
}

func newReader(p Protocol, raw []byte) *reader {
	r := &reader{read: p.Read, raw: raw}
	r.c = gateway.Conn{R: bufio.NewReader(nil), Env: &r.env, MaxHeaderBytes: gateway.DefaultMaxHeaderBytes}
	return r
}

// next reads raw once more.
func (r *reader) next() error {
	r.env.Reset()
	r.rd.Reset(r.raw)
	r.c.R.Reset(&r.rd)
	_, err := r.read(&r.c)
	return err
}

// parseAllocs: reading and parsing nginx's typical request allocates only
// the one string the variables are sliced from, once the environ and the
// buffer have grown.
func parseAllocs(t *testing.T, p Protocol) {
	r := newReader(p, p.NginxRequest())
	var err error
	parse := func() {
		if e := r.next(); e != nil {
			err = e
		}
	}
	parse()
	if err != nil {
		t.Fatal(err)
	}
	want := 1 + (len(p.Fixed)+len(NginxVars))/2 // CONTENT_LENGTH, the fixed ones, nginx's
	if r.env.Get("PATH_INFO") != "/items/42" || r.env.Len() != want {
		t.Fatalf("parsed %d variables, want %d; PATH_INFO %q", r.env.Len(), want, r.env.Get("PATH_INFO"))
	}
	if n := testing.AllocsPerRun(100, parse); n > 1 {
		t.Errorf("%v allocations per request, want 1", n)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRead reads and parses nginx's typical request in p's encoding;
// b.SetBytes makes the figures of the protocols comparable.
func BenchmarkRead(b *testing.B, p Protocol) {
	r := newReader(p, p.NginxRequest())
	b.ReportAllocs()
	b.SetBytes(int64(len(r.raw)))
	for b.Loop() {
		if err := r.next(); err != nil {
			b.Fatal(err)
		}
	}
}
