package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

// The committed tables are what the generator computes now: a change to the
// generator or to fieldnames.txt without `go generate ./...` fails here,
// before CI's regenerate-and-diff step.
func TestCommittedTablesAreCurrent(t *testing.T) {
	for _, tt := range []struct {
		gen  func() (fileWriter, error)
		path string
	}{
		{headersFile, "../../headers/tables_gen.go"},
		{hopByHopFile, "../../internal/hopbyhop/hopbyhop_gen.go"},
		{cgiKeyFile, "../../internal/cgikey/cgikey_gen.go"},
		{http1File, "../../simpleserver/internal/http1/tables_gen.go"},
	} {
		f, err := tt.gen()
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		var buf bytes.Buffer
		if err := f.(*jen.File).Render(&buf); err != nil {
			t.Fatalf("%s: render: %v", tt.path, err)
		}
		committed, err := os.ReadFile(filepath.FromSlash(tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), committed) {
			t.Errorf("%s differs from the generator's output: run go generate ./...", tt.path)
		}
		if !bytes.HasPrefix(committed, []byte("// Code generated ")) || !bytes.Contains(committed, []byte("DO NOT EDIT.")) {
			t.Errorf("%s lacks the generated-code header", tt.path)
		}
	}
}

func TestFieldNames(t *testing.T) {
	registered, common, err := fieldNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(registered) < 50 || len(common) == 0 {
		t.Fatalf("%d registered, %d common names", len(registered), len(common))
	}
	seen := map[string]bool{}
	for _, n := range append(registered, common...) {
		l := strings.ToLower(n)
		if seen[l] {
			t.Errorf("%q listed twice", n)
		}
		seen[l] = true
		for i := 0; i < len(n); i++ {
			if !isTokenChar(int(n[i])) {
				t.Errorf("%q is not a token", n)
			}
		}
	}
	for _, n := range []string{"Content-Type", "ETag", "WWW-Authenticate"} {
		if !seen[strings.ToLower(n)] {
			t.Errorf("%s missing", n)
		}
	}
}

func TestTableFunctions(t *testing.T) {
	for _, tt := range []struct {
		c, lower, key int
		token, attr   bool
	}{
		{'A', 'a', 'A', true, true},
		{'z', 'z', 'Z', true, true},
		{'-', '-', '_', true, true},
		{'_', '_', '_', true, true},
		{'0', '0', '0', true, true},
		{' ', ' ', ' ', false, false},
		{':', ':', ':', false, false},
		{'"', '"', '"', false, false},
		{'\'', '\'', '\'', true, false},
		{'*', '*', '*', true, false},
		{'%', '%', '%', true, false},
		{'~', '~', '~', true, true},
		{0x7F, 0x7F, 0x7F, false, false},
		{0xC4, 0xE4, 0xC4, false, false},
		{0xE4, 0xE4, 0xC4, false, false},
		{0xD7, 0xD7, 0xD7, false, false},
		{0xF7, 0xF7, 0xF7, false, false},
		{0xDF, 0xDF, 0xDF, false, false},
		{0xFF, 0xFF, 0xFF, false, false},
		{0xB5, 0xB5, 0xB5, false, false},
	} {
		if got := latin1Lower(tt.c); got != tt.lower {
			t.Errorf("latin1Lower(%#x) = %#x", tt.c, got)
		}
		if got := keyByte(tt.c); got != tt.key {
			t.Errorf("keyByte(%#x) = %#x", tt.c, got)
		}
		if got := isTokenChar(tt.c); got != tt.token {
			t.Errorf("isTokenChar(%#x) = %v", tt.c, got)
		}
		if got := isAttrChar(tt.c); got != tt.attr {
			t.Errorf("isAttrChar(%#x) = %v", tt.c, got)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"Content-Type", "CONTENT_TYPE"},
		{"content-length", "CONTENT_LENGTH"},
		{"User-Agent", "HTTP_USER_AGENT"},
		{"X-Real-IP", "HTTP_X_REAL_IP"},
		{"Content-MD5", "HTTP_CONTENT_MD5"},
	} {
		if got := cgiKey(tt.in); got != tt.want {
			t.Errorf("cgiKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
