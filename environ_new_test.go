package wsgiref_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Keys has one return type on Environ and Headers (issue 12): a snapshot
// slice.
var (
	_ func() []string = (*wsgiref.Environ)(nil).Keys
	_ func() []string = (*headers.Headers)(nil).Keys
)

// TestEnvironKeysSnapshot deletes keys while ranging over Keys: a snapshot
// lets every matching key go, where an iterator over the live variables
// would skip the key after each deletion.
func TestEnvironKeysSnapshot(t *testing.T) {
	for _, n := range []int{4, 40} { // below and above the index threshold
		e := wsgiref.NewEnviron("HTTP_HOST", "h")
		for i := range n {
			e.Set(fmt.Sprintf("HTTP_X_FORWARDED_%d", i), "x")
		}
		e.Set("PATH_INFO", "/")
		keys := e.Keys()
		for _, k := range keys {
			if strings.HasPrefix(k, "HTTP_X_FORWARDED_") {
				e.Del(k)
			}
		}
		if got := e.Keys(); !slices.Equal(got, []string{"HTTP_HOST", "PATH_INFO"}) {
			t.Errorf("%d forwarded keys: left %q", n, got)
		}
		if len(keys) != n+2 {
			t.Errorf("%d forwarded keys: the snapshot changed to %d keys", n, len(keys))
		}
	}
}

func TestNewEnviron(t *testing.T) {
	many := []string{}
	for i := range 40 {
		many = append(many, fmt.Sprintf("HTTP_X_%d", i), fmt.Sprint(i))
	}
	for _, tt := range []struct {
		name string
		in   []string
		want string
	}{
		{"nothing", nil, ""},
		{"pairs in order", []string{"B", "2", "A", "1"}, "B=2;A=1;"},
		{"odd name gets empty value", []string{"A", "1", "B"}, "A=1;B=;"},
		{"repeated name: first place, last value", []string{"A", "1", "B", "2", "A", "3"}, "A=3;B=2;"},
		{"empty name and value kept", []string{"", ""}, "=;"},
		{"hot keys", []string{"PATH_INFO", "/x", "SCRIPT_NAME", "/app", "REQUEST_METHOD", "GET"},
			"PATH_INFO=/x;SCRIPT_NAME=/app;REQUEST_METHOD=GET;"},
		{"past the index threshold", many, strings.Join(func() []string {
			var s []string
			for i := 0; i < len(many); i += 2 {
				s = append(s, many[i]+"="+many[i+1]+";")
			}
			return s
		}(), "")},
	} {
		e := wsgiref.NewEnviron(tt.in...)
		if got := vars(e); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		for i := 0; i+1 < len(tt.in); i += 2 {
			if v, ok := e.Lookup(tt.in[i]); !ok || !strings.Contains(tt.want, tt.in[i]+"="+v+";") {
				t.Errorf("%s: Lookup(%q) = %q, %v", tt.name, tt.in[i], v, ok)
			}
		}
		if e.Input != nil || e.Errors != nil || e.Version != [2]int{} || e.FileWrapper != nil {
			t.Errorf("%s: wsgi.* fields set", tt.name)
		}
	}
	e := wsgiref.NewEnviron("SCRIPT_NAME", "/app", "PATH_INFO", "/x")
	if p, i := e.ScriptPath(); p != "/app/x" || i != 4 {
		t.Errorf("ScriptPath of a built environ = %q, %d", p, i)
	}
}
