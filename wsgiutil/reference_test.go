package wsgiutil

import "strings"

// This file is the fuzz oracle for ShiftPathInfo: CPython 3.11's
// wsgiref.util.shift_path_info and posixpath.normpath transcribed statement
// by statement onto a map standing in for the Python dict. It deliberately
// shares no code with shift.go (not shiftSlow, not normpath) and never calls
// path.Clean, whose rules differ (it keeps no "//" root and resolves ".."
// at the root differently), so a bug copied into both would not hide.

// pyEnviron is a Python dict of str: a missing key differs from "".
type pyEnviron map[string]string

// pyShiftResult is what shift_path_info returns or raises.
type pyShiftResult struct {
	name       string
	none       bool // returned None
	indexError bool // raised IndexError (PATH_INFO without "/")
}

// pyShiftPathInfo is wsgiref.util.shift_path_info.
func pyShiftPathInfo(environ pyEnviron) pyShiftResult {
	pathInfo := environ["PATH_INFO"] // environ.get('PATH_INFO','')
	if pathInfo == "" {
		return pyShiftResult{none: true}
	}

	pathParts := strings.Split(pathInfo, "/")
	// path_parts[1:-1] = [p for p in path_parts[1:-1] if p and p != '.']
	inner := pySlice(pathParts, 1, -1)
	var kept []string
	for _, p := range inner {
		if p != "" && p != "." {
			kept = append(kept, p)
		}
	}
	pathParts = pySpliceReplace(pathParts, 1, -1, kept)
	if len(pathParts) < 2 {
		return pyShiftResult{indexError: true} // name = path_parts[1]
	}
	name := pathParts[1]
	pathParts = append(append([]string{}, pathParts[:1]...), pathParts[2:]...) // del path_parts[1]

	scriptName := environ["SCRIPT_NAME"] // environ.get('SCRIPT_NAME','')
	scriptName = pyNormpath(scriptName + "/" + name)
	if strings.HasSuffix(scriptName, "/") {
		scriptName = scriptName[:len(scriptName)-1]
	}
	if name == "" && !strings.HasSuffix(scriptName, "/") {
		scriptName += "/"
	}

	environ["SCRIPT_NAME"] = scriptName
	environ["PATH_INFO"] = strings.Join(pathParts, "/")

	if name == "." {
		return pyShiftResult{none: true}
	}
	return pyShiftResult{name: name}
}

// pySlice is Python's s[i:j] for non-negative i and any j (negative counts
// from the end), clamped as Python clamps.
func pySlice(s []string, i, j int) []string {
	lo, hi := pyBounds(len(s), i, j)
	return s[lo:hi]
}

// pySpliceReplace is Python's s[i:j] = repl on a copy.
func pySpliceReplace(s []string, i, j int, repl []string) []string {
	lo, hi := pyBounds(len(s), i, j)
	out := append([]string{}, s[:lo]...)
	out = append(out, repl...)
	return append(out, s[hi:]...)
}

func pyBounds(n, i, j int) (lo, hi int) {
	if j < 0 {
		j += n
	}
	lo, hi = min(max(i, 0), n), min(max(j, 0), n)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// pyNormpath is posixpath.normpath (the pure-Python version of 3.11) for
// str paths.
func pyNormpath(path string) string {
	if path == "" {
		return "."
	}
	initialSlashes := 0
	if strings.HasPrefix(path, "/") {
		initialSlashes = 1
	}
	// POSIX allows one or two initial slashes, three or more mean one.
	if initialSlashes > 0 && strings.HasPrefix(path, "//") && !strings.HasPrefix(path, "///") {
		initialSlashes = 2
	}
	comps := strings.Split(path, "/")
	var newComps []string
	for _, comp := range comps {
		if comp == "" || comp == "." {
			continue
		}
		if comp != ".." || (initialSlashes == 0 && len(newComps) == 0) ||
			(len(newComps) > 0 && newComps[len(newComps)-1] == "..") {
			newComps = append(newComps, comp)
		} else if len(newComps) > 0 {
			newComps = newComps[:len(newComps)-1]
		}
	}
	path = strings.Join(newComps, "/")
	if initialSlashes > 0 {
		path = strings.Repeat("/", initialSlashes) + path
	}
	if path == "" {
		return "."
	}
	return path
}
