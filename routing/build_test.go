package routing

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/wsgiutil"
)

func TestSegmentAndRest(t *testing.T) {
	cases := []struct {
		rest    bool
		value   string
		want    string
		wantErr error
	}{
		{false, "a b?#%", "a%20b%3F%23%25", nil},
		{false, "über", "%C3%BCber", nil},
		{false, "x;y=z,w~.-_", "x;y=z,w~.-_", nil},
		{false, "", "", ErrEmptyValue},
		{false, ".", "", ErrDotValue},
		{false, "..", "", ErrDotValue},
		{false, "a/b", "", ErrSlashInValue},
		{false, "a\nb", "", ErrControlValue},
		{true, "", "", nil},
		{true, "/", "/", nil},
		{true, "/docs/a b/", "/docs/a%20b/", nil},
		{true, "docs", "", ErrRestNotPath},
		{true, "/a//b", "", ErrRestNotPath},
		{true, "/a/./b", "", ErrRestNotPath},
		{true, "/a/..", "", ErrRestNotPath},
		{true, "/a\x00", "", ErrControlValue},
	}
	for _, c := range cases {
		f := Segment
		if c.rest {
			f = Rest
		}
		got, err := f("v", c.value)
		if got != c.want || !errors.Is(err, c.wantErr) || (err == nil) != (c.wantErr == nil) {
			t.Errorf("rest %v %q: %q, %v; want %q, %v", c.rest, c.value, got, err, c.want, c.wantErr)
		}
	}
	p := Pattern{Pieces: []string{"/users/", "/keys"}, Names: []string{"user"}}
	if got, err := p.Path("a b"); got != "/users/a%20b/keys" || err != nil {
		t.Errorf("Pattern.Path = %q, %v", got, err)
	}
	if _, err := p.Path(); !errors.Is(err, ErrArity) {
		t.Errorf("no values: %v", err)
	}
}

// FuzzSegmentRest checks the escaping against the decoding a server does:
// what Segment and Rest accept decodes back to the value and is a plain
// URL path; what they refuse has the reason they give.
func FuzzSegmentRest(f *testing.F) {
	for _, s := range []string{"a", "a b", "/a/b/", "%2F", "?#", "ü", ".", "/..", "//", "\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, rest := range []bool{false, true} {
			fn := Segment
			if rest {
				fn = Rest
			}
			got, err := fn("v", v)
			if err != nil {
				var be *BuildError
				if !errors.As(err, &be) || be.Value != v {
					t.Fatalf("rest %v %q: error %v is not a *BuildError for the value", rest, v, err)
				}
				continue
			}
			if dec := wsgiutil.Unquote(got); dec != v {
				t.Fatalf("rest %v %q: built %q decodes to %q", rest, v, got, dec)
			}
			path := got
			if !rest {
				path = "/" + got
			}
			if u, err := url.Parse("http://h" + path); err != nil || u.RawQuery != "" || u.Fragment != "" {
				t.Fatalf("rest %v %q: built %q is not a plain path: %v", rest, v, got, err)
			}
			if !rest && strings.Contains(got, "/") {
				t.Fatalf("segment %q: built %q has a slash", v, got)
			}
			if rest && !cleanPathInfo(v) {
				t.Fatalf("rest %q accepted but the walk would change it", v)
			}
		}
	})
}
