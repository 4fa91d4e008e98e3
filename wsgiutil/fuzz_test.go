package wsgiutil

import (
	"fmt"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

// FuzzShiftPathInfo checks the allocation-free fast path against shiftSlow,
// the line-by-line port of CPython's shift_path_info, on two shifts in a
// row (the second one starts from the remembered path), and that nothing
// panics.
func FuzzShiftPathInfo(f *testing.F) {
	for _, tt := range shiftSeeds {
		f.Add(tt[0], tt[1])
	}
	f.Fuzz(func(t *testing.T, sn, pi string) {
		fast, slow := new(wsgiref.Environ), new(wsgiref.Environ)
		fast.Set("SCRIPT_NAME", sn)
		fast.Set("PATH_INFO", pi)
		slow.Set("SCRIPT_NAME", sn)
		slow.Set("PATH_INFO", pi)
		for step := 0; step < 3; step++ {
			name, ok := ShiftPathInfo(fast)
			var rname string
			var rok bool
			if p := slow.Get("PATH_INFO"); p != "" {
				rname, rok = shiftSlow(slow, p)
			}
			if name != rname || ok != rok || dump(fast) != dump(slow) {
				t.Fatalf("shift %d of (%q, %q): fast %q %v %s; reference %q %v %s",
					step, sn, pi, name, ok, dump(fast), rname, rok, dump(slow))
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

// FuzzNormpath checks posixpath.normpath's invariants on any input: the
// result is a fixed point, never empty, holds no "." or empty segment past
// its leading slashes, and a ".." only at its start.
func FuzzNormpath(f *testing.F) {
	for _, p := range []string{"", "/", "//", "///", ".", "..", "/..", "a/../..", "//a/./b/", "../a/../../b"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		n := normpath(p)
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
