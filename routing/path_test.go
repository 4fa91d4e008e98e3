package routing

import (
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// state is the environ's path after a shift.
type state struct {
	name               string
	ok                 bool
	script, pathInfo   string
	hasScript, hasInfo bool
}

func pathEnv(script, pathInfo string, hasScript bool) *wsgiref.Environ {
	env := new(wsgiref.Environ)
	env.Set("REQUEST_METHOD", "GET")
	if hasScript {
		env.Set("SCRIPT_NAME", script)
	}
	env.Set("PATH_INFO", pathInfo)
	return env
}

func snapshot(env *wsgiref.Environ, name string, ok bool) state {
	sn, hasS := env.Lookup("SCRIPT_NAME")
	pi, hasP := env.Lookup("PATH_INFO")
	return state{name, ok, sn, pi, hasS, hasP}
}

// shiftAll is the oracle: ShiftPathInfo called until it says no, with the
// environ after each call.
func shiftAll(script, pathInfo string, hasScript bool) []state {
	env := pathEnv(script, pathInfo, hasScript)
	var out []state
	for range len(pathInfo) + 2 {
		name, ok := wsgiutil.ShiftPathInfo(env)
		out = append(out, snapshot(env, name, ok))
		if !ok {
			break
		}
	}
	return out
}

// walkAll walks with Path and commits a copy of the environ after each
// step, which must give what ShiftPathInfo gives.
func walkAll(t testing.TB, script, pathInfo string, hasScript bool) ([]state, Path) {
	env := pathEnv(script, pathInfo, hasScript)
	before := snapshot(env, "", false)
	p, method := Begin(env)
	if method != "GET" {
		t.Fatalf("Begin: method %q, want GET", method)
	}
	if after := snapshot(env, "", false); after != before {
		t.Fatalf("Begin changed the environ: %+v -> %+v", before, after)
	}
	var out []state
	i := p.Start()
	for range len(pathInfo) + 2 {
		name, next, ok := p.Next(i)
		c := env.Clone()
		p.Commit(c, next)
		st := snapshot(c, name, ok)
		if got := p.Rest(next); got != st.pathInfo {
			t.Errorf("%q %q: Rest(%d) = %q, committed PATH_INFO %q", script, pathInfo, next, got, st.pathInfo)
		}
		out = append(out, st)
		if !ok {
			break
		}
		i = next
	}
	return out, p
}

// walkPaths are the paths of the comparison: the cases the task names,
// CPython's test_wsgiref shift_path_info cases, and odd ones.
var walkPaths = []string{
	"", "/", "//", "///", "/.", "/..", "/./", "/../", "/x", "/x/", "/x//", "/x/.",
	"/x/..", "/x/./y", "/x/../y", "/x//y", "//x", "/./x", "/../x", "/a/b/c",
	"/a/b/c/", "/a//b/./c/../d/", "/a/.b/..c/...", "/.x", "/..x", "x", "x/y",
	"x/", "/a/b/.", "/a/b/..", "/hello/world/", "/x%2Fy", "/a b/c",
	"/\xe4/\xff", "/a/b//", "/a/./", "/a/../",
	strings.Repeat("/s", 32), strings.Repeat("/s", 33), strings.Repeat("/s", 33) + "/",
}

var walkScripts = []struct {
	sn  string
	has bool
}{
	{"", false}, {"", true}, {"/", true}, {"/app", true}, {"/app/", true},
	{"//app", true}, {"/a/b", true}, {"app", true}, {"/a/./b", true},
	{"/a/..", true}, {"/..", true}, {".", true},
}

func TestWalkMatchesShiftPathInfo(t *testing.T) {
	for _, s := range walkScripts {
		for _, pi := range walkPaths {
			want := shiftAll(s.sn, pi, s.has)
			got, _ := walkAll(t, s.sn, pi, s.has)
			if !equalStates(got, want) {
				t.Errorf("SCRIPT_NAME %q (present %v) PATH_INFO %q:\n walk  %+v\n shift %+v", s.sn, s.has, pi, got, want)
			}
		}
	}
}

func equalStates(a, b []state) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWalkFastPath pins which paths take the allocation-free walk: a
// change that sent clean paths to the slow walk would pass the comparison
// test but lose the speed.
func TestWalkFastPath(t *testing.T) {
	cases := []struct {
		sn, pi string
		fast   bool
	}{
		{"", "", true}, {"", "/", true}, {"", "/x", true}, {"", "/x/", true},
		{"", "/a/b/c", true}, {"/app", "/a/b/", true}, {"/a/b", "/c", true},
		{"", "/.x/..y/...", true},
		{"", "//", false}, {"", "/./", false}, {"", "/../", false}, {"", "/x/.", false},
		{"", "/x/..", false}, {"", "x", false}, {"/", "/x", false}, {"/app/", "/x", false},
		{"app", "/x", false}, {"/a//b", "/x", false},
		{"", strings.Repeat("/s", 32), true}, {"", strings.Repeat("/s", 32) + "/", false},
		{"", strings.Repeat("/s", 33), false},
	}
	// One Path reused for every case, with Path.Begin, must walk as a
	// fresh one from Begin: nothing of the previous walk is left over.
	var reused Path
	for _, c := range cases {
		env := pathEnv(c.sn, c.pi, true)
		p, _ := Begin(env)
		if fast := p.steps == nil; fast != c.fast {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q: fast path %v, want %v", c.sn, c.pi, fast, c.fast)
		}
		if m := reused.Begin(env); m != "GET" || !sameWalk(&p, &reused) {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q: a reused Path walks otherwise (method %q)", c.sn, c.pi, m)
		}
	}
}

// sameWalk reports whether two walks give the same segments and rests.
func sameWalk(a, b *Path) bool {
	i, j := a.Start(), b.Start()
	for range 40 {
		sa, ni, oka := a.Next(i)
		sb, nj, okb := b.Next(j)
		if sa != sb || oka != okb || a.Rest(ni) != b.Rest(nj) {
			return false
		}
		if !oka {
			return true
		}
		i, j = ni, nj
	}
	return true
}

func TestWalkAllocs(t *testing.T) {
	env := pathEnv("", "/repos/owner/repo/issues/1", true)
	n := testing.AllocsPerRun(100, func() {
		env.SetScriptPath("/repos/owner/repo/issues/1", 0)
		p, _ := Begin(env)
		i := p.Start()
		for {
			_, next, ok := p.Next(i)
			i = next
			if !ok {
				break
			}
		}
		p.Commit(env, i)
	})
	if n != 0 {
		t.Errorf("a clean walk allocates %v times, want 0", n)
	}
	if got := env.Get("SCRIPT_NAME"); got != "/repos/owner/repo/issues/1" {
		t.Errorf("SCRIPT_NAME %q", got)
	}
}

// FuzzWalk compares the walk with ShiftPathInfo on any SCRIPT_NAME and
// PATH_INFO.
func FuzzWalk(f *testing.F) {
	for _, pi := range walkPaths {
		f.Add("", pi)
		f.Add("/app", pi)
	}
	f.Add("/", "/x")
	f.Add("//a", "/./")
	f.Fuzz(func(t *testing.T, sn, pi string) {
		if len(pi) > 200 || len(sn) > 200 || strings.Count(pi, "/") > 40 {
			return
		}
		for _, has := range []bool{true, false} {
			if !has && sn != "" {
				continue
			}
			want := shiftAll(sn, pi, has)
			got, _ := walkAll(t, sn, pi, has)
			if !equalStates(got, want) {
				t.Fatalf("SCRIPT_NAME %q PATH_INFO %q:\n walk  %+v\n shift %+v", sn, pi, got, want)
			}
		}
	})
}

// TestTailMatchesNext checks Tail against the segment-by-segment walk
// it stands for, on every path and mount of the walk comparison and every
// tail those paths' own segments make, from every position.
func TestTailMatchesNext(t *testing.T) {
	tails := []string{"/", "/x", "/x/", "/a/b", "/a/b/c", "/b/c", "/c/", "/s", "/s/s", "/hello/world/", "/y"}
	for _, s := range walkScripts {
		for _, pi := range walkPaths {
			env := pathEnv(s.sn, pi, s.has)
			p, _ := Begin(env)
			for k := 0; ; k++ {
				for _, tail := range tails {
					end, ok := p.Tail(k, tail)
					wantEnd, wantOK := walkTail(&p, k, tail)
					if ok != wantOK || ok && end != wantEnd {
						t.Errorf("SCRIPT_NAME %q PATH_INFO %q: Tail(%d, %q) = %d, %v; the walk says %d, %v", s.sn, pi, k, tail, end, ok, wantEnd, wantOK)
					}
				}
				if _, _, more := p.Next(k); !more {
					break
				}
			}
		}
	}
}

// walkTail is Tail by Next calls: each segment of tail in turn, then the
// end of the path.
func walkTail(p *Path, k int, tail string) (int, bool) {
	for _, want := range strings.Split(tail[1:], "/") {
		seg, next, ok := p.Next(k)
		if !ok || seg != want {
			return 0, false
		}
		k = next
	}
	_, end, ok := p.Next(k)
	return end, !ok
}

// Path.Serve commits as Commit does, at every position of every walk of
// the comparison (fast, bitmap and slow), and then calls the application
// with the committed environ.
func TestServeCommits(t *testing.T) {
	for _, s := range walkScripts {
		for _, pi := range walkPaths {
			env := pathEnv(s.sn, pi, s.has)
			var p Path
			p.Begin(env)
			for k, i := 0, p.Start(); k < len(pi)+2; k++ {
				committed, served := env.Clone(), env.Clone()
				p.Commit(committed, i)
				var seen state
				app := wsgiref.AppFunc(func(e *wsgiref.Environ, _ wsgiref.StartResponse) (wsgiref.Body, error) {
					seen = snapshot(e, "", false)
					return nil, nil
				})
				if _, err := p.Serve(served, i, app, "X", nil); err != nil {
					t.Fatal(err)
				}
				if want := snapshot(committed, "", false); seen != want {
					t.Errorf("SCRIPT_NAME %q PATH_INFO %q at %d: Serve gave the app %+v, Commit %+v", s.sn, pi, i, seen, want)
				}
				_, next, ok := p.Next(i)
				if !ok {
					break
				}
				i = next
			}
		}
	}
}
