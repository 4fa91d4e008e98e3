package wsgiutil_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// none marks a None result of shift_path_info in the tables.
const none = "<None>"

// Ported from CPython's UtilityTests.testSimpleShifts and
// testNormalizedShifts: checkShift(sn_in, pi_in, part, sn_out, pi_out).
var shiftTests = []struct{ snIn, piIn, part, snOut, piOut string }{
	// testSimpleShifts
	{"", "/", "", "/", ""},
	{"", "/x", "x", "/x", ""},
	{"/", "", none, "/", ""},
	{"/a", "/x/y", "x", "/a/x", "/y"},
	{"/a", "/x/", "x", "/a/x", "/"},
	// testNormalizedShifts
	{"/a/b", "/../y", "..", "/a", "/y"},
	{"", "/../y", "..", "", "/y"},
	{"/a/b", "//y", "y", "/a/b/y", ""},
	{"/a/b", "//y/", "y", "/a/b/y", "/"},
	{"/a/b", "/./y", "y", "/a/b/y", ""},
	{"/a/b", "/./y/", "y", "/a/b/y", "/"},
	{"/a/b", "///./..//y/.//", "..", "/a", "/y/"},
	{"/a/b", "///", "", "/a/b/", ""},
	{"/a/b", "/.//", "", "/a/b/", ""},
	{"/a/b", "/x//", "x", "/a/b/x", "/"},
	{"/a/b", "/.", none, "/a/b", ""},
	// Edge cases beyond CPython's tests, results taken from CPython 3.11.
	{"/", "/x", "x", "//x", ""},
	{"//", "/x", "x", "/x", ""},
	{"///", "/x", "x", "/x", ""},
	{"//a", "/x", "x", "//a/x", ""},
	{"a", "/x", "x", "a/x", ""},
	{"..", "/x", "x", "../x", ""},
	{"", "/..", "..", "", ""},
	{"/a", "/..", "..", "", ""},
	{"", "/.", none, "", ""},
	{"/a/", "/x/y", "x", "/a/x", "/y"},
	{"/a/./b", "/x", "x", "/a/b/x", ""},
	{"/a", "/x/./y/", "x", "/a/x", "/y/"},
	{"/a", "/x/y/.", "x", "/a/x", "/y/."},
	{"/a", "/x/y//", "x", "/a/x", "/y/"},
	{"/a", "x/y", "y", "/a/y", "x"},
	{"/a", "x/y/z", "y", "/a/y", "x/z"},
	{"/a", "/sp\xe4m/x", "sp\xe4m", "/a/sp\xe4m", "/x"},
	{"", "/x?y/z", "x?y", "/x?y", "/z"},
}

func TestShiftPathInfo(t *testing.T) {
	for _, tt := range shiftTests {
		e := wsgiref.NewEnviron("SCRIPT_NAME", tt.snIn, "PATH_INFO", tt.piIn)
		wsgiutil.SetupTestingDefaults(e)
		name, ok := wsgiutil.ShiftPathInfo(e)
		got := name
		if !ok {
			got = none
		}
		if got != tt.part || e.Get("SCRIPT_NAME") != tt.snOut || e.Get("PATH_INFO") != tt.piOut {
			t.Errorf("shift(%q, %q) = %q, SCRIPT_NAME %q, PATH_INFO %q; want %q, %q, %q",
				tt.snIn, tt.piIn, got, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"), tt.part, tt.snOut, tt.piOut)
		}
	}
}

// Where Python raises or returns None before touching the environ, the
// environ stays as it was: same values, same keys, same order.
func TestShiftPathInfoLeavesEnvironAlone(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  *wsgiref.Environ
	}{
		{"no PATH_INFO", wsgiref.NewEnviron("SCRIPT_NAME", "/a")},
		{"empty PATH_INFO", wsgiref.NewEnviron("PATH_INFO", "", "SCRIPT_NAME", "/a")},
		{"no slash (IndexError)", wsgiref.NewEnviron("SCRIPT_NAME", "/a", "PATH_INFO", "abc")},
		{"no slash, no SCRIPT_NAME", wsgiref.NewEnviron("PATH_INFO", "..")},
		{"nothing", wsgiref.NewEnviron()},
	} {
		before := tt.env.Clone()
		if name, ok := wsgiutil.ShiftPathInfo(tt.env); ok || name != "" {
			t.Errorf("%s: got %q, %v; want \"\", false", tt.name, name, ok)
		}
		if got, want := dump(tt.env), dump(before); got != want {
			t.Errorf("%s: environ changed to %s, was %s", tt.name, got, want)
		}
	}
}

func dump(e *wsgiref.Environ) string {
	var b strings.Builder
	for k, v := range e.All() {
		b.WriteString(k + "=" + v + ";")
	}
	return b.String()
}

// Shifting segment after segment walks the whole path, the way a router
// does, and SCRIPT_NAME+PATH_INFO stays the original path throughout.
func TestShiftPathInfoWalk(t *testing.T) {
	for _, sn := range []string{"", "/app", "/mount/point"} {
		e := wsgiref.NewEnviron("SCRIPT_NAME", sn, "PATH_INFO", "/repos/owner/repo/issues/42")
		var names []string
		for {
			name, ok := wsgiutil.ShiftPathInfo(e)
			if !ok {
				break
			}
			names = append(names, name)
			if got := e.Get("SCRIPT_NAME") + e.Get("PATH_INFO"); got != sn+"/repos/owner/repo/issues/42" {
				t.Fatalf("after %q: SCRIPT_NAME+PATH_INFO = %q", name, got)
			}
		}
		if got := strings.Join(names, ","); got != "repos,owner,repo,issues,42" {
			t.Errorf("SCRIPT_NAME %q: shifted %s", sn, got)
		}
		if e.Get("SCRIPT_NAME") != sn+"/repos/owner/repo/issues/42" || e.Get("PATH_INFO") != "" {
			t.Errorf("SCRIPT_NAME %q: ended with %q, %q", sn, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
		}
	}
}

// An application may replace SCRIPT_NAME or PATH_INFO between two shifts;
// the next shift must use the new values, not the remembered path.
func TestShiftPathInfoAfterEdit(t *testing.T) {
	e := wsgiref.NewEnviron("SCRIPT_NAME", "", "PATH_INFO", "/a/b/c")
	wsgiutil.ShiftPathInfo(e)
	e.Set("SCRIPT_NAME", "/z")
	if name, _ := wsgiutil.ShiftPathInfo(e); name != "b" || e.Get("SCRIPT_NAME") != "/z/b" || e.Get("PATH_INFO") != "/c" {
		t.Errorf("after SCRIPT_NAME edit: %q, %q, %q", name, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
	}
	e.Set("PATH_INFO", "/q/r")
	if name, _ := wsgiutil.ShiftPathInfo(e); name != "q" || e.Get("SCRIPT_NAME") != "/z/b/q" || e.Get("PATH_INFO") != "/r" {
		t.Errorf("after PATH_INFO edit: %q, %q, %q", name, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
	}
	e.Del("SCRIPT_NAME")
	if name, _ := wsgiutil.ShiftPathInfo(e); name != "r" || e.Get("SCRIPT_NAME") != "/r" || e.Get("PATH_INFO") != "" {
		t.Errorf("after SCRIPT_NAME removal: %q, %q, %q", name, e.Get("SCRIPT_NAME"), e.Get("PATH_INFO"))
	}
}

// Ported from testDefaults: each key defaults when absent and is kept when
// present.
func TestSetupTestingDefaults(t *testing.T) {
	e := new(wsgiref.Environ)
	wsgiutil.SetupTestingDefaults(e)
	want := []string{
		"SERVER_NAME", "127.0.0.1",
		"SERVER_PROTOCOL", "HTTP/1.0",
		"HTTP_HOST", "127.0.0.1",
		"REQUEST_METHOD", "GET",
		"SCRIPT_NAME", "",
		"PATH_INFO", "/",
		"wsgi.url_scheme", "http",
		"SERVER_PORT", "80",
	}
	var got []string
	for k, v := range e.All() {
		got = append(got, k, v)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("defaults = %q\nwant %q", got, want)
	}
	if e.Version != [2]int{1, 0} || e.RunOnce || e.Multithread || e.Multiprocess {
		t.Errorf("wsgi flags = %v %v %v %v", e.Version, e.RunOnce, e.Multithread, e.Multiprocess)
	}
	if b, err := io.ReadAll(e.Input); err != nil || len(b) != 0 {
		t.Errorf("wsgi.input reads %q, %v; want an empty reader", b, err)
	}
	if _, ok := e.Errors.(*bytes.Buffer); !ok {
		t.Errorf("wsgi.errors is %T, want *bytes.Buffer", e.Errors)
	}

	for i := 0; i < len(want); i += 2 {
		key := want[i]
		e := wsgiref.NewEnviron(key, "alt")
		wsgiutil.SetupTestingDefaults(e)
		if got := e.Get(key); got != "alt" {
			t.Errorf("existing %s replaced by %q", key, got)
		}
	}
	in, errs := strings.NewReader("body"), new(strings.Builder)
	e = &wsgiref.Environ{Input: in, Errors: errs, Version: [2]int{1, 1}}
	wsgiutil.SetupTestingDefaults(e)
	if e.Input != io.Reader(in) || e.Errors != io.Writer(errs) || e.Version != [2]int{1, 1} {
		t.Errorf("typed fields replaced: %v %v %v", e.Input, e.Errors, e.Version)
	}
}

// Ported from testCrossDefaults, plus the SCRIPT_NAME/PATH_INFO pair rule.
func TestSetupTestingDefaultsCross(t *testing.T) {
	for _, tt := range []struct {
		in       []string
		key, out string
	}{
		{[]string{"SERVER_NAME", "foo.bar"}, "HTTP_HOST", "foo.bar"},
		{[]string{"HTTPS", "on"}, "wsgi.url_scheme", "https"},
		{[]string{"HTTPS", "1"}, "wsgi.url_scheme", "https"},
		{[]string{"HTTPS", "yes"}, "wsgi.url_scheme", "https"},
		{[]string{"HTTPS", "foo"}, "wsgi.url_scheme", "http"},
		{[]string{"HTTPS", "foo"}, "SERVER_PORT", "80"},
		{[]string{"HTTPS", "on"}, "SERVER_PORT", "443"},
		{[]string{"wsgi.url_scheme", "ftp"}, "SERVER_PORT", "<absent>"},
		{[]string{"SCRIPT_NAME", "/a"}, "PATH_INFO", "<absent>"},
		{[]string{"PATH_INFO", "/a"}, "SCRIPT_NAME", "<absent>"},
	} {
		e := wsgiref.NewEnviron(tt.in...)
		wsgiutil.SetupTestingDefaults(e)
		got, ok := e.Lookup(tt.key)
		if !ok {
			got = "<absent>"
		}
		if got != tt.out {
			t.Errorf("%q: %s = %q, want %q", tt.in, tt.key, got, tt.out)
		}
	}
}

// Ported from testGuessScheme, plus values that must not count.
func TestGuessScheme(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "http"}, {"foo", "http"}, {"on", "https"}, {"yes", "https"}, {"1", "https"},
		{"ON", "http"}, {"Yes", "http"}, {"true", "http"}, {" on", "http"}, {"0", "http"}, {"off", "http"},
	} {
		if got := wsgiutil.GuessScheme(wsgiref.NewEnviron("HTTPS", tt.in)); got != tt.want {
			t.Errorf("HTTPS=%q: %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := wsgiutil.GuessScheme(wsgiref.NewEnviron()); got != "http" {
		t.Errorf("no HTTPS: %q", got)
	}
}

// Ported from testAppURIs (checkAppURI runs setup_testing_defaults first).
func TestApplicationURI(t *testing.T) {
	for _, tt := range []struct {
		want string
		kv   []string
	}{
		{"http://127.0.0.1/", nil},
		{"http://127.0.0.1/spam", []string{"SCRIPT_NAME", "/spam"}},
		{"http://127.0.0.1/sp%E4m", []string{"SCRIPT_NAME", "/sp\xe4m"}},
		{"http://spam.example.com:2071/", []string{"HTTP_HOST", "spam.example.com:2071", "SERVER_PORT", "2071"}},
		{"http://spam.example.com/", []string{"SERVER_NAME", "spam.example.com"}},
		{"http://127.0.0.1/", []string{"HTTP_HOST", "127.0.0.1", "SERVER_NAME", "spam.example.com"}},
		{"https://127.0.0.1/", []string{"HTTPS", "on"}},
		// Python's HTTP_HOST=None: present but false, so SERVER_NAME counts.
		{"http://127.0.0.1:8000/", []string{"SERVER_PORT", "8000", "HTTP_HOST", ""}},
		// Beyond CPython's tests.
		{"https://h:80/", []string{"HTTPS", "on", "HTTP_HOST", "", "SERVER_NAME", "h", "SERVER_PORT", "80"}},
		{"https://h/", []string{"HTTPS", "on", "HTTP_HOST", "", "SERVER_NAME", "h", "SERVER_PORT", "443"}},
		{"ftp://h/", []string{"wsgi.url_scheme", "ftp", "HTTP_HOST", "", "SERVER_NAME", "h", "SERVER_PORT", "80"}},
		{"http://127.0.0.1/a%20b/c%3Bd%3De%2Cf~_.-", []string{"SCRIPT_NAME", "/a b/c;d=e,f~_.-"}},
		{"http://127.0.0.1/%00%7F%80%FF", []string{"SCRIPT_NAME", "/\x00\x7f\x80\xff"}},
	} {
		e := wsgiref.NewEnviron(tt.kv...)
		wsgiutil.SetupTestingDefaults(e)
		if got := wsgiutil.ApplicationURI(e); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.kv, got, tt.want)
		}
	}
}

// Ported from testReqURIs (checkReqURI runs setup_testing_defaults first).
func TestRequestURI(t *testing.T) {
	for _, tt := range []struct {
		want  string
		query bool
		kv    []string
	}{
		{"http://127.0.0.1/", true, nil},
		{"http://127.0.0.1/spam", true, []string{"SCRIPT_NAME", "/spam"}},
		{"http://127.0.0.1/sp%E4m", true, []string{"SCRIPT_NAME", "/sp\xe4m"}},
		{"http://127.0.0.1/spammity/spam", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam"}},
		{"http://127.0.0.1/spammity/sp%E4m", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/sp\xe4m"}},
		{"http://127.0.0.1/spammity/spam;ham", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam;ham"}},
		{"http://127.0.0.1/spammity/spam;cookie=1234,5678", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam;cookie=1234,5678"}},
		{"http://127.0.0.1/spammity/spam?say=ni", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam", "QUERY_STRING", "say=ni"}},
		{"http://127.0.0.1/spammity/spam?s%E4y=ni", true, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam", "QUERY_STRING", "s%E4y=ni"}},
		{"http://127.0.0.1/spammity/spam", false, []string{"SCRIPT_NAME", "/spammity", "PATH_INFO", "/spam", "QUERY_STRING", "say=ni"}},
		// Beyond CPython's tests: the first byte of the quoted PATH_INFO is
		// dropped when SCRIPT_NAME is empty, whatever it is.
		{"http://127.0.0.1/x", true, []string{"SCRIPT_NAME", "", "PATH_INFO", "/x"}},
		{"http://127.0.0.1/E4x", true, []string{"SCRIPT_NAME", "", "PATH_INFO", "\xe4x"}},
		{"http://127.0.0.1/", true, []string{"SCRIPT_NAME", "", "PATH_INFO", "x"}},
		{"http://127.0.0.1/", true, []string{"SCRIPT_NAME", "", "PATH_INFO", ""}},
		{"http://127.0.0.1/?q", true, []string{"SCRIPT_NAME", "", "PATH_INFO", "", "QUERY_STRING", "q"}},
		{"http://127.0.0.1/a%3Fb%23c%25d", true, []string{"SCRIPT_NAME", "", "PATH_INFO", "/a?b#c%d"}},
		{"http://127.0.0.1/s/a%20b", true, []string{"SCRIPT_NAME", "/s", "PATH_INFO", "/a b", "QUERY_STRING", ""}},
		{"http://127.0.0.1/s?a b\r\n", true, []string{"SCRIPT_NAME", "/s", "QUERY_STRING", "a b\r\n"}},
	} {
		e := wsgiref.NewEnviron(tt.kv...)
		wsgiutil.SetupTestingDefaults(e)
		if got := wsgiutil.RequestURI(e, tt.query); got != tt.want {
			t.Errorf("%q (query %v): %q, want %q", tt.kv, tt.query, got, tt.want)
		}
	}
}

// Where Python raises KeyError, the URL functions fall back as documented.
func TestURIIncompleteEnviron(t *testing.T) {
	for _, tt := range []struct {
		want string
		kv   []string
	}{
		{"http:///", nil},
		{"https:///", []string{"HTTPS", "on"}},
		{"http://h/", []string{"SERVER_NAME", "h"}},
		{"http://h:8080/", []string{"SERVER_NAME", "h", "SERVER_PORT", "8080"}},
		{"http://h:/", []string{"SERVER_NAME", "h", "SERVER_PORT", ""}},
		{"http://example.org/", []string{"HTTP_HOST", "example.org"}},
	} {
		if got := wsgiutil.ApplicationURI(wsgiref.NewEnviron(tt.kv...)); got != tt.want {
			t.Errorf("ApplicationURI(%q) = %q, want %q", tt.kv, got, tt.want)
		}
	}
}

// Ported from testHopByHop.
func TestIsHopByHop(t *testing.T) {
	for _, hop := range strings.Fields("Connection Keep-Alive Proxy-Authenticate Proxy-Authorization TE Trailers Transfer-Encoding Upgrade") {
		for _, alt := range []string{hop, title(hop), strings.ToUpper(hop), strings.ToLower(hop)} {
			if !wsgiutil.IsHopByHop(alt) {
				t.Errorf("IsHopByHop(%q) = false", alt)
			}
		}
	}
	for _, name := range strings.Fields("Accept Cache-Control Date Pragma Trailer Via Warning") {
		for _, alt := range []string{name, title(name), strings.ToUpper(name), strings.ToLower(name)} {
			if wsgiutil.IsHopByHop(alt) {
				t.Errorf("IsHopByHop(%q) = true", alt)
			}
		}
	}
}

// title is Python's str.title for ASCII: a letter after a non-letter is
// upper case, the others lower case.
func title(s string) string {
	b := []byte(strings.ToLower(s))
	prev := false
	for i, c := range b {
		letter := 'a' <= c && c <= 'z'
		if letter && !prev {
			b[i] = c - 32
		}
		prev = letter
	}
	return string(b)
}

func TestQuote(t *testing.T) {
	for _, tt := range []struct{ in, safe, want string }{
		{"", "/", ""},
		{"/a b/", "/", "/a%20b/"},
		{"/a;b=c,d", "/", "/a%3Bb%3Dc%2Cd"},
		{"/a;b=c,d", "/;=,", "/a;b=c,d"},
		{"a+b&c", "+", "a+b%26c"},
		{"\xe4\xff\x00", "", "%E4%FF%00"},
		{"/\xe4", "/\xe4", "/%E4"},
		{"AZaz09_.-~", "", "AZaz09_.-~"},
	} {
		if got := wsgiutil.Quote(tt.in, tt.safe); got != tt.want {
			t.Errorf("Quote(%q, %q) = %q, want %q", tt.in, tt.safe, got, tt.want)
		}
	}
}
