package wsgiutil_test

import (
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

const fiveSegments = "/repos/gowsgi/wsgiref/issues/42"

// walk shifts the five segments of a request path as a router does.
func walk(env *wsgiref.Environ) {
	env.Set("SCRIPT_NAME", "")
	env.Set("PATH_INFO", fiveSegments)
	for {
		if _, ok := wsgiutil.ShiftPathInfo(env); !ok {
			return
		}
	}
}

func BenchmarkShiftPathInfo(b *testing.B) {
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	b.ReportAllocs()
	for b.Loop() {
		walk(env)
	}
}

// BenchmarkShiftPathInfoMounted starts below a SCRIPT_NAME set by the
// server: the first shift allocates the joined path once.
func BenchmarkShiftPathInfoMounted(b *testing.B) {
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	b.ReportAllocs()
	for b.Loop() {
		env.Set("SCRIPT_NAME", "/api")
		env.Set("PATH_INFO", fiveSegments)
		for {
			if _, ok := wsgiutil.ShiftPathInfo(env); !ok {
				break
			}
		}
	}
}

// BenchmarkShiftPathInfoUnclean needs normalising at every step.
func BenchmarkShiftPathInfoUnclean(b *testing.B) {
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	b.ReportAllocs()
	for b.Loop() {
		env.Set("SCRIPT_NAME", "/a/")
		env.Set("PATH_INFO", "//repos/./gowsgi//wsgiref/issues/../42")
		for {
			if _, ok := wsgiutil.ShiftPathInfo(env); !ok {
				break
			}
		}
	}
}

func requestEnv() *wsgiref.Environ {
	env := wsgiref.NewEnviron(
		"SCRIPT_NAME", "/api",
		"PATH_INFO", "/repos/gowsgi/wsgiref/issues;page=2",
		"QUERY_STRING", "state=open&sort=updated",
		"HTTP_HOST", "example.org:8080",
	)
	wsgiutil.SetupTestingDefaults(env)
	return env
}

func BenchmarkRequestURI(b *testing.B) {
	env := requestEnv()
	b.ReportAllocs()
	for b.Loop() {
		_ = wsgiutil.RequestURI(env, true)
	}
}

func BenchmarkApplicationURI(b *testing.B) {
	env := requestEnv()
	b.ReportAllocs()
	for b.Loop() {
		_ = wsgiutil.ApplicationURI(env)
	}
}

func BenchmarkIsHopByHop(b *testing.B) {
	names := []string{"Content-Type", "Connection", "transfer-encoding", "X-Custom-Header", "TE"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			_ = wsgiutil.IsHopByHop(n)
		}
	}
}

// The hot paths' allocation budgets, counted rather than timed.
func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocation counts differ under coverage or the race detector")
	}
	env := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(env)
	walk(env)
	if n := testing.AllocsPerRun(100, func() { walk(env) }); n != 0 {
		t.Errorf("ShiftPathInfo over a clean path: %v allocs, want 0", n)
	}
	renv := requestEnv()
	if n := testing.AllocsPerRun(100, func() { _ = wsgiutil.RequestURI(renv, true) }); n > 1 {
		t.Errorf("RequestURI: %v allocs, want at most 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = wsgiutil.ApplicationURI(renv) }); n > 1 {
		t.Errorf("ApplicationURI: %v allocs, want at most 1", n)
	}
}
