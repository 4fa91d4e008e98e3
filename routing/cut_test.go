package routing

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// cutPath's word loop must agree with the byte loop on every path: the
// verdict, the segment count and every cut. The paths put slashes and
// dots on both sides of each word boundary.
func TestCutWordsMatchBytes(t *testing.T) {
	paths := []string{
		"/user/repos", "/repos/owner/repo/issues/number", "/a/b/c/d/e/f/g/h/",
		"/1234567/", "/1234567//", "/123456/.", "/1234567/.", "/1234567/..x",
		"/12345678/.well-known/x", "/abcdefg/./h", "/abcdefgh/../i", "/a.b/c..d/e...",
		strings.Repeat("/s", 32), strings.Repeat("/s", 33), strings.Repeat("/abcdefg", 32) + "/",
		"x/abcdefgh", "/abcdefgh" + strings.Repeat("x", 0x10000),
	}
	alphabet := "/./a"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := []byte{'/'}
		for range r.IntN(40) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		paths = append(paths, string(b))
	}
	for _, pi := range paths {
		var words, bytes Path
		okW, okB := words.cutPath(pi), bytes.cutBytes(pi)
		if okW != okB {
			t.Fatalf("%q: word loop %v, byte loop %v", pi, okW, okB)
		}
		if !okW {
			continue
		}
		// The short paths keep a bitmap, the others cuts: compare what
		// the walk reads, the segments and the rests. A "/." sends a path to
		// the byte loop, which cuts.
		words.pi, bytes.pi = pi, pi
		if wantMap := len(pi) >= 8 && len(pi) < 64 && !strings.Contains(pi, "/."); (words.slashes != 0) != wantMap {
			t.Errorf("%q: bitmap %b, want one: %v", pi, words.slashes, wantMap)
		}
		if !sameWalk(&words, &bytes) {
			t.Fatalf("%q: the word loop's walk differs from the byte loop's", pi)
		}
		if end, ok := words.Tail(words.Start(), pi); !ok || end != words.end {
			t.Fatalf("%q: Tail of the whole path = %d, %v", pi, end, ok)
		}
	}
}

func TestGatherHighBits(t *testing.T) {
	for m := range 256 {
		var x uint64
		for j := range 8 {
			if m&(1<<j) != 0 {
				x |= 0x80 << (8 * j)
			}
		}
		if got := gatherHighBits(x); got != uint64(m) {
			t.Fatalf("gatherHighBits(%#016x) = %#b, want %#b", x, got, m)
		}
	}
}

// slashesAndDots against a byte-by-byte count, on every byte value in
// every position next to each of the interesting ones.
func TestSlashesAndDots(t *testing.T) {
	for pos := range 8 {
		for b := range 256 {
			for _, other := range []byte{0, 1, '.', '/', 0x2e | 0x80, 0xff} {
				var word [8]byte
				for i := range word {
					word[i] = other
				}
				word[pos] = byte(b)
				var wantSD, wantS uint64
				for i, c := range word {
					if c == '/' || c == '.' {
						wantSD |= 0x80 << (8 * i)
					}
					if c == '/' {
						wantS |= 0x80 << (8 * i)
					}
				}
				sd, s := slashesAndDots(load64(string(word[:])))
				if sd != wantSD || s != wantS {
					t.Fatalf("% x: slashesAndDots = %#x, %#x; want %#x, %#x", word, sd, s, wantSD, wantS)
				}
			}
		}
	}
}

// BenchmarkCutPath compares the word loop with the byte loop on paths of
// the GitHub API's shapes.
func BenchmarkCutPath(b *testing.B) {
	paths := []string{
		"/user/repos", "/repos/:owner/:repo/issues/:number", "/authorizations/:id",
		"/repos/:owner/:repo/git/refs", "/users/:user/received_events/public", "/gists",
	}
	for _, loop := range []struct {
		name string
		cut  func(*Path, string) bool
	}{{"words", (*Path).cutPath}, {"bytes", (*Path).cutBytes}} {
		b.Run(loop.name, func(b *testing.B) {
			var p Path
			for b.Loop() {
				for _, pi := range paths {
					loop.cut(&p, pi)
				}
			}
		})
	}
}
