package http1

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestReusedNames reads heads one after the other on one Reader, where
// each field line may repeat the name the previous head had in its
// place, change its case, extend it, shorten it or break it, and checks
// every head against the same head read by a fresh Reader: reusing the
// previous head's names and keys may never change a result.
func TestReusedNames(t *testing.T) {
	names := []string{"Host", "host", "HOST", "Hostx", "Hos", "User-Agent", "user-agent", "X-A", "X-AB", "X_A",
		"Content-Type", "Content_Type", "Content-Length", "X-Custom-1", "X-Custom-10", "Accept"}
	values := []string{"h", "1", "", " v ", "caf\xe9", "a\x01b", "x y"}
	rng := rand.New(rand.NewPCG(11, 15))
	var heads []string
	for range 400 {
		var b strings.Builder
		b.WriteString("GET / HTTP/1.1\r\n")
		n := rng.IntN(6)
		for range n {
			name := names[rng.IntN(len(names))]
			sep := ":"
			switch rng.IntN(20) {
			case 0:
				sep = " :" // whitespace before the colon: refused
			case 1:
				sep = "" // no colon at all: refused
			}
			b.WriteString(name + sep + values[rng.IntN(len(values))] + "\r\n")
		}
		b.WriteString("\r\n")
		heads = append(heads, b.String())
	}
	shared := NewReader(strings.NewReader(""))
	for i, raw := range heads {
		// The shared Reader keeps what it learnt across Reset: a new
		// connection's first head may reuse the last one's names.
		shared.Reset(strings.NewReader(raw))
		var got, want Head
		gotErr := shared.ReadHead(&got, Limits{})
		fresh := NewReader(strings.NewReader(raw))
		wantErr := fresh.ReadHead(&want, Limits{})
		if !errors.Is(gotErr, wantErr) && gotErr != wantErr {
			t.Fatalf("head %d %q: error %v, a fresh reader says %v", i, raw, gotErr, wantErr)
		}
		if gotErr != nil && !errors.Is(gotErr, ErrNoHost) {
			continue
		}
		if !slices.Equal(got.Fields, want.Fields) || !slices.Equal(got.Keys, want.Keys) {
			t.Fatalf("head %d %q:\nfields %q keys %q\nfresh  %q keys %q", i, raw, got.Fields, got.Keys, want.Fields, want.Keys)
		}
	}
}

// TestReusedNamesPipelined reads the same head many times from one
// connection's buffer, the case the reuse is for, and checks each.
func TestReusedNamesPipelined(t *testing.T) {
	req := "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\nX-Trace: 7\r\n\r\n"
	r := NewReader(strings.NewReader(strings.Repeat(req, 20)))
	for i := range 20 {
		var h Head
		if err := r.ReadHead(&h, Limits{}); err != nil {
			t.Fatalf("head %d: %v", i, err)
		}
		if want := []string{"HTTP_HOST", "HTTP_USER_AGENT", "HTTP_X_TRACE"}; !slices.Equal(h.Keys, want) {
			t.Fatalf("head %d: keys %q, want %q", i, h.Keys, want)
		}
		if h.Fields[2].Name != "X-Trace" || h.Fields[2].Value != "7" {
			t.Fatalf("head %d: field %q", i, h.Fields[2])
		}
	}
}
