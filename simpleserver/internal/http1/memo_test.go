package http1

import (
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// memoLines and memoFields are the parts heads are drawn from: few
// enough that a head often repeats the previous one's line, field section
// or both, varied enough that a repeat is often near a miss (one byte, a
// prefix, a case) and that some parts are refused.
var (
	memoLines = []string{"GET / HTTP/1.1", "GET / HTTP/1.0", "GET /a HTTP/1.1", "GET /a HTTP/1.", "HEAD / HTTP/1.1",
		"POST /p?q=1 HTTP/1.1", "CONNECT h:1 HTTP/1.1", "GET /%zz HTTP/1.1", "GET http://h/p HTTP/1.1", "GET  / HTTP/1.1",
		"OPTIONS * HTTP/1.1", "GET * HTTP/1.1", "GET / HTTP/2.0"}
	memoFields = []string{"Host: h\r\n", "Host: h\r\nUser-Agent: ua\r\n", "Host: h\r\nUser-Agent: ua\r\nX-A: 1\r\n",
		"host: h\r\nuser-agent: ua\r\n", "Host: h\r\nContent-Length: 3\r\n", "Host: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n",
		"Host: h\r\nTransfer-Encoding: chunked\r\n", "Host: h\r\nTransfer-Encoding: gzip\r\n", "Host: h\r\nHost: h\r\n",
		"Host: h\r\nConnection: close\r\n", "Host: h\r\nExpect: 100-continue\r\n", "", "User-Agent: ua\r\n",
		"Host: h\r\nX-B : 1\r\n", "Host: h\r\nX-C: a\x01b\r\n", "Host: h\r\nX-D: 1\nX-E: 2\r\n",
		"Host: h\r\nX-Long: " + strings.Repeat("v", 40) + "\r\n", "Host: h\r\nX-F: 1\r\nX-G: 2\r\nX-H: 3\r\n"}
	// memoLimits are the limits a head is read with: the memo must
	// honour lower ones than a repeated part was first read with.
	memoLimits = []Limits{{}, {MaxFields: 2}, {MaxFieldLine: 30}, {MaxHeaderBytes: 40}, {MaxRequestLine: 14}}
)

// memoHead draws a head: a line and a field section, and now and then a
// byte of either changed.
func memoHead(rng *rand.Rand) string {
	line, fields := memoLines[rng.IntN(len(memoLines))], memoFields[rng.IntN(len(memoFields))]
	raw := []byte(line + "\r\n" + fields + "\r\n")
	if rng.IntN(8) == 0 {
		raw[rng.IntN(len(raw))] ^= byte(1 << rng.IntN(7))
	}
	return string(raw)
}

// readError reports whether err refuses a head before its fields were
// judged together (a malformed line or field, a limit).
func readError(err error) bool {
	switch err {
	case ErrConnect, ErrDupHost, ErrNoHost, ErrLengthAndTE, ErrTE10, ErrTransferCode, ErrContentLength, ErrDupLength,
		ErrTargetForm, ErrEscape, ErrPathControl:
		return false
	}
	return true
}

// sameHead reports where got differs from want, the same head read by a
// fresh Reader.
func sameHead(got, want *Head) string {
	switch {
	case got.Line != want.Line || got.Method != want.Method || got.Target != want.Target || got.Version != want.Version:
		return "request line"
	case got.Major != want.Major || got.Minor != want.Minor:
		return "version digits"
	case !slices.Equal(got.Fields, want.Fields) || !slices.Equal(got.Keys, want.Keys):
		return "fields"
	case got.Framing != want.Framing:
		return "framing"
	}
	return ""
}

// TestMemoAgreesWithFresh reads heads on one Reader, across Reset as a
// pooled Reader serves connection after connection, where a head often
// repeats the previous one's request line or field section, and checks
// each against the same head read by a fresh Reader: the error, every
// string, the framing. What the memo skips may never change a result.
func TestMemoAgreesWithFresh(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 5))
	shared := NewReader(strings.NewReader(""))
	hits := 0
	for i := range 5000 {
		raw := memoHead(rng)
		lim := memoLimits[rng.IntN(len(memoLimits))]
		if rng.IntN(2) == 0 {
			lim = Limits{}
		}
		before := shared.fields.raw
		cut := 0
		if i%2 == 0 {
			shared.Reset(strings.NewReader(raw))
		} else {
			// In parts: a repeat is matched as a prefix, then read on;
			// a head cut short ends in io.ErrUnexpectedEOF either way.
			cut = rng.IntN(2)
			shared.Reset(iotest.OneByteReader(strings.NewReader(raw[:len(raw)-cut])))
		}
		var got, want Head
		gotErr := shared.ReadHead(&got, lim)
		wantErr := NewReader(strings.NewReader(raw)).ReadHead(&want, lim)
		if cut > 0 && gotErr == io.ErrUnexpectedEOF {
			// The head was cut short; the fresh Reader read it whole.
			continue
		}
		if gotErr != wantErr {
			t.Fatalf("head %d %q %+v: error %v, a fresh reader says %v", i, raw, lim, gotErr, wantErr)
		}
		if gotErr != nil && readError(gotErr) {
			// A head refused while it is read: only the line for the
			// log is defined.
			if got.Line != want.Line {
				t.Fatalf("head %d %q %+v: %v: line %q, a fresh reader's %q", i, raw, lim, gotErr, got.Line, want.Line)
			}
		} else if where := sameHead(&got, &want); where != "" {
			t.Fatalf("head %d %q %+v: %s differs:\n got  %+v\n want %+v", i, raw, lim, where, got, want)
		}
		if before != "" && strings.Contains(raw, "\r\n"+before) {
			hits++
		}
	}
	if hits < 500 {
		t.Errorf("only %d of 5000 heads repeated the previous field section: the test hardly reaches the memo", hits)
	}
}

// TestMemoPipelined reads a stream of accepted heads, many repeating the
// one before, from one connection, keeps every Head, and only then checks
// them all: a string handed out for one head must never change while the
// Reader goes on copying and reusing (no string over a reused buffer).
func TestMemoPipelined(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var heads []string
	for len(heads) < 3000 {
		raw := memoHead(rng)
		if rng.IntN(3) > 0 && len(heads) > 0 {
			raw = heads[len(heads)-1]
		}
		var h Head
		if NewReader(strings.NewReader(raw)).ReadHead(&h, Limits{}) == nil {
			heads = append(heads, raw)
		}
	}
	stream := strings.Join(heads, "")
	// Whole buffers, and one byte a read: then every head arrives in
	// parts, and a repeated field section is matched as a prefix first.
	for _, rd := range []io.Reader{strings.NewReader(stream), iotest.OneByteReader(strings.NewReader(stream))} {
		r := NewReader(rd)
		got := make([]Head, len(heads))
		for i := range heads {
			if err := r.ReadHead(&got[i], Limits{}); err != nil {
				t.Fatalf("head %d %q: %v", i, heads[i], err)
			}
		}
		for i, raw := range heads {
			var want Head
			NewReader(strings.NewReader(raw)).ReadHead(&want, Limits{})
			if where := sameHead(&got[i], &want); where != "" {
				t.Fatalf("head %d %q: %s differs after the stream:\n got  %+v\n want %+v", i, raw, where, got[i], want)
			}
		}
	}
}

// TestMemoAllocs: a repeated head costs no allocation; a new one at most
// one, and a small one mostly none (its copy is carved from a block
// shared with the heads around it).
func TestMemoAllocs(t *testing.T) {
	const req = "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\n\r\n"
	r := NewReader(&loopReader{req: req})
	var h Head
	if n := testing.AllocsPerRun(1000, func() { r.ReadHead(&h, Limits{}) }); n != 0 {
		t.Errorf("a repeated head: %v allocations, want 0", n)
	}
	// The same head a byte at a time: matched as a prefix, then read on.
	// (Large, so that a copy would cost an allocation of its own.)
	big := "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + strings.Repeat("b", maxArenaCopy) + "\r\n\r\n"
	r = NewReader(iotest.OneByteReader(&loopReader{req: big}))
	if n := testing.AllocsPerRun(200, func() { r.ReadHead(&h, Limits{}) }); n != 0 {
		t.Errorf("a repeated head arriving in parts: %v allocations, want 0", n)
	}
	// Two heads that differ in the line and in the fields, alternating:
	// no part repeats the previous head's.
	r = NewReader(&loopReader{req: req + "GET /b HTTP/1.1\r\nHost: g\r\n\r\n"})
	// AllocsPerRun rounds down: one block per 4 KiB of heads is 0.
	if n := testing.AllocsPerRun(1000, func() { r.ReadHead(&h, Limits{}) }); n != 0 {
		t.Errorf("new small heads: %v allocations each, want one a block of them", n)
	}
	r = NewReader(&loopReader{req: big + strings.Replace(big, "X-Big", "X-Bog", 1)})
	if n := testing.AllocsPerRun(100, func() { r.ReadHead(&h, Limits{}) }); n != 1 {
		t.Errorf("new large heads: %v allocations each, want 1", n)
	}
}

// TestArenaCopy: copies are their bytes, survive later copies, and a
// block is never written past a string handed out.
func TestArenaCopy(t *testing.T) {
	var a arena
	var got, want []string
	for i := range 500 {
		p := []byte(strings.Repeat(string(rune('a'+i%26)), 1+i*7%(maxArenaCopy+40)))
		got, want = append(got, a.copy(p)), append(want, string(p))
		p[0] = '!' // the caller's buffer is reused
	}
	if !slices.Equal(got, want) {
		t.Fatal("a copy changed after later copies")
	}
}

// FuzzMemo reads a head, then a second one on the same Reader, and
// checks the second against a fresh Reader's reading: whatever the first
// head left in the memo, the second means what its own bytes say.
func FuzzMemo(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 0)
	f.Add("GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n", "GET /b HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n", 2)
	f.Add("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: g\r\n\r\n", 0)
	f.Add("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n", "GET / HTTP/1.0\r\nHost: h\r\nContent-Length: 2\r\n\r\n", 1)
	f.Fuzz(func(t *testing.T, first, second string, limit int) {
		lim := memoLimits[uint(limit)%uint(len(memoLimits))]
		r := NewReader(strings.NewReader(first))
		var h, got, want Head
		r.ReadHead(&h, Limits{})
		r.Reset(strings.NewReader(second))
		gotErr := r.ReadHead(&got, lim)
		wantErr := NewReader(strings.NewReader(second)).ReadHead(&want, lim)
		if gotErr != wantErr {
			t.Fatalf("after %q: error %v, a fresh reader says %v", first, gotErr, wantErr)
		}
		if gotErr != nil && readError(gotErr) {
			if got.Line != want.Line {
				t.Fatalf("after %q: line %q, a fresh reader's %q", first, got.Line, want.Line)
			}
		} else if where := sameHead(&got, &want); where != "" {
			t.Fatalf("after %q: %s differs:\n got  %+v\n want %+v", first, where, got, want)
		}
	})
}

// TestFieldsRepeated: the flag says whether a head's field section was
// the previous head's.
func TestFieldsRepeated(t *testing.T) {
	a := "GET /1 HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n"
	b := "GET /2 HTTP/1.1\r\nHost: h\r\nX: 2\r\n\r\n"
	r := NewReader(strings.NewReader(a + a + strings.Replace(a, "/1", "/3", 1) + b + b + a))
	for i, want := range []bool{false, true, true, false, true, false} {
		var h Head
		if err := r.ReadHead(&h, Limits{}); err != nil {
			t.Fatal(err)
		}
		if h.FieldsRepeated != want {
			t.Errorf("head %d: FieldsRepeated %v, want %v", i, h.FieldsRepeated, want)
		}
	}
}
