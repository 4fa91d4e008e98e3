package routing

import (
	"math/rand/v2"
	"testing"
)

// slashMapsBytes is the reference: a byte at a time.
func slashMapsBytes(s string) (slashes, slashOrDot uint64) {
	for i := range len(s) {
		switch s[i] {
		case '/':
			slashes |= 1 << i
			slashOrDot |= 1 << i
		case '.':
			slashOrDot |= 1 << i
		}
	}
	return slashes, slashOrDot
}

// slashMaps (the vector code on amd64) and slashMapsWords (the word loop)
// agree with the byte loop on every length they take, with a slash or a
// dot at every position in turn and on random paths over the bytes that
// matter: slash, dot, the bytes one off them, and high bytes.
func TestSlashMaps(t *testing.T) {
	check := func(s string) {
		t.Helper()
		ws, wsd := slashMapsBytes(s)
		if gs, gsd := slashMaps(s); gs != ws || gsd != wsd {
			t.Fatalf("slashMaps(%q) = %b, %b; want %b, %b", s, gs, gsd, ws, wsd)
		}
		if gs, gsd := slashMapsWords(s); gs != ws || gsd != wsd {
			t.Fatalf("slashMapsWords(%q) = %b, %b; want %b, %b", s, gs, gsd, ws, wsd)
		}
	}
	// The path sits inside a longer buffer, so a read past either end
	// would show as a wrong bit rather than pass unseen.
	buf := []byte("//////////" + string(make([]byte, 64)) + "..........")
	for n := 8; n < 64; n++ {
		for _, fill := range []byte{'a', '/', '.', 0x2d, 0x2f ^ 0x80, 0xff} {
			b := buf[10 : 10+n]
			for i := range b {
				b[i] = fill
			}
			check(string(b))
			for i := range b {
				for _, c := range []byte{'/', '.'} {
					old := b[i]
					b[i] = c
					check(string(b))
					b[i] = old
				}
			}
		}
	}
	alphabet := []byte{'/', '.', 'a', 0x2e ^ 1, 0x2f ^ 1, 0x2f | 0x80, 0x2e | 0x80, 0}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, 8+r.IntN(56))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(string(b))
	}
}
