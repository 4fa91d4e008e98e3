package headers

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	cpython "github.com/gowsgi/wsgiref/internal/oracle"
)

// The oracle tests run CPython's wsgiref.headers and str.lower on the same
// inputs and compare the bytes. They skip when python3 is not installed.

const oracleScript = `
import json, sys
from wsgiref.headers import Headers
for line in sys.stdin:
    c = json.loads(line)
    if c["op"] == "lower":
        out = [ord(x.lower()) if len(x.lower()) == 1 and ord(x.lower()) < 256 else -1
               for x in map(chr, range(256))]
    elif c["op"] == "fold":
        out = c["a"].lower() == c["b"].lower()
    elif c["op"] == "headers":
        h = Headers([tuple(f) for f in c["fields"] or []])
        for name, value, params in c["adds"] or []:
            h.add_header(name, value, **{k: (v if v != "" else None) for k, v in params or []})
        out = [str(h), [h.get(n) for n in c["probe"]], [h.get_all(n) for n in c["probe"]],
               [n in h for n in c["probe"]], h.keys(), h.values()]
        for n in c["probe"]:
            del h[n]
            out.append(str(h))
    print(json.dumps(out))
`

func oracle(t *testing.T, cases []map[string]any) []json.RawMessage {
	t.Helper()
	py := cpython.Python(t)
	var in bytes.Buffer
	for _, c := range cases {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd := exec.Command(py, "-c", oracleScript)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.Bytes())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("python3 answered %d lines for %d cases", len(lines), len(cases))
	}
	res := make([]json.RawMessage, len(lines))
	for i := range lines {
		res[i] = json.RawMessage(lines[i])
	}
	return res
}

// latin1 turns raw bytes into the characters they stand for under PEP 3333.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// The generated lower table is Python's str.lower on each Latin-1
// character; characters whose lower case leaves Latin-1 or grows stay as
// they are, since a header name byte cannot become two.
func TestLowerTableOracle(t *testing.T) {
	res := oracle(t, []map[string]any{{"op": "lower"}})
	var want []int
	if err := json.Unmarshal(res[0], &want); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 256; c++ {
		w := want[c]
		if w < 0 {
			w = c
		}
		if int(lower[c]) != w {
			t.Errorf("lower[%#x] = %#x, Python says %#x", c, lower[c], w)
		}
	}
}

func TestEqualFoldOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := "aAzZ-_[{@`\xc0\xe0\xd7\xf7\xdf\xde\xfe\xff\xb5"
	rnd := func() string {
		b := make([]byte, r.IntN(4))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	var cases []map[string]any
	var pairs [][2]string
	for i := 0; i < 3000; i++ {
		a := rnd()
		b := []byte(a)
		for j := range b {
			if r.IntN(2) == 0 {
				b[j] = alphabet[r.IntN(len(alphabet))]
			}
		}
		pairs = append(pairs, [2]string{a, string(b)})
		cases = append(cases, map[string]any{"op": "fold", "a": latin1(a), "b": latin1(string(b))})
	}
	res := oracle(t, cases)
	for i, p := range pairs {
		var want bool
		json.Unmarshal(res[i], &want)
		if got := EqualFold(p[0], p[1]); got != want {
			t.Errorf("EqualFold(%q, %q) = %v, Python %v", p[0], p[1], got, want)
		}
	}
}

// Random header lists and add_header calls with ASCII values, where this
// package keeps CPython's bytes: str(h), get, get_all, in, keys, values
// and del must agree.
func TestHeadersOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	names := []string{"Content-Type", "content-type", "X-A", "x-a", "X-B", "Set-Cookie", "SET-COOKIE", "Vary"}
	values := []string{"", "v", "text/plain", "a b", `q"uote`, `back\slash`, "a;b=c", "x,y"}
	pnames := []string{"filename", "charset", "a_b", "q", "x"}
	type add struct {
		name, value string
		params      []Param
	}
	type hcase struct {
		fields []Field
		adds   []add
		probe  []string
	}
	var hcs []hcase
	var cases []map[string]any
	for i := 0; i < 1500; i++ {
		var hc hcase
		for j := r.IntN(5); j > 0; j-- {
			hc.fields = append(hc.fields, Field{names[r.IntN(len(names))], values[r.IntN(len(values))]})
		}
		for j := r.IntN(3); j > 0; j-- {
			a := add{name: names[r.IntN(len(names))], value: values[1+r.IntN(len(values)-1)]}
			seen := map[string]bool{}
			for k := r.IntN(3); k > 0; k-- {
				pn := pnames[r.IntN(len(pnames))]
				if seen[pn] {
					continue // Python keyword arguments are unique
				}
				seen[pn] = true
				a.params = append(a.params, Param{pn, values[r.IntN(len(values))]})
			}
			hc.adds = append(hc.adds, a)
		}
		for j := 1 + r.IntN(2); j > 0; j-- {
			hc.probe = append(hc.probe, names[r.IntN(len(names))])
		}
		hcs = append(hcs, hc)
		var fields, adds [][]any
		for _, f := range hc.fields {
			fields = append(fields, []any{f.Name, f.Value})
		}
		for _, a := range hc.adds {
			var ps [][]string
			for _, p := range a.params {
				ps = append(ps, []string{p.Name, p.Value})
			}
			adds = append(adds, []any{a.name, a.value, ps})
		}
		cases = append(cases, map[string]any{"op": "headers", "fields": fields, "adds": adds, "probe": hc.probe})
	}
	res := oracle(t, cases)
	for i, hc := range hcs {
		h := Headers(append([]Field(nil), hc.fields...))
		for _, a := range hc.adds {
			h.AddHeader(a.name, a.value, a.params...)
		}
		var gets []any
		var alls [][]string
		var has []bool
		for _, n := range hc.probe {
			if v, ok := h.Lookup(n); ok {
				gets = append(gets, v)
			} else {
				gets = append(gets, nil)
			}
			all := h.GetAll(n)
			if all == nil {
				all = []string{}
			}
			alls = append(alls, all)
			has = append(has, h.Has(n))
		}
		got := []any{h.String(), gets, alls, has, h.Keys(), h.Values()}
		for _, n := range hc.probe {
			h.Del(n)
			got = append(got, h.String())
		}
		gotJSON, _ := json.Marshal(got)
		var norm any
		json.Unmarshal(res[i], &norm)
		wantJSON, _ := json.Marshal(norm)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("case %+v:\n got %s\nwant %s", hc, gotJSON, wantJSON)
		}
	}
}
