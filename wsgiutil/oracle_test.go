package wsgiutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/internal/oracle"
)

// The oracle tests run CPython's wsgiref.util on thousands of random
// environs and compare every result with this package's, byte for byte.
// They skip when python3 is not installed.

// oracleScript reads one JSON case a line and prints one JSON result a line.
// Strings cross as Latin-1: a byte of a Go string is the code point of a
// Python character, PEP 3333's convention.
const oracleScript = `
import json, sys, posixpath
from wsgiref import util
for line in sys.stdin:
    c = json.loads(line)
    env = dict(c["env"] or [])
    out = {}
    try:
        if c["op"] == "shift":
            steps = []
            for _ in range(8):
                try:
                    name = util.shift_path_info(env)
                except IndexError:
                    steps.append(["IndexError", env.get("SCRIPT_NAME"), env.get("PATH_INFO")])
                    break
                steps.append([name, env.get("SCRIPT_NAME"), env.get("PATH_INFO")])
                if name is None:
                    break
            out = steps
        elif c["op"] == "uri":
            out = [util.guess_scheme(env), util.application_uri(env),
                   util.request_uri(env, True), util.request_uri(env, False)]
        elif c["op"] == "defaults":
            util.setup_testing_defaults(env)
            out = [[k, v] for k, v in env.items() if isinstance(v, str)]
        elif c["op"] == "normpath":
            out = posixpath.normpath(c["env"][0][1])
    except Exception as e:
        out = "error: " + repr(e)
    print(json.dumps(out))
`

type oracleCase struct {
	Op  string      `json:"op"`
	Env [][2]string `json:"env"`
}

// latin1 turns raw bytes into the string of the characters they stand for,
// which JSON carries to Python.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// unlatin1 turns Python's characters back into raw bytes.
func unlatin1(t *testing.T, s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			t.Fatalf("python returned a character beyond Latin-1: %q", s)
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// runOracle sends the cases to python3 and returns the raw JSON results.
func runOracle(t *testing.T, cases []oracleCase) []json.RawMessage {
	t.Helper()
	py := oracle.Python(t)
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, c := range cases {
		for i := range c.Env {
			c.Env[i][0], c.Env[i][1] = latin1(c.Env[i][0]), latin1(c.Env[i][1])
		}
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
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
	for i, l := range lines {
		res[i] = json.RawMessage(l)
	}
	return res
}

// decodeLatin1 decodes a JSON result and turns every string in it back into
// raw bytes.
func decodeLatin1(t *testing.T, raw json.RawMessage) any {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("bad oracle line %s: %v", raw, err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case string:
			return unlatin1(t, v)
		case []any:
			for i := range v {
				v[i] = walk(v[i])
			}
		}
		return v
	}
	return walk(v)
}

var segments = []string{
	"", "", ".", ".", "..", "a", "b", "bc", "x y", "\xe4", "sp\xe4m", "%41", ";=,", "~_.-",
	"?", "#", "+&", "\x00", "\xff", "\r\n", "...", ".a", "a.", "//", "\xc3\xa4",
}

// randomPath joins random segments with slashes, sometimes without the
// leading slash.
func randomPath(r *rand.Rand, maxSegs int) string {
	var b strings.Builder
	n := r.IntN(maxSegs + 1)
	if r.IntN(8) != 0 {
		b.WriteByte('/')
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(segments[r.IntN(len(segments))])
	}
	return b.String()
}

func TestShiftPathInfoOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var cases []oracleCase
	for i := 0; i < 3000; i++ {
		var env [][2]string
		if r.IntN(10) != 0 {
			env = append(env, [2]string{"SCRIPT_NAME", randomPath(r, 3)})
		}
		if r.IntN(20) != 0 {
			env = append(env, [2]string{"PATH_INFO", randomPath(r, 6)})
		}
		if r.IntN(2) == 0 && len(env) == 2 {
			env[0], env[1] = env[1], env[0]
		}
		cases = append(cases, oracleCase{"shift", env})
	}
	// Clean paths take the fast path; mix in many.
	for i := 0; i < 500; i++ {
		sn := strings.Repeat("/seg", r.IntN(3))
		pi := strings.Repeat("/p", r.IntN(6)) + []string{"", "/", "/q"}[r.IntN(3)]
		cases = append(cases, oracleCase{"shift", [][2]string{{"SCRIPT_NAME", sn}, {"PATH_INFO", pi}}})
	}
	want := runOracle(t, clone(cases))
	for i, c := range cases {
		env := new(wsgiref.Environ)
		for _, kv := range c.Env {
			env.Set(kv[0], kv[1])
		}
		var got []any
		for range 8 {
			pi := env.Get("PATH_INFO")
			before := dump(env)
			name, ok := ShiftPathInfo(env)
			sn, newPI := lookupAny(env, "SCRIPT_NAME"), lookupAny(env, "PATH_INFO")
			if pi != "" && !strings.Contains(pi, "/") {
				// Python raises IndexError; Go shifts nothing.
				if ok || dump(env) != before {
					t.Errorf("env %q: shift of %q changed the environ or returned ok", c.Env, pi)
				}
				got = append(got, []any{"IndexError", sn, newPI})
				break
			}
			var n any = name
			if !ok {
				n = nil
			}
			got = append(got, []any{n, sn, newPI})
			if !ok {
				break
			}
		}
		w := decodeLatin1(t, want[i])
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", w) {
			t.Errorf("env %q:\n got %q\nwant %q", c.Env, got, w)
		}
		if model := pyModelSteps(c.Env); fmt.Sprintf("%q", model) != fmt.Sprintf("%q", w) {
			t.Errorf("env %q: the fuzz model pyShiftPathInfo\n gives %q\n  want %q", c.Env, model, w)
		}
	}
}

// pyModelSteps runs the oracle script's loop on pyShiftPathInfo, so that
// the model FuzzShiftPathInfo trusts is itself checked against CPython.
func pyModelSteps(kv [][2]string) []any {
	env := pyEnviron{}
	for _, p := range kv {
		env[p[0]] = p[1]
	}
	get := func(k string) any {
		if v, ok := env[k]; ok {
			return v
		}
		return nil
	}
	var steps []any
	for range 8 {
		r := pyShiftPathInfo(env)
		if r.indexError {
			return append(steps, []any{"IndexError", get("SCRIPT_NAME"), get("PATH_INFO")})
		}
		var n any = r.name
		if r.none {
			n = nil
		}
		steps = append(steps, []any{n, get("SCRIPT_NAME"), get("PATH_INFO")})
		if r.none {
			break
		}
	}
	return steps
}

func lookupAny(env *wsgiref.Environ, key string) any {
	if v, ok := env.Lookup(key); ok {
		return v
	}
	return nil
}

func clone(cases []oracleCase) []oracleCase {
	c := make([]oracleCase, len(cases))
	for i := range cases {
		c[i] = oracleCase{cases[i].Op, append([][2]string(nil), cases[i].Env...)}
	}
	return c
}

func TestNormpathOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var cases []oracleCase
	for _, p := range []string{"", "/", "//", "///", "////", ".", "..", "../..", "/..", "//..", "a/../..", "a//b/./c/..", "//a", "///a"} {
		cases = append(cases, oracleCase{"normpath", [][2]string{{"p", p}}})
	}
	for i := 0; i < 2000; i++ {
		cases = append(cases, oracleCase{"normpath", [][2]string{{"p", randomPath(r, 6)}}})
	}
	want := runOracle(t, clone(cases))
	for i, c := range cases {
		if got, w := normpath(c.Env[0][1]), decodeLatin1(t, want[i]); got != w {
			t.Errorf("normpath(%q) = %q, want %q", c.Env[0][1], got, w)
		}
		if got, w := pyNormpath(c.Env[0][1]), decodeLatin1(t, want[i]); got != w {
			t.Errorf("the fuzz model pyNormpath(%q) = %q, want %q", c.Env[0][1], got, w)
		}
	}
}

func TestURIOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	var cases []oracleCase
	for i := 0; i < 3000; i++ {
		// application_uri needs wsgi.url_scheme, SERVER_NAME and
		// SERVER_PORT: Python raises KeyError without them.
		env := [][2]string{
			{"wsgi.url_scheme", pick("http", "https", "ftp", "")},
			{"SERVER_NAME", pick("127.0.0.1", "example.org", "", "h\xe4st")},
			{"SERVER_PORT", pick("80", "443", "8080", "", "080")},
		}
		if r.IntN(2) == 0 {
			env = append(env, [2]string{"HTTP_HOST", pick("", "example.com:8000", "x")})
		}
		if r.IntN(4) != 0 {
			env = append(env, [2]string{"SCRIPT_NAME", randomPath(r, 3)})
		}
		if r.IntN(4) != 0 {
			env = append(env, [2]string{"PATH_INFO", randomPath(r, 4)})
		}
		if r.IntN(2) == 0 {
			env = append(env, [2]string{"QUERY_STRING", pick("", "a=b", "s%E4y=ni", "x y\xe4")})
		}
		if r.IntN(2) == 0 {
			env = append(env, [2]string{"HTTPS", pick("on", "yes", "1", "off", "ON", "")})
		}
		r.Shuffle(len(env), func(i, j int) { env[i], env[j] = env[j], env[i] })
		cases = append(cases, oracleCase{"uri", env})
	}
	want := runOracle(t, clone(cases))
	for i, c := range cases {
		env := new(wsgiref.Environ)
		for _, kv := range c.Env {
			env.Set(kv[0], kv[1])
		}
		got := []any{GuessScheme(env), ApplicationURI(env), RequestURI(env, true), RequestURI(env, false)}
		if w := decodeLatin1(t, want[i]); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", w) {
			t.Errorf("env %q:\n got %q\nwant %q", c.Env, got, w)
		}
	}
}

func TestSetupTestingDefaultsOracle(t *testing.T) {
	keys := []string{"SERVER_NAME", "SERVER_PROTOCOL", "HTTP_HOST", "REQUEST_METHOD", "SCRIPT_NAME",
		"PATH_INFO", "wsgi.url_scheme", "SERVER_PORT", "HTTPS", "QUERY_STRING"}
	vals := []string{"", "x", "on", "https", "http", "1"}
	r := rand.New(rand.NewPCG(7, 8))
	var cases []oracleCase
	for i := 0; i < 1000; i++ {
		var env [][2]string
		for _, k := range keys {
			if r.IntN(3) == 0 {
				env = append(env, [2]string{k, vals[r.IntN(len(vals))]})
			}
		}
		r.Shuffle(len(env), func(i, j int) { env[i], env[j] = env[j], env[i] })
		cases = append(cases, oracleCase{"defaults", env})
	}
	want := runOracle(t, clone(cases))
	for i, c := range cases {
		env := new(wsgiref.Environ)
		for _, kv := range c.Env {
			env.Set(kv[0], kv[1])
		}
		SetupTestingDefaults(env)
		var got []any
		for k, v := range env.All() {
			got = append(got, []any{k, v})
		}
		if w := decodeLatin1(t, want[i]); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", w) {
			t.Errorf("env %q:\n got %q\nwant %q", c.Env, got, w)
		}
	}
}

func dump(e *wsgiref.Environ) string {
	var b strings.Builder
	for k, v := range e.All() {
		fmt.Fprintf(&b, "%q=%q;", k, v)
	}
	return b.String()
}
