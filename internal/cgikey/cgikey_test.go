package cgikey

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/textproto"
	"os/exec"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

func TestKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Content-Type", "CONTENT_TYPE"},
		{"Content-Length", "CONTENT_LENGTH"},
		{"content-type", "CONTENT_TYPE"},
		{"CONTENT-LENGTH", "CONTENT_LENGTH"},
		{"Content_Type", "CONTENT_TYPE"},
		{"User-Agent", "HTTP_USER_AGENT"},
		{"Host", "HTTP_HOST"},
		{"X-Forwarded-For", "HTTP_X_FORWARDED_FOR"},
		{"X-Made-Up-Header", "HTTP_X_MADE_UP_HEADER"},
		{"x-made-up_header", "HTTP_X_MADE_UP_HEADER"},
		{"Content-Type-X", "HTTP_CONTENT_TYPE_X"},
		{"Etag", "HTTP_ETAG"},
		{"", "HTTP_"},
		{"X-\xe4\xf7\xff\xb5\xdf", "HTTP_X_\xc4\xf7\xff\xb5\xdf"},
		{"a.b~c1", "HTTP_A.B~C1"},
	} {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The table is only a cache: every entry is what compute gives, and every
// key is in net/http's canonical form, the form Key is called with.
func TestTableMatchesCompute(t *testing.T) {
	if len(known) < 50 {
		t.Fatalf("only %d known names", len(known))
	}
	for name, key := range known {
		if got := compute(name); got != key {
			t.Errorf("known[%q] = %q, compute gives %q", name, key, got)
		}
		if c := textproto.CanonicalMIMEHeaderKey(name); c != name {
			t.Errorf("table key %q is not canonical (%q)", name, c)
		}
		if got := Key(strings.ToLower(name)); got != key {
			t.Errorf("Key(%q) = %q, want %q", strings.ToLower(name), got, key)
		}
	}
}

// CPython's WSGIRequestHandler.get_environ computes the key as
// k.replace('-', '_').upper(), prefixed with HTTP_ unless it is
// CONTENT_TYPE or CONTENT_LENGTH. Random names, Latin-1 bytes included,
// must agree; the three characters whose capital leaves Latin-1 are left
// out, as Key keeps them unchanged.
func TestOracle(t *testing.T) {
	py := oracle.Python(t)
	r := rand.New(rand.NewPCG(15, 16))
	alphabet := "aAzZ09-_.~!contentypelgh\xe4\xc4\xe0\xfe\xf7\xd7\xc0"
	var names []string
	for i := 0; i < 3000; i++ {
		b := make([]byte, r.IntN(16))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	names = append(names, "content-type", "Content-Length", "CONTENT_type")
	var in bytes.Buffer
	for _, n := range names {
		rs := make([]rune, len(n))
		for i := 0; i < len(n); i++ {
			rs[i] = rune(n[i])
		}
		b, _ := json.Marshal(string(rs))
		in.Write(append(b, '\n'))
	}
	cmd := exec.Command(py, "-c", `
import json, sys
out = []
for l in sys.stdin:
    k = json.loads(l).replace('-', '_').upper()
    out.append(k if k in ('CONTENT_TYPE', 'CONTENT_LENGTH') else 'HTTP_' + k)
print(json.dumps(out))`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil || len(want) != len(names) {
		t.Fatalf("python3 answered %q: %v", out, err)
	}
	for i, n := range names {
		w := make([]byte, 0, len(want[i]))
		for _, r := range want[i] {
			w = append(w, byte(r))
		}
		if got := Key(n); got != string(w) {
			t.Errorf("Key(%q) = %q, CPython %q", n, got, w)
		}
	}
}

func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("allocation counts differ under coverage")
	}
	if n := testing.AllocsPerRun(100, func() { Key("User-Agent") }); n != 0 {
		t.Errorf("Key of a known name: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { Key("X-Unknown-Header") }); n > 1 {
		t.Errorf("Key of an unknown name: %v allocs, want at most 1", n)
	}
}

func BenchmarkKeyKnown(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("Accept-Encoding")
	}
}

func BenchmarkKeyUnknown(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Key("X-Unknown-Header")
	}
}

// FoldKey knows every table name in any case, agrees with Key, and
// allocates nothing.
func TestFoldKey(t *testing.T) {
	for name, want := range known {
		for _, n := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
			got, ok := FoldKey([]byte(n))
			if !ok || got != want {
				t.Errorf("FoldKey(%q) = %q, %v; want %q", n, got, ok, want)
			}
		}
	}
	for _, n := range []string{"X-Made-Up", "", strings.Repeat("a", 100), "Content_Type"} {
		if _, ok := FoldKey([]byte(n)); ok {
			t.Errorf("FoldKey(%q) known", n)
		}
		if got, want := ComputeBytes([]byte(n)), Key(n); got != want {
			t.Errorf("ComputeBytes(%q) = %q, Key %q", n, got, want)
		}
	}
	name := []byte("accept-ENCODING")
	if n := testing.AllocsPerRun(100, func() { FoldKey(name) }); n != 0 {
		t.Errorf("FoldKey allocates %v times", n)
	}
}
