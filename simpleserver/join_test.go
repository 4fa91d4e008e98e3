package simpleserver

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/cgikey"
)

// TestJoinManyNames has GetEnviron join names that repeat out of order,
// more of them than joinRepeats' first table of groups holds, with the
// reader's keys (one string per key: found by address) and without (a
// RequestHandler's fields: equal keys in other strings, found by their
// bytes), against CPython's rule: the first of a name sets HTTP_NAME, each
// repeat appends ","+value, in wire order.
func TestJoinManyNames(t *testing.T) {
	srv, err := MakeServer("127.0.0.1", 0, wsgiref.AppFunc(nil), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var fields headers.Headers
	var interned []string
	keyOf := map[string]string{}
	var wantKeys []string
	want := map[string]string{}
	add := func(name, value string) {
		key, ok := keyOf[name]
		if !ok {
			key = cgikey.Key(name)
			keyOf[name] = key
			wantKeys = append(wantKeys, key)
			want[key] = value
		} else {
			want[key] += "," + value
		}
		fields = append(fields, headers.Field{Name: name, Value: value})
		interned = append(interned, key)
	}
	for round := range 3 {
		for n := range 40 {
			add(fmt.Sprintf("X-N%d", n), fmt.Sprintf("%d.%d", n, round))
		}
		add("X-Run", fmt.Sprint(round)) // in a row with the next
		add("X-Run", fmt.Sprint(round+10))
	}
	for _, keys := range [][]string{interned, nil} {
		r := &Request{Command: "GET", Path: "/", RequestVersion: "HTTP/1.1", Headers: fields, keys: keys, Server: srv}
		var env wsgiref.Environ
		WSGIRequestHandler{}.GetEnviron(r, &env)
		var got []string
		for k, v := range env.All() {
			if strings.HasPrefix(k, "HTTP_") {
				got = append(got, k+"="+v)
				if v != want[k] {
					t.Errorf("reader's keys %v: %s = %q, want %q", keys != nil, k, v, want[k])
				}
			}
		}
		if len(got) != len(wantKeys) {
			t.Errorf("reader's keys %v: %d HTTP_* variables, want %d: %v", keys != nil, len(got), len(wantKeys), got)
		}
		for i, k := range wantKeys {
			if i < len(got) && !strings.HasPrefix(got[i], k+"=") {
				t.Errorf("reader's keys %v: variable %d is %s, want %s", keys != nil, i, got[i], k)
			}
		}
	}
}
