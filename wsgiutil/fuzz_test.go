package wsgiutil

import (
	"fmt"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

// FuzzShiftPathInfo checks ShiftPathInfo after each of up to eight shifts
// in a row against two models: pyShiftPathInfo, CPython's shift_path_info
// and posixpath.normpath transcribed in reference_test.go (name, None,
// IndexError, and SCRIPT_NAME and PATH_INFO with their presence), and
// shiftSlow, the package's own slow path, so that the allocation-free fast
// path and the remembered script path of a later shift are both covered.
// present says which of SCRIPT_NAME (bit 0) and PATH_INFO (bit 1) are in
// the environ at all: Python's .get defaults make a missing key act as "",
// but a shift then creates it.
func FuzzShiftPathInfo(f *testing.F) {
	for _, tt := range shiftSeeds {
		f.Add(tt[0], tt[1], uint8(3))
	}
	f.Add("", "/x", uint8(2))
	f.Add("/a", "", uint8(1))
	f.Fuzz(func(t *testing.T, sn, pi string, present uint8) {
		fast, slow, py := new(wsgiref.Environ), new(wsgiref.Environ), pyEnviron{}
		if present&1 != 0 {
			fast.Set("SCRIPT_NAME", sn)
			slow.Set("SCRIPT_NAME", sn)
			py["SCRIPT_NAME"] = sn
		}
		if present&2 != 0 {
			fast.Set("PATH_INFO", pi)
			slow.Set("PATH_INFO", pi)
			py["PATH_INFO"] = pi
		}
		for step := 0; step < 8; step++ {
			name, ok := ShiftPathInfo(fast)
			var sname string
			var sok bool
			if p := slow.Get("PATH_INFO"); p != "" {
				sname, sok = shiftSlow(slow, p)
			}
			want := pyShiftPathInfo(py)
			if name != sname || ok != sok || dump(fast) != dump(slow) {
				t.Fatalf("shift %d of (%q, %q): fast %q %v %s; shiftSlow %q %v %s",
					step, sn, pi, name, ok, dump(fast), sname, sok, dump(slow))
			}
			if ok != (!want.none && !want.indexError) || ok && name != want.name {
				t.Fatalf("shift %d of (%q, %q): got %q %v, CPython %+v", step, sn, pi, name, ok, want)
			}
			if got, w := scriptPathInfo(fast), pyScriptPathInfo(py); got != w {
				t.Fatalf("shift %d of (%q, %q): environ %s, CPython %s", step, sn, pi, got, w)
			}
			if ok && strings.Contains(name, "/") {
				t.Fatalf("name %q holds a slash", name)
			}
			if !ok {
				return
			}
		}
	})
}

// scriptPathInfo renders SCRIPT_NAME and PATH_INFO with their presence.
func scriptPathInfo(env *wsgiref.Environ) string {
	sn, snOK := env.Lookup("SCRIPT_NAME")
	pi, piOK := env.Lookup("PATH_INFO")
	return fmt.Sprintf("SCRIPT_NAME=%q(%v) PATH_INFO=%q(%v)", sn, snOK, pi, piOK)
}

func pyScriptPathInfo(env pyEnviron) string {
	sn, snOK := env["SCRIPT_NAME"]
	pi, piOK := env["PATH_INFO"]
	return fmt.Sprintf("SCRIPT_NAME=%q(%v) PATH_INFO=%q(%v)", sn, snOK, pi, piOK)
}

var shiftSeeds = [][2]string{
	{"", "/"}, {"", "/x"}, {"/", ""}, {"/a", "/x/y"}, {"/a", "/x/"},
	{"/a/b", "/../y"}, {"", "/../y"}, {"/a/b", "//y"}, {"/a/b", "//y/"},
	{"/a/b", "/./y"}, {"/a/b", "/./y/"}, {"/a/b", "///./..//y/.//"},
	{"/a/b", "///"}, {"/a/b", "/.//"}, {"/a/b", "/x//"}, {"/a/b", "/."},
	{"/", "/x"}, {"//a", "/x/y"}, {"a", "x/y/z"}, {"/a", "abc"},
	{"", "/repos/owner/repo/issues/42"}, {"/sp\xe4m", "/\xe4/\xff"},
}

// FuzzRequestURI checks RequestURI and ApplicationURI against a plain
// reference built by concatenation, as Python's code reads.
func FuzzRequestURI(f *testing.F) {
	f.Add("/spammity", "/sp\xe4m", "say=ni", "", "127.0.0.1", "80", "http")
	f.Add("", "/x", "", "example.org:81", "h", "443", "https")
	f.Add("", "\xe4x", "q", "", "h", "", "ftp")
	f.Add("/a b", "/;=,?#", "a b", "", "", "8000", "")
	f.Fuzz(func(t *testing.T, sn, pi, qs, host, server, port, scheme string) {
		env := new(wsgiref.Environ)
		env.Set("SCRIPT_NAME", sn)
		env.Set("PATH_INFO", pi)
		env.Set("QUERY_STRING", qs)
		env.Set("HTTP_HOST", host)
		env.Set("SERVER_NAME", server)
		env.Set("SERVER_PORT", port)
		env.Set(wsgiref.URLSchemeKey, scheme)

		url := scheme + "://"
		if host != "" {
			url += host
		} else {
			url += server
			if scheme == "https" && port != "443" || scheme != "https" && port != "80" {
				url += ":" + port
			}
		}
		if sn == "" {
			url += "/"
		} else {
			url += refQuote(sn, "/")
		}
		if got := ApplicationURI(env); got != url {
			t.Fatalf("ApplicationURI = %q, want %q", got, url)
		}
		q := refQuote(pi, "/;=,")
		if sn == "" && q != "" {
			q = q[1:]
		}
		url += q
		if got := RequestURI(env, false); got != url {
			t.Fatalf("RequestURI(false) = %q, want %q", got, url)
		}
		if qs != "" {
			url += "?" + qs
		}
		if got := RequestURI(env, true); got != url {
			t.Fatalf("RequestURI(true) = %q, want %q", got, url)
		}
	})
}

// refQuote is urllib.parse.quote with encoding="latin1", written the slow
// and obvious way.
func refQuote(s, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (strings.IndexByte(safe, c) >= 0 || strings.IndexByte("_.-~", c) >= 0 ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// FuzzNormpath checks normpath against pyNormpath, posixpath.normpath
// transcribed, and posixpath.normpath's invariants on any input: the
// result is a fixed point, never empty, holds no "." or empty segment past
// its leading slashes, and a ".." only at its start.
func FuzzNormpath(f *testing.F) {
	for _, p := range []string{"", "/", "//", "///", ".", "..", "/..", "a/../..", "//a/./b/", "../a/../../b"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		n := normpath(p)
		if want := pyNormpath(p); n != want {
			t.Fatalf("normpath(%q) = %q, CPython's algorithm %q", p, n, want)
		}
		if n == "" {
			t.Fatalf("normpath(%q) is empty", p)
		}
		if again := normpath(n); again != n {
			t.Fatalf("normpath(%q) = %q, but normpath(%q) = %q", p, n, n, again)
		}
		if n == "." || n == "/" || n == "//" {
			return
		}
		body := strings.TrimLeft(n, "/")
		if lead := len(n) - len(body); lead > 2 || lead == 2 && !strings.HasPrefix(p, "//") || strings.HasPrefix(p, "///") && lead != 1 {
			t.Fatalf("normpath(%q) = %q: wrong leading slashes", p, n)
		}
		dotdots := true
		for _, seg := range strings.Split(body, "/") {
			switch {
			case seg == "" || seg == ".":
				t.Fatalf("normpath(%q) = %q keeps segment %q", p, n, seg)
			case seg == "..":
				if !dotdots || n[0] == '/' {
					t.Fatalf("normpath(%q) = %q keeps an inner or rooted ..", p, n)
				}
			default:
				dotdots = false
			}
		}
	})
}
