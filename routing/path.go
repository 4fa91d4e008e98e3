package routing

import (
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// Path is the state of a walk down a request path: the path itself and,
// for a path that needs normalising, the states a chain of ShiftPathInfo
// calls goes through. A position in the walk is an int that [Path.Next]
// advances, so a router backtracks by keeping the position it had.
type Path struct {
	path  string // SCRIPT_NAME+PATH_INFO, on the fast path
	base  int    // len(SCRIPT_NAME) in path, where the walk starts
	steps []step // the shift states on the slow path, nil on the fast one
}

// step is the environ after one ShiftPathInfo call on the slow path.
type step struct {
	name   string // the segment returned
	ok     bool   // false at the end of the path
	path   string // SCRIPT_NAME+PATH_INFO after the call
	script int    // len(SCRIPT_NAME) within path
	same   bool   // the call changed nothing (a path with no segment left)
}

// Begin starts a walk of env's PATH_INFO and returns it with the request
// method. It reads the environ but does not change it: only [Path.Commit]
// does, once a route is chosen. The first position is [Path.Start].
func Begin(env *wsgiref.Environ) (p Path, method string) {
	// One pass over the variables finds the three a router reads.
	var sn, pi string
	var found uint8
	for k, v := range env.All() {
		switch len(k) {
		case len("PATH_INFO"):
			if k == "PATH_INFO" {
				pi, found = v, found|1
			}
		case len("SCRIPT_NAME"):
			if k == "SCRIPT_NAME" {
				sn, found = v, found|2
			}
		case len("REQUEST_METHOD"):
			if k == "REQUEST_METHOD" {
				method, found = v, found|4
			}
		}
		if found == 7 {
			break
		}
	}
	if sn == "" {
		if cleanPathInfo(pi) {
			return Path{path: pi}, method
		}
	} else if cleanScript(sn) && cleanPathInfo(pi) {
		path, base := env.ScriptPath()
		return Path{path: path, base: base}, method
	}
	return slowPath(env, pi), method
}

// Start returns the position before the first segment.
func (p *Path) Start() int {
	if p.steps != nil {
		return 0
	}
	return p.base
}

// Next returns the segment after position i and the position after it. ok
// is false where ShiftPathInfo returns false: the path has no segment
// left. The position returned with ok false is still the one to commit for
// a route ending at i, because ShiftPathInfo may have normalised the
// environ on its way to saying so (a last segment of ".").
func (p *Path) Next(i int) (seg string, next int, ok bool) {
	// The end of the path and the slow path (where p.path is empty) take
	// a call; the fast path cuts the segment after the '/' at i.
	if i >= len(p.path) {
		return p.nextSlow(i)
	}
	seg = p.path[i+1:]
	for j := range len(seg) {
		if seg[j] == '/' {
			return seg[:j], i + 1 + j, true
		}
	}
	return seg, len(p.path), true
}

func (p *Path) nextSlow(i int) (string, int, bool) {
	if p.steps == nil || i+1 >= len(p.steps) {
		return "", i, false
	}
	s := &p.steps[i+1]
	return s.name, i + 1, s.ok
}

// Rest returns PATH_INFO as it is at position i: what a mounted
// application sees.
func (p *Path) Rest(i int) string {
	if p.steps != nil {
		s := &p.steps[i]
		return s.path[s.script:]
	}
	return p.path[i:]
}

// Commit sets SCRIPT_NAME and PATH_INFO to their values at position i,
// as the ShiftPathInfo calls that led there would have left them. At the
// start position it changes nothing, since nothing was shifted.
func (p *Path) Commit(env *wsgiref.Environ, i int) {
	if p.steps != nil {
		for i > 0 && p.steps[i].same {
			i-- // that call left the environ alone
		}
		if i > 0 {
			s := &p.steps[i]
			env.SetScriptPath(s.path, s.script)
		}
		return
	}
	if i != p.base {
		env.SetScriptPath(p.path, i)
	}
}

// slowPath runs ShiftPathInfo to the end of the path on a scratch environ
// holding only SCRIPT_NAME and PATH_INFO, and records every state.
func slowPath(env *wsgiref.Environ, pi string) Path {
	var scratch wsgiref.Environ
	if sn, ok := env.Lookup("SCRIPT_NAME"); ok {
		scratch.Set("SCRIPT_NAME", sn)
	}
	scratch.Set("PATH_INFO", pi)
	path, script := scratch.ScriptPath()
	steps := []step{{ok: true, path: path, script: script}}
	// Each successful shift removes a segment, so the loop ends; the bound
	// guards against a ShiftPathInfo that would not.
	for range len(pi) + 2 {
		before := steps[len(steps)-1]
		name, ok := wsgiutil.ShiftPathInfo(&scratch)
		path, script := scratch.ScriptPath()
		same := path == before.path && script == before.script
		steps = append(steps, step{name: name, ok: ok, path: path, script: script, same: same})
		if !ok {
			break
		}
	}
	return Path{steps: steps}
}

// cleanPathInfo reports whether every shift along pi is a plain cut: pi
// is empty, or starts with "/" and has no empty, "." or ".." segment
// except an empty last one (a trailing slash). ShiftPathInfo then moves
// each segment from the front of PATH_INFO to the end of SCRIPT_NAME
// unchanged.
func cleanPathInfo(pi string) bool {
	if pi == "" {
		return true
	}
	if pi[0] != '/' {
		return false
	}
	// Most paths have no "//" and no "/." at all: two vectorised searches
	// settle them. The rest (a ".well-known" segment, a trailing slash
	// after a dot name) get the exact byte loop below.
	if !strings.Contains(pi, "//") && !strings.Contains(pi, "/.") {
		return true
	}
	// Look at what follows each slash: another slash is an empty segment,
	// a dot may start a "." or ".." segment.
	for i := 0; i < len(pi); i++ {
		if pi[i] != '/' {
			continue
		}
		switch rest := pi[i+1:]; {
		case rest == "":
			return true // a trailing slash: the empty last segment is fine
		case rest[0] == '/':
			return false
		case rest[0] == '.':
			if len(rest) == 1 || rest[1] == '/' ||
				rest[1] == '.' && (len(rest) == 2 || rest[2] == '/') {
				return false
			}
		}
	}
	return true
}

// cleanScript reports whether posixpath.normpath keeps sn+"/"+name as it
// is for any plain name: sn starts with a single "/", has plain segments
// and no trailing slash.
func cleanScript(sn string) bool {
	return len(sn) > 1 && sn[0] == '/' && sn[len(sn)-1] != '/' && cleanPathInfo(sn)
}
