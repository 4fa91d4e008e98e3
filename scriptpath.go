package wsgiref

// The keys of the two halves of a request path.
const (
	scriptNameKey = "SCRIPT_NAME"
	pathInfoKey   = "PATH_INFO"
)

// SetScriptPath sets SCRIPT_NAME to path[:i] and PATH_INFO to path[i:] and
// remembers path, so that [Environ.ScriptPath] can later hand the joined
// path back without concatenating. Both variables are substrings of path:
// nothing is copied. wsgiutil.ShiftPathInfo moves a segment this way, which
// keeps a router that shifts segment after segment free of allocations.
//
// An i outside [0, len(path)] is clamped to it.
func (e *Environ) SetScriptPath(path string, i int) {
	// Both present and i in range, the common case of a router's commit:
	// two stores at the kept positions (one bounds check each, the -1 of
	// an absent key fails it as a huge uint).
	sn, pi := int(e.hot[hotScriptName])-1, int(e.hot[hotPathInfo])-1
	if uint(i) <= uint(len(path)) && uint(sn) < uint(len(e.vars)) && uint(pi) < uint(len(e.vars)) {
		e.vars[sn].value, e.vars[pi].value = path[:i], path[i:]
		e.path = path
		return
	}
	e.setScriptPathSlow(path, i)
}

// setScriptPathSlow is SetScriptPath with i clamped and either variable
// possibly absent.
func (e *Environ) setScriptPathSlow(path string, i int) {
	i = max(0, min(i, len(path)))
	e.setHot(hotScriptName, scriptNameKey, path[:i])
	e.setHot(hotPathInfo, pathInfoKey, path[i:])
	e.path = path
}

// hotValue is the value of the hot key in slot h, "" when absent.
func (e *Environ) hotValue(h int) string {
	if i := int(e.hot[h]) - 1; uint(i) < uint(len(e.vars)) {
		return e.vars[i].value
	}
	return ""
}

// ScriptPath returns SCRIPT_NAME+PATH_INFO, the application's whole path,
// and the length of SCRIPT_NAME within it. When SCRIPT_NAME is empty, or the
// two still hold the halves stored by [Environ.SetScriptPath], it allocates
// nothing; otherwise it returns their concatenation. A missing variable
// counts as empty.
func (e *Environ) ScriptPath() (path string, i int) {
	return e.joinPath(e.hotValue(hotScriptName), e.hotValue(hotPathInfo))
}

// joinPath is ScriptPath for the values sn and pi of SCRIPT_NAME and
// PATH_INFO.
func (e *Environ) joinPath(sn, pi string) (path string, i int) {
	switch {
	case sn == "":
		return pi, 0
	case len(sn)+len(pi) == len(e.path) && e.path[:len(sn)] == sn && e.path[len(sn):] == pi:
		// Equal strings that share their bytes compare in constant time.
		return e.path, len(sn)
	}
	return sn + pi, len(sn)
}

// MethodPath returns REQUEST_METHOD ("" when absent) and what
// [Environ.ScriptPath] returns, in one call: the three values a router
// reads before it walks the path. All three are hot keys, read at their
// kept positions with no key comparison.
//
// For example, with REQUEST_METHOD "GET", SCRIPT_NAME "/api" and
// PATH_INFO "/users/7", MethodPath returns "GET", "/api/users/7", 4.
func (e *Environ) MethodPath() (method, path string, i int) {
	method = e.hotValue(hotRequestMethod)
	sn, pi := e.hotValue(hotScriptName), e.hotValue(hotPathInfo)
	if sn == "" {
		return method, pi, 0 // an origin server's request: no call
	}
	path, i = e.joinPath(sn, pi)
	return method, path, i
}
