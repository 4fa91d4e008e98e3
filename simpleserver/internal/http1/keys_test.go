package http1

import (
	"fmt"
	"testing"
)

// TestKeyCache checks issue 15's promise for field names the generated
// table does not know: the CGI key is right, a name the connection has
// seen costs no allocation, and the cache never holds more than
// maxCachedKeys names however many new ones a client sends.
func TestKeyCache(t *testing.T) {
	var c keyCache
	for _, tc := range []struct{ name, want string }{
		{"X-Trace", "HTTP_X_TRACE"},
		{"x-trace", "HTTP_X_TRACE"},
		{"Content-Type", "CONTENT_TYPE"},
		{"content-length", "CONTENT_LENGTH"},
		{"Host", "HTTP_HOST"},
		{"X-Unknown-Name-Here", "HTTP_X_UNKNOWN_NAME_HERE"},
	} {
		if got := c.key([]byte(tc.name)); got != tc.want {
			t.Errorf("key(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}

	seen := []byte("X-Unknown-Name-Here")
	if n := testing.AllocsPerRun(100, func() { c.key(seen) }); n != 0 {
		t.Errorf("key of a name already seen: %v allocs, want 0", n)
	}
	known := []byte("Accept-Encoding")
	if n := testing.AllocsPerRun(100, func() { c.key(known) }); n != 0 {
		t.Errorf("key of a table name: %v allocs, want 0", n)
	}

	for i := range 3 * maxCachedKeys {
		name := fmt.Sprintf("X-Flood-%d", i)
		if got, want := c.key([]byte(name)), fmt.Sprintf("HTTP_X_FLOOD_%d", i); got != want {
			t.Fatalf("key(%q) = %q, want %q", name, got, want)
		}
		if len(c.m) > maxCachedKeys {
			t.Fatalf("after %d new names the cache holds %d, bound %d", i+1, len(c.m), maxCachedKeys)
		}
	}
	if len(c.m) != maxCachedKeys {
		t.Errorf("cache holds %d names after a flood, want the bound %d", len(c.m), maxCachedKeys)
	}
	// A name seen before the flood is still served from the cache.
	if n := testing.AllocsPerRun(100, func() { c.key(seen) }); n != 0 {
		t.Errorf("key of a name seen before the flood: %v allocs, want 0", n)
	}
}
