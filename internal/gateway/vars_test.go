package gateway

import (
	"testing"

	"github.com/gowsgi/wsgiref"
)

func TestAddVar(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars []string // name, value pairs, added in order
		want []string // the environ after, in order
		ok   bool     // the last AddVar's result
	}{
		{"new names in order", []string{"B", "1", "A", "2"}, []string{"B", "1", "A", "2"}, true},
		{"later wins", []string{"PATH_INFO", "/a", "X", "1", "PATH_INFO", "/b"}, []string{"PATH_INFO", "/b", "X", "1"}, true},
		{"HTTP_ joined", []string{"HTTP_X_A", "1", "HTTP_X_A", "2", "HTTP_X_A", ""}, []string{"HTTP_X_A", "1,2,"}, true},
		{"HTTP without underscore is not a header", []string{"HTTPS", "on", "HTTPS", "off"}, []string{"HTTPS", "off"}, true},
		{"empty value kept", []string{"CONTENT_TYPE", ""}, []string{"CONTENT_TYPE", ""}, true},
		{"length twice", []string{"CONTENT_LENGTH", "0", "CONTENT_LENGTH", "5"}, []string{"CONTENT_LENGTH", "0"}, false},
		{"length twice, same value", []string{"CONTENT_LENGTH", "5", "CONTENT_LENGTH", "5"}, []string{"CONTENT_LENGTH", "5"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env wsgiref.Environ
			ok := true
			for i := 0; i+1 < len(tc.vars); i += 2 {
				ok = AddVar(&env, tc.vars[i], tc.vars[i+1])
			}
			var got []string
			for k, v := range env.All() {
				got = append(got, k, v)
			}
			if ok != tc.ok || len(got) != len(tc.want) {
				t.Fatalf("environ %q, ok %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("environ %q, want %q", got, tc.want)
				}
			}
		})
	}
}
