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
	i = max(0, min(i, len(path)))
	e.setHot(hotScriptName, scriptNameKey, path[:i])
	e.setHot(hotPathInfo, pathInfoKey, path[i:])
	e.path = path
}

// pathIndexes finds SCRIPT_NAME and PATH_INFO; -1 when absent. Both are
// hot keys, so this reads two kept positions.
func (e *Environ) pathIndexes() (script, pathInfo int) {
	return e.hotIndex(hotScriptName), e.hotIndex(hotPathInfo)
}

// ScriptPath returns SCRIPT_NAME+PATH_INFO, the application's whole path,
// and the length of SCRIPT_NAME within it. When SCRIPT_NAME is empty, or the
// two still hold the halves stored by [Environ.SetScriptPath], it allocates
// nothing; otherwise it returns their concatenation. A missing variable
// counts as empty.
func (e *Environ) ScriptPath() (path string, i int) {
	var sn, pi string
	si, pj := e.pathIndexes()
	if si >= 0 {
		sn = e.vars[si].value
	}
	if pj >= 0 {
		pi = e.vars[pj].value
	}
	switch {
	case sn == "":
		return pi, 0
	case len(sn)+len(pi) == len(e.path) && e.path[:len(sn)] == sn && e.path[len(sn):] == pi:
		// Equal strings that share their bytes compare in constant time.
		return e.path, len(sn)
	}
	return sn + pi, len(sn)
}
