package routing

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	wsgiref "github.com/gowsgi/wsgiref"
)

func TestArgsNilAndMissing(t *testing.T) {
	env := new(wsgiref.Environ)
	a := ArgsOf(env)
	if a != nil || a.Len() != 0 || a.Positional() != nil || a.Get("x") != "" {
		t.Fatalf("ArgsOf(empty env) = %v", a)
	}
	if _, ok := a.Named("x"); ok {
		t.Error("nil Args has a name")
	}
	if len(a.Map()) != 0 {
		t.Error("nil Args has a map")
	}
	env.SetExtension(Key, "not args")
	if ArgsOf(env) != nil {
		t.Error("ArgsOf took a value of another type")
	}
}

func TestCaptureNestedAndReused(t *testing.T) {
	var outer, inner ArgsCache
	env := new(wsgiref.Environ)
	outer.Capture(env, []string{"owner", "id"}, "gowsgi", "1")
	inner.Capture(env, []string{"id", "rest"}, "2", "/x")
	a := ArgsOf(env)
	if got, want := a.Positional(), []string{"gowsgi", "1", "2", "/x"}; !slices.Equal(got, want) {
		t.Errorf("Positional = %q, want %q", got, want)
	}
	if got := a.Get("id"); got != "2" {
		t.Errorf("inner router's id should win, got %q", got)
	}
	if got := a.Map(); len(got) != 3 || got["owner"] != "gowsgi" || got["rest"] != "/x" {
		t.Errorf("Map = %v", got)
	}
	var names []string
	for n := range a.All() {
		names = append(names, n)
	}
	if want := []string{"owner", "id", "id", "rest"}; !slices.Equal(names, want) {
		t.Errorf("All names = %q, want %q", names, want)
	}

	// The next request on the same (reset) environ reuses the Args.
	env.Reset()
	outer.Capture(env, []string{"n"}, "3")
	if b := ArgsOf(env); b != a || !slices.Equal(b.Positional(), []string{"3"}) {
		t.Errorf("second request: Args %p (first %p), positional %q", b, a, b.Positional())
	}
	// The names as a generated router passes them: a package variable,
	// which the Args keeps rather than copies.
	names = []string{"n"}
	if n := testing.AllocsPerRun(50, func() {
		env.Reset()
		outer.Capture(env, names, "3")
	}); n != 0 {
		t.Errorf("Capture on a reused environ allocates %v times", n)
	}
}

func TestCaptureClone(t *testing.T) {
	var c ArgsCache
	env := new(wsgiref.Environ)
	c.Capture(env, []string{"a"}, "1")
	clone := env.Clone()
	c.Capture(clone, []string{"b"}, "2")
	if got := ArgsOf(env).Positional(); !slices.Equal(got, []string{"1"}) {
		t.Errorf("routing the clone changed the original's args: %q", got)
	}
	if got := ArgsOf(clone).Positional(); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("clone args = %q", got)
	}
}

func TestCaptureMany(t *testing.T) {
	var c ArgsCache
	env := new(wsgiref.Environ)
	var want []string
	for i := range 20 {
		v := strconv.Itoa(i)
		c.Capture(env, []string{"p" + v}, v)
		want = append(want, v)
	}
	if got := ArgsOf(env).Positional(); !slices.Equal(got, want) {
		t.Errorf("Positional = %q", got)
	}
}

// A route with more parameters than the Args' arrays hold, fresh and on
// a reused Args, between requests with a few.
func TestCaptureWide(t *testing.T) {
	var c ArgsCache
	env := new(wsgiref.Environ)
	for _, n := range []int{10, 2, 10, 0, 8, 9} {
		env.Reset()
		names, values := make([]string, n), make([]string, n)
		for i := range n {
			names[i], values[i] = "p"+strconv.Itoa(i), strconv.Itoa(n*100+i)
		}
		c.Capture(env, names, values...)
		a := ArgsOf(env)
		if !slices.Equal(a.Positional(), values) || a.Len() != n {
			t.Errorf("%d params: Positional = %q", n, a.Positional())
		}
		for i := range n {
			if got := a.Get(names[i]); got != values[i] {
				t.Errorf("%d params: %s = %q, want %q", n, names[i], got, values[i])
			}
		}
	}
}

func TestArgsInt(t *testing.T) {
	var c ArgsCache
	env := new(wsgiref.Environ)
	c.Capture(env, []string{"number", "name"}, "42", "x")
	a := ArgsOf(env)
	if n, err := a.Int("number"); n != 42 || err != nil {
		t.Errorf("Int(number) = %d, %v", n, err)
	}
	_, err := a.Int("name")
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Value != "x" || !errors.Is(err, strconv.ErrSyntax) {
		t.Errorf("Int(name) error = %v", err)
	}
	if got := err.Error(); got != `routing: routing arg name="x": strconv.Atoi: parsing "x": invalid syntax` {
		t.Errorf("message %q", got)
	}
	_, err = a.Int("missing")
	if err == nil || err.Error() != `routing: no routing arg "missing"` {
		t.Errorf("Int(missing) error = %v", err)
	}
}

// The Args keeps a route's list of names instead of copying it; an inner
// router's capture, in the arrays or past them, must then copy the list
// and never write into it, even where the list has room after its end.
func TestCaptureKeepsNamesUnchanged(t *testing.T) {
	for _, inner := range []int{1, 9} {
		var outerCache, innerCache ArgsCache
		env := new(wsgiref.Environ)
		names := make([]string, 2, 16)
		copy(names, []string{"owner", "id"})
		outerCache.Capture(env, names, "gowsgi", "1")
		innerNames, innerValues := make([]string, inner), make([]string, inner)
		for i := range inner {
			innerNames[i], innerValues[i] = "p"+strconv.Itoa(i), strconv.Itoa(i)
		}
		innerCache.Capture(env, innerNames, innerValues...)
		if spare := names[:16]; !slices.Equal(spare[:2], []string{"owner", "id"}) || slices.ContainsFunc(spare[2:], func(s string) bool { return s != "" }) {
			t.Errorf("%d inner params: the outer route's names became %q", inner, spare)
		}
		a := ArgsOf(env)
		if got, want := a.Positional(), append([]string{"gowsgi", "1"}, innerValues...); !slices.Equal(got, want) {
			t.Errorf("%d inner params: Positional = %q, want %q", inner, got, want)
		}
		if a.Get("owner") != "gowsgi" || a.Get("p0") != "0" {
			t.Errorf("%d inner params: owner %q, p0 %q", inner, a.Get("owner"), a.Get("p0"))
		}
	}
}
