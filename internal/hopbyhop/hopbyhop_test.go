package hopbyhop

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

// CPython's wsgiref.util._hoppish.
var cpython = []string{
	"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
	"te", "trailers", "transfer-encoding", "upgrade",
}

// Every spelling of every name in any case is hop-by-hop: all 2^letters
// case variants.
func TestAllCaseVariants(t *testing.T) {
	for _, name := range cpython {
		var letters []int
		for i := 0; i < len(name); i++ {
			if 'a' <= name[i] && name[i] <= 'z' {
				letters = append(letters, i)
			}
		}
		b := []byte(name)
		for mask := 0; mask < 1<<len(letters); mask++ {
			for j, i := range letters {
				b[i] = name[i]
				if mask&(1<<j) != 0 {
					b[i] -= 'a' - 'A'
				}
			}
			if !Is(string(b)) {
				t.Fatalf("Is(%q) = false", b)
			}
		}
	}
}

// Changing any one byte of a name to any other value that is not its other
// case, or adding or removing a byte, gives a name that is not hop-by-hop.
func TestNearMisses(t *testing.T) {
	for _, name := range cpython {
		for i := 0; i < len(name); i++ {
			b := []byte(name)
			for c := 0; c < 256; c++ {
				b[i] = byte(c)
				want := b[i] == name[i] || 'a' <= name[i] && name[i] <= 'z' && b[i] == name[i]-('a'-'A')
				if Is(string(b)) != want {
					t.Errorf("Is(%q) = %v", b, !want)
				}
			}
		}
		for _, s := range []string{name[1:], name[:len(name)-1], name + "s", " " + name, name + " ", name + "\x00"} {
			if Is(s) {
				t.Errorf("Is(%q) = true", s)
			}
		}
	}
	for _, s := range []string{"", "Trailer", "Via", "Proxy-Connection", "Keep-Alive2", "T", "TE\x00"} {
		if Is(s) {
			t.Errorf("Is(%q) = true", s)
		}
	}
}

// Random names over an alphabet close to the hop-by-hop names, with
// Latin-1 bytes, checked against CPython's is_hop_by_hop.
func TestOracle(t *testing.T) {
	py := oracle.Python(t)
	r := rand.New(rand.NewPCG(13, 14))
	var names []string
	for i := 0; i < 4000; i++ {
		base := cpython[r.IntN(len(cpython))]
		b := []byte(base)
		for j := range b {
			switch r.IntN(6) {
			case 0:
				b[j] = strings.ToUpper(string(b[j]))[0]
			case 1:
				b[j] = "eE\xc9\xe9-_ KkİıTt"[r.IntN(14)]
			}
		}
		if r.IntN(10) == 0 {
			b = b[:r.IntN(len(b))]
		}
		names = append(names, string(b))
	}
	names = append(names, cpython...)
	var in bytes.Buffer
	for _, n := range names {
		r := make([]rune, len(n))
		for i := 0; i < len(n); i++ {
			r[i] = rune(n[i]) // PEP 3333: each byte one Latin-1 character
		}
		b, _ := json.Marshal(string(r))
		in.Write(append(b, '\n'))
	}
	cmd := exec.Command(py, "-c", `
import json, sys
from wsgiref.util import is_hop_by_hop
print(json.dumps([is_hop_by_hop(json.loads(l)) for l in sys.stdin]))`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []bool
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(names) {
		t.Fatalf("python3 answered %q: %v", out, err)
	}
	hits := 0
	for i, n := range names {
		if Is(n) != want[i] {
			t.Errorf("Is(%q) = %v, CPython %v", n, !want[i], want[i])
		}
		if want[i] {
			hits++
		}
	}
	if hits < 100 || hits == len(names) {
		t.Errorf("a poor sample: %d of %d hop-by-hop", hits, len(names))
	}
}

func BenchmarkIs(b *testing.B) {
	names := []string{"Content-Type", "Connection", "transfer-encoding", "X-Custom-Header", "TE", "Upgrade"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			Is(n)
		}
	}
}

func FuzzIs(f *testing.F) {
	for _, n := range cpython {
		f.Add(n)
	}
	f.Add("Keep-Alivf")
	f.Fuzz(func(t *testing.T, name string) {
		want := false
		for _, h := range cpython {
			if asciiLower(name) == h {
				want = true
			}
		}
		if Is(name) != want {
			t.Fatalf("Is(%q) = %v", name, !want)
		}
	})
}

// asciiLower lowers only ASCII letters: the bytes of a PEP 3333 string.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
