package pyrepr

import (
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"abc", "'abc'"},
		{"it's", `"it's"`},
		{`it's "q"`, `'it\'s "q"'`},
		{`a\b`, `'a\\b'`},
		{"\t\n\r", `'\t\n\r'`},
		{"\x00\x1f\x7f\x80\xa0\xad", `'\x00\x1f\x7f\x80\xa0\xad'`},
		{"sp\xe4m", "'späm'"},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestAgainstCPython compares every single byte and a few mixes with the
// repr of python3, read as Latin-1.
func TestAgainstCPython(t *testing.T) {
	var inputs []string
	for c := 0; c < 256; c++ {
		inputs = append(inputs, string([]byte{byte(c)}), "a'"+string([]byte{byte(c)}), "\"'"+string([]byte{byte(c)}))
	}
	var in strings.Builder
	for _, s := range inputs {
		for i := 0; i < len(s); i++ {
			in.WriteString(strings.ToLower(string("0123456789ABCDEF"[s[i]>>4])) + string("0123456789abcdef"[s[i]&15]))
		}
		in.WriteByte('\n')
	}
	cmd := oracle.Command(t, "-c", `import sys
for line in sys.stdin.read().splitlines():
    sys.stdout.buffer.write(repr(bytes.fromhex(line).decode('latin-1')).encode('utf-8') + b'\n')`)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(want) != len(inputs) {
		t.Fatalf("python3 gave %d lines for %d inputs", len(want), len(inputs))
	}
	for i, s := range inputs {
		if got := String(s); got != want[i] {
			t.Errorf("String(%q) = %s, CPython %s", s, got, want[i])
		}
	}
}
