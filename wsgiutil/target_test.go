package wsgiutil

import (
	"strings"
	"testing"
)

func TestPathInfo(t *testing.T) {
	for _, tc := range []struct{ in, path, query string }{
		{"/a%20b?x=1", "/a b", "x=1"},
		{"//evil.example/?q", "/evil.example/", "q"},
		{"/%2F%2Fevil.example", "/evil.example", ""},
		{"/%2Fa", "/a", ""},
		{"/a%2F%2Fb", "/a//b", ""},
		{"/?a%20b", "/", "a%20b"},
	} {
		p, q := PathInfo(tc.in)
		if p != tc.path || q != tc.query {
			t.Errorf("PathInfo(%q) = %q, %q; want %q, %q", tc.in, p, q, tc.path, tc.query)
		}
	}
}

func TestUnquote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"/", "/"},
		{"/plain/path", "/plain/path"},
		{"/p%61th/", "/path/"},
		{"/\x80%80", "/\x80\x80"},
		{"%", "%"},
		{"%4", "%4"},
		{"%41", "A"},
		{"%4g", "%4g"},
		{"%%41", "%A"},
		{"a%2Fb%2fc", "a/b/c"},
		{"%00", "\x00"},
		{"%ff%FF%Ff", "\xff\xff\xff"},
		{"100%", "100%"},
		{"%e2%82%ac", "\xe2\x82\xac"},
	} {
		if got := Unquote(tc.in); got != tc.want {
			t.Errorf("Unquote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitTarget(t *testing.T) {
	for _, tc := range []struct{ in, path, query string }{
		{"/", "/", ""},
		{"/a?b", "/a", "b"},
		{"/a?", "/a", ""},
		{"?x", "", "x"},
		{"//", "/", ""},
		{"//a//b?c", "/a//b", "c"},
		{"////?q", "/", "q"},
		{"/a?b?c", "/a", "b?c"},
		{"http://h/p?q", "http://h/p", "q"},
	} {
		p, q := SplitTarget(tc.in)
		if p != tc.path || q != tc.query {
			t.Errorf("SplitTarget(%q) = %q, %q; want %q, %q", tc.in, p, q, tc.path, tc.query)
		}
	}
}

func TestStrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  a b  ", "a b"},
		{"\t\v\f\r\n\x1c\x1d\x1e\x1fx\x85\xa0", "x"},
		{"\xa0", ""},
		{"\xe9", "\xe9"},
		{"\x00a\x00", "\x00a\x00"},
	} {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// unquoteSlow is an independent statement of the rule: scan, decode a '%'
// followed by two hex digits, keep everything else.
func unquoteSlow(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[i+1]) >= 0 &&
			strings.IndexByte("0123456789abcdefABCDEF", s[i+2]) >= 0 {
			var v byte
			for _, c := range []byte{s[i+1], s[i+2]} {
				switch {
				case c >= 'a':
					c = c - 'a' + 10
				case c >= 'A':
					c = c - 'A' + 10
				default:
					c -= '0'
				}
				v = v<<4 | c
			}
			b.WriteByte(v)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func FuzzUnquote(f *testing.F) {
	for _, s := range []string{"", "/p%61th/", "/\x80%80", "%", "%4", "%zz", "%%41", "a%2Fb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Unquote(s)
		if want := unquoteSlow(s); got != want {
			t.Fatalf("Unquote(%q) = %q, reference %q", s, got, want)
		}
		if len(got) > len(s) {
			t.Fatalf("Unquote(%q) grew to %q", s, got)
		}
		p, q := SplitTarget(s)
		if strings.HasPrefix(p, "//") || strings.Contains(p, "?") {
			t.Fatalf("SplitTarget(%q) path %q", s, p)
		}
		if !strings.HasSuffix(s, q) {
			t.Fatalf("SplitTarget(%q) query %q not a suffix", s, q)
		}
		if !strings.ContainsAny(s, "\r\n\x00") && PathHasControl(s) != strings.ContainsAny(Unquote(p), "\r\n\x00") {
			t.Fatalf("PathHasControl(%q) = %v, PATH_INFO %q", s, PathHasControl(s), Unquote(p))
		}
	})
}

func TestPathHasControl(t *testing.T) {
	for _, tc := range []struct {
		target string
		want   bool
	}{
		{"/", false}, {"", false}, {"*", false}, {"/a%20b", false},
		{"/%00", true}, {"/a%0d", true}, {"/a%0Db", true}, {"/%0a", true}, {"/%0A", true},
		{"/%0", false}, {"/%", false}, {"/%0b%0c%09", false}, {"/%%0a", true},
		{"/%2500", false}, {"/%1a", false}, {"/q?x=%0d%0a", false}, {"/p%0a?x", true},
		{"http://h/%0d", true},
	} {
		if got := PathHasControl(tc.target); got != tc.want {
			t.Errorf("PathHasControl(%q) = %v, want %v", tc.target, got, tc.want)
		}
		// The rule says what the decoded PATH_INFO holds.
		path, _ := SplitTarget(tc.target)
		if decoded := Unquote(path); strings.ContainsAny(decoded, "\r\n\x00") != tc.want {
			t.Errorf("PathHasControl(%q) = %v but PATH_INFO would be %q", tc.target, tc.want, decoded)
		}
	}
}
