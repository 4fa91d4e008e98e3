package frontend

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sbinDirs are searched after $PATH: Debian installs nginx and lighttpd in
// /usr/sbin, which a non-root user's $PATH often lacks.
var sbinDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin"}

// lookPath finds the binary name in $PATH or, failing that, in sbinDirs.
//
// For example lookPath("nginx") on Debian, with PATH=/usr/bin:/bin, returns
// "/usr/sbin/nginx".
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range sbinDirs {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// Require returns the path of the binary name ("nginx", "lighttpd", "wrk",
// "curl", ...). When it is not installed, the test is skipped with the reason,
// or failed when the environment variable CI is "true".
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := lookPath(name)
	if err == nil {
		return p
	}
	msg := name + " is not installed (apt-get install -y " + name + ")"
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true: " + msg)
	}
	t.Skip(msg)
	return ""
}

// SocketPath returns the path of a Unix socket called name in a fresh
// directory that is removed when the test ends. The path is short (under
// /tmp, not under the test's name) because a socket path is limited to 107
// bytes; nothing exists at it yet.
func SocketPath(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "fe")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, name)
}
