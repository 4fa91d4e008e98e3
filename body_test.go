package wsgiref_test

import (
	"errors"
	"io"
	"iter"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// drain reads a body to its end and returns the blocks and the final error.
func drain(b wsgiref.Body) ([]string, error) {
	var got []string
	for i := 0; i < 100; i++ {
		data, err := b.Next()
		if err != nil {
			if data != nil {
				got = append(got, "+"+string(data))
			}
			return got, err
		}
		got = append(got, string(data))
	}
	return got, errors.New("body never ended")
}

func TestSliceBody(t *testing.T) {
	for _, tt := range []struct {
		body   *wsgiref.SliceBody
		want   string
		blocks int
	}{
		{wsgiref.Blocks(), "", 0},
		{wsgiref.Blocks([]byte("one")), "one", 1},
		{wsgiref.Blocks([]byte("a"), nil, []byte("c")), "a||c", 3},
		{wsgiref.Strings(), "", 0},
		{wsgiref.Strings("Hello", " ", "world"), "Hello| |world", 3},
		{wsgiref.Strings(""), "", 1},
	} {
		if n := tt.body.Blocks(); n != tt.blocks {
			t.Errorf("Blocks() = %d, want %d", n, tt.blocks)
		}
		got, err := drain(tt.body)
		if err != io.EOF || strings.Join(got, "|") != tt.want {
			t.Errorf("blocks %q, %v; want %q", got, err, tt.want)
		}
		if _, err := tt.body.Next(); err != io.EOF {
			t.Errorf("Next after the end = %v", err)
		}
		if n := tt.body.Blocks(); n != tt.blocks {
			t.Errorf("Blocks() after draining = %d, want %d", n, tt.blocks)
		}
	}
}

func TestSliceBodyReset(t *testing.T) {
	b := wsgiref.Strings("x")
	drain(b)
	b.Reset([]byte("p"), []byte("q"))
	if got, err := drain(b); strings.Join(got, "") != "pq" || err != io.EOF || b.Blocks() != 2 {
		t.Errorf("after Reset: %q %v", got, err)
	}
}

// Strings copies: changing the source later cannot change the body.
func TestStringsCopies(t *testing.T) {
	src := []byte("abc")
	b := wsgiref.Strings(string(src))
	src[0] = 'X'
	if got, _ := b.Next(); string(got) != "abc" {
		t.Errorf("got %q", got)
	}
}

var errBoom = errors.New("boom")

func TestFromSeq(t *testing.T) {
	cleaned := 0
	seq := func(blocks []string, fail bool) iter.Seq2[[]byte, error] {
		return func(yield func([]byte, error) bool) {
			defer func() { cleaned++ }() // the generator's finally clause
			for _, s := range blocks {
				if !yield([]byte(s), nil) {
					return
				}
			}
			if fail {
				yield(nil, errBoom)
				yield([]byte("after the error"), nil)
			}
		}
	}

	b := wsgiref.FromSeq(seq([]string{"a", "b"}, false))
	if got, err := drain(b); strings.Join(got, "") != "ab" || err != io.EOF {
		t.Errorf("blocks %q, %v", got, err)
	}
	if _, err := b.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v", err)
	}
	b.Close()
	if cleaned != 1 {
		t.Errorf("cleanup ran %d times", cleaned)
	}

	// An error ends the body: the iterator is stopped, not resumed.
	b = wsgiref.FromSeq(seq([]string{"a"}, true))
	if got, err := drain(b); strings.Join(got, "") != "a" || err != errBoom {
		t.Errorf("blocks %q, %v; want a, boom", got, err)
	}
	if _, err := b.Next(); err != errBoom {
		t.Errorf("Next after the error = %v", err)
	}
	if cleaned != 2 {
		t.Errorf("cleanup after error ran %d times in all", cleaned)
	}
	if err := b.Close(); err != nil {
		t.Error(err)
	}

	// Close before the end stops the iterator: the finally clause runs.
	b = wsgiref.FromSeq(seq([]string{"a", "b", "c"}, false))
	b.Next()
	if err := b.Close(); err != nil {
		t.Error(err)
	}
	if cleaned != 3 {
		t.Errorf("Close did not stop the iterator: cleanup ran %d times in all", cleaned)
	}
	if _, err := b.Next(); err != io.EOF {
		t.Errorf("Next after Close = %v", err)
	}
}

type closer struct {
	*wsgiref.SliceBody
	closed int
	err    error
}

func (c *closer) Close() error { c.closed++; return c.err }

func TestClosingBody(t *testing.T) {
	errClose, errFunc := errors.New("inner close"), errors.New("close func")
	for _, tt := range []struct {
		name      string
		inner     wsgiref.Body
		innerErr  error
		funcErr   error
		want      error
		blocks    int
		innerRuns bool
	}{
		{"plain body", wsgiref.Strings("a"), nil, nil, nil, 1, false},
		{"closer", nil, nil, nil, nil, 2, true},
		{"inner error first", nil, errClose, errFunc, errClose, 2, true},
		{"func error", nil, nil, errFunc, errFunc, 2, true},
		{"no block count", wsgiref.FromSeq(func(yield func([]byte, error) bool) {}), nil, nil, nil, -1, false},
		{"nil body", nil, nil, nil, nil, -1, false},
	} {
		inner := tt.inner
		var c *closer
		if tt.innerRuns {
			c = &closer{SliceBody: wsgiref.Strings("x", "y"), err: tt.innerErr}
			inner = c
		}
		funcRuns := 0
		b := &wsgiref.ClosingBody{Body: inner, CloseFunc: func() error { funcRuns++; return tt.funcErr }}
		if n := b.Blocks(); n != tt.blocks {
			t.Errorf("%s: Blocks = %d, want %d", tt.name, n, tt.blocks)
		}
		if _, err := drain(b); err != io.EOF {
			t.Errorf("%s: body ended with %v", tt.name, err)
		}
		if err := b.Close(); err != tt.want {
			t.Errorf("%s: Close = %v, want %v", tt.name, err, tt.want)
		}
		if funcRuns != 1 || (c != nil && c.closed != 1) {
			t.Errorf("%s: CloseFunc ran %d times, inner closed %v", tt.name, funcRuns, c)
		}
	}
	// A nil CloseFunc is allowed.
	if err := (&wsgiref.ClosingBody{Body: wsgiref.Strings()}).Close(); err != nil {
		t.Error(err)
	}
}

func TestAppFunc(t *testing.T) {
	var app wsgiref.App = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		write, err := start("200 OK", headers.New("Content-Type", "text/plain"))
		if err != nil {
			return nil, err
		}
		write([]byte("legacy "))
		return wsgiref.Strings("hello ", env.Get("NAME")), nil
	})
	var status, out string
	var hs headers.Headers
	start := func(s string, h headers.Headers, excInfo ...error) (wsgiref.Write, error) {
		status, hs = s, h
		return func(p []byte) error { out += string(p); return nil }, nil
	}
	env := wsgiref.NewEnviron("NAME", "world")
	body, err := app.ServeWSGI(env, start)
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := drain(body)
	out += strings.Join(blocks, "")
	if status != "200 OK" || hs.Get("content-type") != "text/plain" || out != "legacy hello world" {
		t.Errorf("status %q headers %v out %q", status, hs, out)
	}
}

// Environ.Blocks lends the environ's own body: the same one for each
// request after a Reset, a new one for a second call in a request, and an
// ordinary body to its consumer.
func TestEnvironBlocks(t *testing.T) {
	var env wsgiref.Environ
	page := []byte("page")
	first := env.Blocks(page)
	if n := first.Blocks(); n != 1 {
		t.Errorf("Blocks() = %d, want 1", n)
	}
	second := env.Blocks([]byte("other"), []byte("!"))
	if second == first {
		t.Fatal("a second call in the same request returned the lent body again")
	}
	if got, err := drain(first); strings.Join(got, "|") != "page" || err != io.EOF {
		t.Errorf("first body: %q %v", got, err)
	}
	if got, err := drain(second); strings.Join(got, "|") != "other|!" || err != io.EOF {
		t.Errorf("second body: %q %v", got, err)
	}
	if _, err := first.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v", err)
	}

	env.Reset()
	again := env.Blocks([]byte("a"), nil)
	if again != first {
		t.Error("after Reset the environ did not lend its own body again")
	}
	if got, err := drain(again); strings.Join(got, "|") != "a|" || err != io.EOF || again.Blocks() != 2 {
		t.Errorf("reused body: %q %v, %d blocks", got, err, again.Blocks())
	}

	// The list is copied: the caller's slice may change afterwards.
	env.Reset()
	list := [][]byte{[]byte("x")}
	b := env.Blocks(list...)
	list[0] = []byte("changed")
	if got, _ := drain(b); strings.Join(got, "") != "x" {
		t.Errorf("body follows the caller's list: %q", got)
	}

	// More blocks than the environ holds: a body of its own, all blocks.
	env.Reset()
	many := [][]byte{[]byte("1"), []byte("2"), []byte("3"), []byte("4"), []byte("5")}
	b = env.Blocks(many...)
	if got, err := drain(b); strings.Join(got, "") != "12345" || err != io.EOF || b.Blocks() != 5 {
		t.Errorf("many blocks: %q %v", got, err)
	}
	if env.Blocks(page) != first {
		t.Error("a long list, given a body of its own, kept the environ's body from being lent")
	}

	// None: an empty body.
	env.Reset()
	if got, err := drain(env.Blocks()); len(got) != 0 || err != io.EOF {
		t.Errorf("no blocks: %q %v", got, err)
	}
}

// A one- or two-block body from a reused environ costs no allocation: the
// point of Environ.Blocks.
func TestEnvironBlocksAllocs(t *testing.T) {
	var env wsgiref.Environ
	page, tail := []byte("Hello world!\n"), []byte("bye")
	for _, tc := range []struct {
		name string
		f    func() wsgiref.Body
	}{
		{"one", func() wsgiref.Body { return env.Blocks(page) }},
		{"two", func() wsgiref.Body { return env.Blocks(page, tail) }},
	} {
		n := testing.AllocsPerRun(100, func() {
			env.Reset()
			body := tc.f()
			for {
				if _, err := body.Next(); err != nil {
					break
				}
			}
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per request, want 0", tc.name, n)
		}
	}
}
