package routing

import (
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// WholePath gives PATH_INFO, to compare with a static route's literal,
// exactly when the SCRIPT_NAME before it is one the walk keeps as it is;
// and where it does, ServeWhole leaves the environ as the ShiftPathInfo
// calls down the whole path do (the oracle, shiftAll).
func TestWholePath(t *testing.T) {
	tests := []struct {
		script    string
		hasScript bool
		pathInfo  string
		want      string // WholePath's answer
	}{
		{"", false, "/user/repos", "/user/repos"},
		{"", true, "/user/repos", "/user/repos"},
		{"/api", true, "/user/repos", "/user/repos"},
		{"/api/v3", true, "/y/", "/y/"},
		{"/api", true, "/", "/"},
		{"", true, "/", "/"},
		{"/api", true, "", ""},
		// SCRIPT_NAME that ShiftPathInfo normalises: the walk decides.
		{"/", true, "/user/repos", ""},
		{"/api/", true, "/user/repos", ""},
		{"/a//b", true, "/user/repos", ""},
		{"/a/./b", true, "/user/repos", ""},
		{"/a/../b", true, "/user/repos", ""},
		{"api", true, "/user/repos", ""},
	}
	for _, tt := range tests {
		env := pathEnv(tt.script, tt.pathInfo, tt.hasScript)
		_, path, base := env.MethodPath()
		got := WholePath(path, base)
		if got != tt.want {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q: WholePath = %q, want %q", tt.script, tt.pathInfo, got, tt.want)
		}
		if got == "" {
			continue
		}
		states := shiftAll(tt.script, tt.pathInfo, tt.hasScript)
		want := states[len(states)-1]
		var served bool
		app := wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) {
			served = true
			return nil, nil
		})
		if _, err := ServeWhole(env, path, app, "X", nil); err != nil || !served {
			t.Fatalf("ServeWhole: served %v, error %v", served, err)
		}
		if s := snapshot(env, want.name, want.ok); s != want {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q: ServeWhole left %+v, ShiftPathInfo %+v", tt.script, tt.pathInfo, s, want)
		}
		if p, i := env.ScriptPath(); p != path || i != len(path) {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q: ScriptPath after ServeWhole = %q, %d; want %q, %d", tt.script, tt.pathInfo, p, i, path, len(path))
		}
	}
}

// A nil application of a static route answers 501 naming its field, as
// the walk's Serve does.
func TestServeWholeNotImplemented(t *testing.T) {
	env := pathEnv("", "/user/repos", true)
	_, path, _ := env.MethodPath()
	var status string
	start := func(s string, _ headers.Headers, _ ...error) (wsgiref.Write, error) {
		status = s
		return nil, nil
	}
	if _, err := ServeWhole(env, path, nil, "GetUserRepos", start); err != nil {
		t.Fatal(err)
	}
	if status != "501 Not Implemented" {
		t.Errorf("status %q, want 501 Not Implemented", status)
	}
	if sn, pi := env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"); sn != "/user/repos" || pi != "" {
		t.Errorf("SCRIPT_NAME %q PATH_INFO %q, want the committed walk", sn, pi)
	}
}
