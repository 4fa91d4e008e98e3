package routing

import wsgiref "github.com/gowsgi/wsgiref"

// A static route, one with no parameter, matches one PATH_INFO only: its
// literal path ("/user/repos"). A generated router compares PATH_INFO
// with the literals of all its static routes, in one switch, before it
// cuts the path into segments at all, and serves a match at once:
//
//	switch routing.WholePath(path, base) {
//	case "/user/repos":
//		switch m {
//		case "GET", "HEAD":
//			return routing.ServeWhole(env, path, r.h.GetUserRepos, "GetUserRepos", start)
//		}
//	}
//	var p routing.Path
//	p.BeginPath(env, path, base) // the walk, for everything else
//
// That is what the walk would do for such a request: a literal path is
// clean (the route file refuses empty, "." and ".." segments), so every
// ShiftPathInfo call along it is a plain cut; the walk tries a static
// segment before a parameter at every node, so it reaches this route and
// no other; and at the route's end SCRIPT_NAME has taken the whole path
// and PATH_INFO is empty. A method the route does not take falls through
// to the walk, which looks for another route and builds the Allow set.

// WholePath returns PATH_INFO to compare with the literal paths of static
// routes, given what [wsgiref.Environ.MethodPath] returned: path is
// SCRIPT_NAME+PATH_INFO and base the length of SCRIPT_NAME in it. It
// returns "", which no route is, when SCRIPT_NAME is one that
// ShiftPathInfo would normalise (the walk then decides):
//
//	WholePath("/user/repos", 0)     = "/user/repos"
//	WholePath("/api/user/repos", 4) = "/user/repos"
//	WholePath("/a//user/repos", 3)  = ""
func WholePath(path string, base int) string {
	if base == 0 {
		return path // an origin server's request: SCRIPT_NAME is empty
	}
	return scriptedPath(path, base)
}

// scriptedPath is WholePath under a SCRIPT_NAME. It is not inlined, so
// that WholePath is, for the common request with no SCRIPT_NAME.
//
//go:noinline
func scriptedPath(path string, base int) string {
	if uint(base) > uint(len(path)) || !cleanScript(path[:base]) {
		return ""
	}
	return path[base:]
}

// ServeWhole ends the walk of a static route that [WholePath] matched: it
// sets SCRIPT_NAME to path, the whole path, and PATH_INFO to "", as the
// ShiftPathInfo calls down the route would have, and calls h, or answers
// 501 Not Implemented when the field named field was left nil. path is
// the one that [wsgiref.Environ.MethodPath] returned.
//
//	SCRIPT_NAME "/api", PATH_INFO "/user/repos":
//	SCRIPT_NAME "/api/user/repos", PATH_INFO "", then h.ServeWSGI(env, start)
func ServeWhole(env *wsgiref.Environ, path string, h wsgiref.App, field string, start wsgiref.StartResponse) (wsgiref.Body, error) {
	env.SetScriptPath(path, len(path))
	if h == nil {
		return NotImplemented(field, start)
	}
	return h.ServeWSGI(env, start)
}
