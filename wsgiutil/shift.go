package wsgiutil

import (
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
)

// ShiftPathInfo moves the first segment of PATH_INFO to the end of
// SCRIPT_NAME and returns it, as Python's shift_path_info does: a router
// calls it to descend one level, and the application it hands the environ
// to sees the SCRIPT_NAME and PATH_INFO it expects.
//
// ok is false where Python returns None: PATH_INFO is missing or empty
// (the environ is left alone), or the segment is "." (the environ is still
// updated, PATH_INFO becoming empty). A PATH_INFO of "/" yields "" with ok
// true and a SCRIPT_NAME ending in "/", so that an application can tell
// "/x" from "/x/". Empty and "." segments in the middle of PATH_INFO are
// dropped; SCRIPT_NAME is normalised as posixpath.normpath does, so a
// ".." segment is returned and removes the last segment of SCRIPT_NAME.
// A PATH_INFO holding no "/" at all, on which Python raises IndexError,
// shifts nothing and returns ok false.
//
// On a clean path (plain segments, a SCRIPT_NAME that normpath keeps as it
// is) ShiftPathInfo allocates nothing: name, SCRIPT_NAME and PATH_INFO are
// substrings of one string, remembered with [wsgiref.Environ.SetScriptPath].
// Only when SCRIPT_NAME did not come from an earlier shift does the first
// shift allocate, once, the joined path.
func ShiftPathInfo(env *wsgiref.Environ) (name string, ok bool) {
	pi := env.Get("PATH_INFO")
	if pi == "" {
		return "", false
	}
	if pi[0] == '/' {
		rest := pi[1:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		name = rest[:end]
		if plainSegment(name) && cleanTail(rest[end:]) && cleanScript(env.Get("SCRIPT_NAME")) {
			path, i := env.ScriptPath()
			env.SetScriptPath(path, i+1+len(name))
			return name, true
		}
	}
	return shiftSlow(env, pi)
}

// plainSegment reports whether a segment is a name that normpath keeps.
func plainSegment(s string) bool {
	return s != "" && s != "." && s != ".."
}

// cleanTail reports whether the rest of PATH_INFO after the shifted name
// ("" or "/..."), has no empty or "." segment before its last one, which
// shift_path_info would drop.
func cleanTail(tail string) bool {
	if tail == "" {
		return true
	}
	tail = tail[1:]
	for {
		i := strings.IndexByte(tail, '/')
		if i < 0 {
			return true
		}
		if s := tail[:i]; s == "" || s == "." {
			return false
		}
		tail = tail[i+1:]
	}
}

// cleanScript reports whether normpath(sn + "/" + name) is sn + "/" + name
// for a plain name: sn is empty, or a path of plain segments with at most
// one leading slash and no trailing one.
func cleanScript(sn string) bool {
	if sn == "" {
		return true
	}
	if sn[0] == '/' {
		sn = sn[1:]
	}
	for {
		i := strings.IndexByte(sn, '/')
		if i < 0 {
			return plainSegment(sn)
		}
		if !plainSegment(sn[:i]) {
			return false
		}
		sn = sn[i+1:]
	}
}

// shiftSlow is shift_path_info line by line, for the paths that need
// normalising.
func shiftSlow(env *wsgiref.Environ, pi string) (string, bool) {
	first := strings.IndexByte(pi, '/')
	if first < 0 {
		return "", false
	}
	head := pi[:first]
	parts := strings.Split(pi[first+1:], "/")
	last := parts[len(parts)-1]
	mid := parts[:0]
	for _, p := range parts[:len(parts)-1] {
		if p != "" && p != "." {
			mid = append(mid, p)
		}
	}
	var name, newPI string
	if len(mid) > 0 {
		name = mid[0]
		newPI = head + "/" + strings.Join(append(mid[1:], last), "/")
	} else {
		name = last
		newPI = head
	}
	sn := strings.TrimSuffix(normpath(env.Get("SCRIPT_NAME")+"/"+name), "/")
	if name == "" && !strings.HasSuffix(sn, "/") {
		sn += "/"
	}
	env.Set("SCRIPT_NAME", sn)
	env.Set("PATH_INFO", newPI)
	if name == "." {
		return "", false
	}
	return name, true
}

// normpath is Python's posixpath.normpath: it drops empty and "."
// segments, resolves ".." against the segment before it, keeps one or two
// leading slashes (three or more become one) and returns "." for nothing.
func normpath(p string) string {
	if p == "" {
		return "."
	}
	slashes := 0
	switch {
	case strings.HasPrefix(p, "///"), !strings.HasPrefix(p, "//") && strings.HasPrefix(p, "/"):
		slashes = 1
	case strings.HasPrefix(p, "//"):
		slashes = 2
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		switch {
		case c == "" || c == ".":
		case c != ".." || slashes == 0 && len(comps) == 0 || len(comps) > 0 && comps[len(comps)-1] == "..":
			comps = append(comps, c)
		case len(comps) > 0:
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", slashes) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}
