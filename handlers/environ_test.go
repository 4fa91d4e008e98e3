package handlers

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

// TestReadEnvironRules checks CPython's read_environ rules for each OS and
// server software, with the Windows code page given.
func TestReadEnvironRules(t *testing.T) {
	for _, tc := range []struct {
		goos, software string
		ansi           encoding.Encoding
		key, in, want  string
	}{
		{"linux", "Apache/2.4", nil, "PATH_INFO", "/\xe4\x80", "/\xe4\x80"},
		{"linux", "", nil, "HTTP_X", "ä", "ä"},
		{"windows", "Microsoft-IIS/10.0", nil, "PATH_INFO", "/ä", "/ä"},
		{"windows", "Apache/2.4.1 (Win64)", nil, "PATH_INFO", "/ä", "/\xe4"},
		{"windows", "Apache/2.4.1 (Win64)", nil, "QUERY_STRING", "€", "?"},
		{"windows", "SimpleHTTP/0.6 Python/3.11.7", nil, "PATH_INFO", "/ä", "/ä"},
		{"windows", "SimpleHTTP/0.6 Python/2.7", charmap.Windows1252, "PATH_INFO", "/ä€", "/\xe4\x80"},
		{"windows", "lighttpd/1.4", charmap.Windows1252, "HTTP_COOKIE", "Āb", "?b"},
		{"windows", "lighttpd/1.4", charmap.Windows1251, "SSL_CLIENT_S_DN", "Ж", "\xc6"},
		{"windows", "lighttpd/1.4", japanese.ShiftJIS, "REDIRECT_HTTP_X", "あ", "\x82\xa0"},
		{"windows", "lighttpd/1.4", nil, "REDIRECT_REDIRECT_PATH_INFO", "€", "\x80"},
		{"windows", "Apache/2.4", nil, "HOME", "/ä", "/ä"},
		{"windows", "Apache/2.4", nil, "REDIRECT_STATUS", "ä", "ä"},
	} {
		environ := []string{"=C:=C:\\", "SERVER_SOFTWARE=" + tc.software, tc.key + "=" + tc.in}
		env := readEnviron(tc.goos, environ, tc.ansi)
		if got := env.Get(tc.key); got != tc.want {
			t.Errorf("%s %q %s=%q: got %q, want %q", tc.goos, tc.software, tc.key, tc.in, got, tc.want)
		}
		if env.Has("") || env.Has("=C:") {
			t.Errorf("kept a Windows drive variable")
		}
	}
}

// TestReadEnvironCPython compares ReadEnviron's rules with CPython's
// read_environ on this OS for request variables holding non-UTF-8 bytes.
func TestReadEnvironCPython(t *testing.T) {
	py := oracle.Python(t)
	environ := []string{
		"PATH_INFO=/caf\xe9/\xe2\x82\xac",
		"HTTP_X_RAW=\xff\xfe",
		"QUERY_STRING=a=%20&b",
		"HOME=/home/t",
	}
	cmd := exec.Command(py, "-c", `import sys
from wsgiref.handlers import read_environ
e = read_environ()
for k in ("PATH_INFO", "HTTP_X_RAW", "QUERY_STRING", "HOME"):
    sys.stdout.buffer.write(k.encode() + b"=" + e[k].encode("iso-8859-1") + b"\n")`)
	cmd.Env = append(environ, "PYTHONIOENCODING=utf-8")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	env := readEnviron(runtime.GOOS, environ, nil)
	var want strings.Builder
	for _, k := range []string{"PATH_INFO", "HTTP_X_RAW", "QUERY_STRING", "HOME"} {
		want.WriteString(k + "=" + env.Get(k) + "\n")
	}
	if string(out) != want.String() {
		t.Errorf("CPython %q\nGo      %q", out, want.String())
	}
}

func TestReadEnvironProcess(t *testing.T) {
	t.Setenv("WSGIREF_TEST_VAR", "x=y")
	if got := ReadEnviron().Get("WSGIREF_TEST_VAR"); got != "x=y" {
		t.Errorf("got %q", got)
	}
	if os.Getenv("PATH") != "" && !ReadEnviron().Has("PATH") {
		t.Error("PATH missing")
	}
}
