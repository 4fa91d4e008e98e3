package routing

import (
	"math/bits"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// maxSegments is the most segments the fast walk cuts; a longer path (or
// one over 64 KiB) takes the slow walk, which has no limit.
const maxSegments = 32

// Path is the state of a walk down a request path: the path cut into its
// segments or, for a path that needs normalising, the states a chain of
// ShiftPathInfo calls goes through. A position in the walk is an int that
// [Path.Next] advances (the byte offset of the slash before the next
// segment on a clean path of 8 to 63 bytes, the number of segments shifted
// otherwise), so a router backtracks by keeping the position it had.
type Path struct {
	path string // SCRIPT_NAME+PATH_INFO on the fast path, "" on the slow one
	base int    // len(SCRIPT_NAME) within path
	pi   string // path[base:], PATH_INFO
	n    int    // the number of segments: of the fast path, or the slow walk's steps that return one
	end  int    // the position after the last segment: n, or the slow walk's last step
	// cut[k] is the offset in PATH_INFO of the slash before segment k;
	// cut[n] is len(PATH_INFO).
	cut [maxSegments + 1]uint16
	// slashes maps a clean PATH_INFO under 64 bytes: bit i is set where
	// PATH_INFO[i] is a slash, and bit len(PATH_INFO) as the end. The
	// positions are then byte offsets and cut is not used: the walk
	// finds each segment's end with a bit scan, and Begin stores no
	// position per slash. 0 on the other walks.
	slashes uint64
	steps   []step // the shift states on the slow path, nil on the fast one
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
//
// Begin returns the walk by value, for code that keeps it; generated
// routers call [Path.Begin], which fills a walk in place.
func Begin(env *wsgiref.Environ) (p Path, method string) {
	method = p.Begin(env)
	return p, method
}

// Begin starts a walk of env's PATH_INFO in p, as the function [Begin]
// does, and returns the request method. It fills p in place because
// returning the walk (about 160 bytes, its cut positions written a
// uint16 at a time) cost a static route a tenth of its time in the copy.
//
// On a clean path Begin allocates nothing when SCRIPT_NAME is empty (an
// origin server) or was set by an outer router's walk; a SCRIPT_NAME of
// another origin (CGI) costs one concatenation, as in ShiftPathInfo.
func (p *Path) Begin(env *wsgiref.Environ) (method string) {
	// The method, SCRIPT_NAME+PATH_INFO in one call, and without
	// concatenating when SCRIPT_NAME is empty or was set by an outer
	// router's walk.
	method, path, base := env.MethodPath()
	p.BeginPath(env, path, base)
	return method
}

// BeginPath is [Path.Begin] for a router that has read the environ
// already: path and base are what [wsgiref.Environ.MethodPath] returned
// for env (SCRIPT_NAME+PATH_INFO and the length of SCRIPT_NAME). A
// generated router with static routes reads them once, matches the whole
// path against those routes ([WholePath]), and only then begins the walk.
func (p *Path) BeginPath(env *wsgiref.Environ, path string, base int) {
	pi := path[base:]
	if base == 0 || cleanScript(path[:base]) {
		// Most request paths are 8 to 63 bytes: mapSlashes, written out
		// here rather than called through cutPath's dispatch, two calls
		// less.
		var clean bool
		if len(pi) >= 8 && len(pi) < 64 && pi[0] == '/' {
			slashes, slashOrDot := slashMaps(pi)
			if clean = slashes<<1&slashOrDot == 0; clean {
				p.keepMap(slashes, len(pi))
			} else {
				clean = p.cutBytes(pi) // a "//" or a "/.": the exact loop decides
			}
		} else {
			clean = p.cutPath(pi)
		}
		if clean {
			p.path, p.base, p.pi, p.steps = path, base, pi, nil
			return
		}
	}
	*p = slowPath(env, pi)
}

// Start returns the position before the first segment.
func (p *Path) Start() int { return 0 }

// Next returns the segment after position k and the position after it.
// ok is false where ShiftPathInfo returns false: the path has no segment
// left. The position returned with ok false is still the one to commit
// for a route ending at k, because ShiftPathInfo may have normalised the
// environ on its way to saying so (a last segment of ".").
//
// Next is inlined at every node of a generated router, so it has no call
// in it: both walks are data it reads, the cut positions of a clean path
// or the names of the slow walk's steps, and the end position of either.
func (p *Path) Next(k int) (seg string, next int, ok bool) {
	if k < p.n {
		j := k + 1
		if p.slashes != 0 {
			// j <= len(PATH_INFO) < 64 (the mask only tells the
			// compiler), and the end bit stops the scan.
			e := j + bits.TrailingZeros64(p.slashes>>(uint(j)&63))
			return p.pi[j:e], e, true
		}
		if p.steps != nil {
			return p.steps[j].name, j, true
		}
		return p.pi[p.cut[k]+1 : p.cut[j]], j, true
	}
	return "", p.end, false
}

// offset is the byte offset in PATH_INFO of position k on a clean path.
func (p *Path) offset(k int) int {
	if p.slashes != 0 {
		return k
	}
	return int(p.cut[k])
}

// Rest returns PATH_INFO as it is at position k: what a mounted
// application sees.
func (p *Path) Rest(k int) string {
	if p.steps != nil {
		s := &p.steps[k]
		return s.path[s.script:]
	}
	return p.pi[p.offset(k):]
}

// Commit sets SCRIPT_NAME and PATH_INFO to their values at position k,
// as the ShiftPathInfo calls that led there would have left them. At the
// start position it changes nothing, since nothing was shifted.
func (p *Path) Commit(env *wsgiref.Environ, k int) {
	if p.steps == nil {
		if k > 0 {
			env.SetScriptPath(p.path, p.base+p.offset(k))
		}
		return
	}
	p.commitSlow(env, k)
}

// commitSlow is Commit on the slow walk.
func (p *Path) commitSlow(env *wsgiref.Environ, k int) {
	for k > 0 && p.steps[k].same {
		k-- // that call left the environ alone
	}
	if k > 0 {
		s := &p.steps[k]
		env.SetScriptPath(s.path, s.script)
	}
}

// Serve ends the walk with the route chosen: it commits the environ at
// position k, as [Path.Commit] does, and calls h, the application of the
// route in the field named field, or answers 501 Not Implemented when the
// field was left nil, as the function [Serve] does. Generated routers
// end each route with it, one call where Commit and Serve were two:
//
//	PATH_INFO "/user/repos", k at the end: SCRIPT_NAME "/user/repos",
//	PATH_INFO "", then h.ServeWSGI(env, start)
func (p *Path) Serve(env *wsgiref.Environ, k int, h wsgiref.App, field string, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if p.steps == nil {
		if k > 0 {
			env.SetScriptPath(p.path, p.base+p.offset(k))
		}
	} else {
		p.commitSlow(env, k)
	}
	if h == nil {
		return NotImplemented(field, start)
	}
	return h.ServeWSGI(env, start)
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
	// The steps after the first that return a segment, and the last
	// step, where ShiftPathInfo says no.
	n := 0
	for n+1 < len(steps) && steps[n+1].ok {
		n++
	}
	return Path{steps: steps, n: n, end: len(steps) - 1}
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

// Tail matches the rest of the path at position k against tail, the
// static segments of a route's end ("/stats/punch_card"), and returns the
// position at the end of the path, to commit: the segments of tail must
// be all that is left. A generated router checks a chain of static
// segments leading to one route's end in one call, rather than a
// segment at a time:
//
//	PATH_INFO "/repos/a/b/stats/punch_card", k after "b"
//	Tail(k, "/stats/punch_card") = the end position, true
func (p *Path) Tail(k int, tail string) (end int, ok bool) {
	if p.steps == nil {
		if k > p.n || p.pi[p.offset(k):] != tail {
			return 0, false
		}
		return p.n, true
	}
	for len(tail) > 0 {
		i := strings.IndexByte(tail[1:], '/') + 1
		if i == 0 {
			i = len(tail)
		}
		seg, next, ok := p.Next(k)
		if !ok || seg != tail[1:i] {
			return 0, false
		}
		k, tail = next, tail[i:]
	}
	if _, end, ok := p.Next(k); !ok {
		return end, true
	}
	return 0, false
}
