// Package oracle finds the CPython that the tests compare this module
// against, and holds the one table of what differs between the CPython
// versions the project supports (see [Differences]).
//
// The oracle is python3 on PATH, or the interpreter named by
// $WSGIREF_PYTHON (a path or a name on PATH), so one test run can pick a
// version:
//
//	WSGIREF_PYTHON=/root/.pyenv/versions/3.13.0/bin/python3 go test ./...
//
// When the oracle is missing, a test that needs it is skipped with the
// reason on a developer's machine and fails when CI=true, so that CI can
// never pass with the oracle tests silently skipped.
package oracle

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// EnvPython names the environment variable that picks the oracle's
// interpreter instead of python3.
const EnvPython = "WSGIREF_PYTHON"

// install says what to do about a missing oracle.
const install = "install python3 (CPython 3.11 to 3.13) with its test suite " +
	"(Debian: python3 libpython3-testsuite; pyenv builds include it), or set " + EnvPython

// found is the result of looking for the interpreter, done once per test
// binary: every oracle test of a package shares it.
type found struct {
	path    string
	version Version
	err     error
}

var (
	findOnce  sync.Once
	foundPy   found
	suiteOnce sync.Once
	suiteErr  error
)

// find looks the interpreter up and asks it its version.
//
// For example, with python3 a pyenv 3.13.0 on PATH it gives
// {"/root/.pyenv/versions/3.13.0/bin/python3", 3.13.0, nil}.
func find() found {
	findOnce.Do(func() {
		name := os.Getenv(EnvPython)
		if name == "" {
			name = "python3"
		}
		path, err := exec.LookPath(name)
		if err != nil {
			foundPy.err = fmt.Errorf("no CPython oracle: %w", err)
			return
		}
		out, err := exec.Command(path, "-c", "import sys, wsgiref; print(sys.version.split()[0])").Output()
		if err != nil {
			foundPy.err = fmt.Errorf("no CPython oracle: %s does not run with wsgiref: %w", path, err)
			return
		}
		v, err := ParseVersion(strings.TrimSpace(string(out)))
		if err != nil {
			foundPy.err = fmt.Errorf("no CPython oracle: %s: %w", path, err)
			return
		}
		foundPy = found{path: path, version: v}
	})
	return foundPy
}

// Unavailable ends a test whose oracle or tool is missing: t.Skip with the
// reason, or t.Fatal when the environment variable CI is "true".
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the oracle is required)", msg)
	}
	t.Skip(msg)
}

// Python returns the path of the oracle's interpreter. When there is none,
// or it cannot import wsgiref, the test ends through [Unavailable].
func Python(t testing.TB) string {
	t.Helper()
	f := find()
	if f.err != nil {
		Unavailable(t, "%v; %s", f.err, install)
	}
	return f.path
}

// WithTestSuite is [Python] for tests that also import CPython's own
// test.test_wsgiref (run_amock, hello_app, ...): without it the test ends
// through [Unavailable].
func WithTestSuite(t testing.TB) string {
	t.Helper()
	py := Python(t)
	suiteOnce.Do(func() {
		out, err := exec.Command(py, "-c", "import test.test_wsgiref").CombinedOutput()
		if err != nil {
			suiteErr = fmt.Errorf("CPython's test.test_wsgiref not available in %s: %v: %s", py, err, bytesTail(out))
		}
	})
	if suiteErr != nil {
		Unavailable(t, "%v; %s", suiteErr, install)
	}
	return py
}

// Command returns an exec.Cmd running the oracle with the arguments, as
// exec.Command(Python(t), args...).
func Command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	return exec.Command(Python(t), args...)
}

// Current returns the version of the oracle, ending the test through
// [Unavailable] when there is none.
func Current(t testing.TB) Version {
	t.Helper()
	Python(t)
	return find().version
}

// bytesTail is the last line of a Python traceback, the one that says why.
func bytesTail(out []byte) string {
	s := strings.TrimSpace(string(out))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// Version is a CPython version, as sys.version gives it.
type Version struct {
	Major, Minor, Micro int
}

// String returns the version as CPython prints it: "3.13.0".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Micro)
}

// Before reports whether v is older than w.
func (v Version) Before(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Micro < w.Micro
}

// errVersion reports a version string that is not major.minor.micro.
var errVersion = errors.New("not a CPython version")

// ParseVersion parses the first word of sys.version.
//
// For example, "3.13.0" gives {3, 13, 0}, and "3.14.0rc1" gives {3, 14, 0}:
// a pre-release suffix is dropped.
func ParseVersion(s string) (Version, error) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("%w: %q", errVersion, s)
	}
	micro := parts[2]
	if i := strings.IndexFunc(micro, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		micro = micro[:i]
	}
	var v Version
	var errs [3]error
	v.Major, errs[0] = strconv.Atoi(parts[0])
	v.Minor, errs[1] = strconv.Atoi(parts[1])
	v.Micro, errs[2] = strconv.Atoi(micro)
	if err := errors.Join(errs[:]...); err != nil {
		return Version{}, fmt.Errorf("%w: %q", errVersion, s)
	}
	return v, nil
}
