package http1

import (
	"math/rand/v2"
	"testing"
)

// TestBadValueByte compares the word-at-a-time check with the table on
// every single bad or edge byte at every position of values up to 40
// bytes, and on random values.
func TestBadValueByte(t *testing.T) {
	table := func(v []byte) int {
		for i, c := range v {
			if !fieldValueByte[c] {
				return i
			}
		}
		return -1
	}
	for n := range 41 {
		for pos := range n {
			for c := range 256 {
				v := make([]byte, n)
				for i := range v {
					v[i] = 'a'
				}
				v[pos] = byte(c)
				if got, want := badValueByte(v), table(v); got != want {
					t.Fatalf("len %d, %#x at %d: got %d, want %d", n, c, pos, got, want)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 9))
	alphabet := []byte{'a', ' ', '\t', 0x7f, 0x7e, 0x80, 0xff, 0x1f, 0x20, 0x00, '\r', '\n', 0xa0}
	for range 20000 {
		v := make([]byte, rng.IntN(40))
		for i := range v {
			if rng.IntN(8) == 0 {
				v[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				v[i] = byte(0x21 + rng.IntN(0x5e))
			}
		}
		if got, want := badValueByte(v), table(v); got != want {
			t.Fatalf("%q: got %d, want %d", v, got, want)
		}
	}
}

func BenchmarkBadValueByte(b *testing.B) {
	v := []byte("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
	b.SetBytes(int64(len(v)))
	for b.Loop() {
		if badValueByte(v) >= 0 {
			b.Fatal("bad")
		}
	}
}
