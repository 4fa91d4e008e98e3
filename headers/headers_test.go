package headers_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref/headers"
)

// Ported from CPython's HeaderTests.testMappingInterface.
func TestMappingInterface(t *testing.T) {
	test := headers.Headers{{"x", "y"}}
	if n := new(headers.Headers).Len(); n != 0 {
		t.Errorf("len(Headers()) = %d", n)
	}
	empty := headers.Headers{}
	if n := empty.Len(); n != 0 {
		t.Errorf("len(Headers([])) = %d", n)
	}
	h := slices.Clone(test)
	if h.Len() != 1 || !slices.Equal(h.Keys(), []string{"x"}) || !slices.Equal(h.Values(), []string{"y"}) ||
		!slices.Equal(h.Items(), []headers.Field(test)) {
		t.Errorf("Headers(%v): len %d keys %q values %q items %v", test, h.Len(), h.Keys(), h.Values(), h.Items())
	}
	// items() must be a copy.
	items := test.Items()
	items[0].Value = "changed"
	if test[0].Value != "y" {
		t.Error("Items shares the list")
	}

	h = nil
	h.Del("foo") // should not raise an error
	h.Set("Foo", "bar")
	for _, name := range []string{"foo", "Foo", "FOO"} {
		if !h.Has(name) || h.Get(name) != "bar" || !slices.Equal(h.GetAll(name), []string{"bar"}) {
			t.Errorf("%q not found", name)
		}
		if v, ok := h.Lookup(name); !ok || v != "bar" {
			t.Errorf("Lookup(%q) = %q, %v", name, v, ok)
		}
	}
	if h.Has("bar") || h.Get("bar") != "" || h.GetAll("bar") != nil {
		t.Error("bar found")
	}
	if _, ok := h.Lookup("bar"); ok {
		t.Error("Lookup(bar) ok")
	}

	h.Set("foo", "baz")
	if h.Get("FOO") != "baz" || !slices.Equal(h.GetAll("foo"), []string{"baz"}) || h.Len() != 1 {
		t.Errorf("after set: %v", h)
	}
	if v := h.SetDefault("foo", "whee"); v != "baz" {
		t.Errorf("setdefault(foo) = %q", v)
	}
	if v := h.SetDefault("zoo", "whee"); v != "whee" {
		t.Errorf("setdefault(zoo) = %q", v)
	}
	if h.Get("foo") != "baz" || h.Get("zoo") != "whee" {
		t.Errorf("after setdefault: %v", h)
	}
	want := headers.Headers{{"foo", "baz"}, {"zoo", "whee"}}
	if !slices.Equal(h, want) {
		t.Errorf("list %v, want %v", h, want)
	}
}

// Ported from CPython's HeaderTests.testExtras.
func TestExtras(t *testing.T) {
	var h headers.Headers
	if h.String() != "\r\n" {
		t.Errorf("str(empty) = %q", h.String())
	}
	h.AddHeader("foo", "bar", headers.Param{"baz", "spam"})
	if got := h.Get("foo"); got != `bar; baz="spam"` {
		t.Errorf("foo = %q", got)
	}
	if got := h.String(); got != "foo: bar; baz=\"spam\"\r\n\r\n" {
		t.Errorf("str = %q", got)
	}
	h.AddHeader("Foo", "bar", headers.Param{Name: "cheese"})
	if got := h.GetAll("foo"); !slices.Equal(got, []string{`bar; baz="spam"`, "bar; cheese"}) {
		t.Errorf("get_all = %q", got)
	}
	if got := h.String(); got != "foo: bar; baz=\"spam\"\r\nFoo: bar; cheese\r\n\r\n" {
		t.Errorf("str = %q", got)
	}
}

// The list operations keep order and edit the list in place, as Python's
// Headers does with the list it wraps.
func TestListSemantics(t *testing.T) {
	for _, tt := range []struct {
		name string
		op   func(*headers.Headers)
		want string
	}{
		{"set appends after delete", func(h *headers.Headers) { h.Set("A", "9") }, "B=2 C=3 A=9"},
		{"set new", func(h *headers.Headers) { h.Set("D", "4") }, "A=1 B=2 a=1b C=3 D=4"},
		{"del all of a name", func(h *headers.Headers) { h.Del("a") }, "B=2 C=3"},
		{"del missing", func(h *headers.Headers) { h.Del("Z") }, "A=1 B=2 a=1b C=3"},
		{"del last", func(h *headers.Headers) { h.Del("C") }, "A=1 B=2 a=1b"},
		{"setdefault present", func(h *headers.Headers) { h.SetDefault("b", "x") }, "A=1 B=2 a=1b C=3"},
		{"setdefault absent", func(h *headers.Headers) { h.SetDefault("d", "x") }, "A=1 B=2 a=1b C=3 d=x"},
		{"add keeps duplicates", func(h *headers.Headers) { h.Add("b", "x") }, "A=1 B=2 a=1b C=3 b=x"},
		{"set empty value", func(h *headers.Headers) { h.Set("B", "") }, "A=1 a=1b C=3 B="},
		{"set the last field", func(h *headers.Headers) { h.Set("c", "9") }, "A=1 B=2 a=1b c=9"},
		{"set a middle field", func(h *headers.Headers) { h.Set("b", "9") }, "A=1 a=1b C=3 b=9"},
		{"set twice", func(h *headers.Headers) { h.Set("a", "8"); h.Set("A", "9") }, "B=2 C=3 A=9"},
		{"set after add", func(h *headers.Headers) { h.Add("c", "4"); h.Set("C", "5") }, "A=1 B=2 a=1b C=5"},
	} {
		h := headers.New("A", "1", "B", "2", "a", "1b", "C", "3")
		tt.op(&h)
		var parts []string
		for _, f := range h {
			parts = append(parts, f.Name+"="+f.Value)
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// Del edits the caller's backing array, as Python's del edits the list in
// place, and clears the vacated tail so it holds no stale strings.
func TestDelInPlace(t *testing.T) {
	backing := headers.New("A", "1", "B", "2", "A", "3")
	h := backing
	h.Del("a")
	if len(h) != 1 || &h[0] != &backing[0] || backing[0] != (headers.Field{"B", "2"}) {
		t.Errorf("Del did not compact in place: %v / %v", h, backing)
	}
	if backing[1] != (headers.Field{}) || backing[2] != (headers.Field{}) {
		t.Errorf("vacated fields not cleared: %v", backing)
	}
}

func TestGetAllOrderAndAppendValues(t *testing.T) {
	h := headers.New("Set-Cookie", "a=1", "X", "y", "set-cookie", "b=2", "SET-COOKIE", "c=3")
	if got := h.GetAll("Set-Cookie"); !slices.Equal(got, []string{"a=1", "b=2", "c=3"}) {
		t.Errorf("GetAll = %q", got)
	}
	buf := make([]string, 0, 4)
	buf = append(buf, "keep")
	if got := h.AppendValues(buf, "set-cookie"); !slices.Equal(got, []string{"keep", "a=1", "b=2", "c=3"}) || &got[0] != &buf[0] {
		t.Errorf("AppendValues = %q", got)
	}
	var seq []string
	for v := range h.ValuesOf("SET-cookie") {
		seq = append(seq, v)
		if len(seq) == 2 {
			break
		}
	}
	if !slices.Equal(seq, []string{"a=1", "b=2"}) {
		t.Errorf("ValuesOf = %q", seq)
	}
}

func TestNew(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want headers.Headers
	}{
		{nil, headers.Headers{}},
		{[]string{"A", "1"}, headers.Headers{{"A", "1"}}},
		{[]string{"A", "1", "B"}, headers.Headers{{"A", "1"}, {"B", ""}}},
	} {
		if got := headers.New(tt.in...); !slices.Equal(got, tt.want) {
			t.Errorf("New(%q) = %v", tt.in, got)
		}
	}
}

// String, AppendTo and WriteTo give the same bytes as CPython's str(h).
func TestSerialisation(t *testing.T) {
	h := headers.New("Content-Type", "text/plain", "X-Empty", "", "Set-Cookie", "a=1", "Set-Cookie", "b=2")
	want := "Content-Type: text/plain\r\nX-Empty: \r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
	if got := h.String(); got != want {
		t.Errorf("String = %q", got)
	}
	if got := string(h.AppendTo([]byte("HTTP/1.0 200 OK\r\n"))); got != "HTTP/1.0 200 OK\r\n"+want {
		t.Errorf("AppendTo = %q", got)
	}
	var buf bytes.Buffer
	if n, err := h.WriteTo(&buf); err != nil || n != int64(len(want)) || buf.String() != want {
		t.Errorf("WriteTo = %d, %v, %q", n, err, buf.String())
	}
	// One Write call: the header block is never split by the writer.
	cw := &countingWriter{}
	h.WriteTo(cw)
	if cw.calls != 1 {
		t.Errorf("WriteTo made %d Write calls", cw.calls)
	}
	if _, err := h.WriteTo(&countingWriter{err: errShort}); err != errShort {
		t.Errorf("WriteTo error = %v", err)
	}
}

var errShort = errors.New("short write")

type countingWriter struct {
	calls int
	err   error
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.err != nil {
		return len(p) / 2, w.err
	}
	return len(p), nil
}

// Names fold case as Python's str.lower does on the Latin-1 characters
// of PEP 3333 strings, and only so.
func TestEqualFold(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"Content-Type", "content-type", true},
		{"CONTENT-TYPE", "content-type", true},
		{"Content-Type", "Content-Typ", false},
		{"a", "b", false},
		{"\xc4", "\xe4", true},  // Ä ä
		{"\xde", "\xfe", true},  // Þ þ
		{"\xd7", "\xf7", false}, // × ÷ are not a case pair
		{"\xdf", "SS", false},   // ß stays ß under lower()
		{"[", "{", false},       // 0x5B and 0x7B differ by 0x20 but are not letters
		{"@", "`", false},
		{"K", "\xe2\x84\xaa", false}, // the Kelvin sign's UTF-8 bytes are three characters
	} {
		if got := headers.EqualFold(tt.a, tt.b); got != tt.want {
			t.Errorf("EqualFold(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"etag", "ETag", true},
		{"ETAG", "ETag", true},
		{"www-authenticate", "WWW-Authenticate", true},
		{"content-type", "Content-Type", true},
		{"x-made-up", "x-made-up", false},
		{"", "", false},
		{strings.Repeat("a", 100), strings.Repeat("a", 100), false},
	} {
		if got, ok := headers.Canonical(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Canonical(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

func TestFormatValue(t *testing.T) {
	P := func(kv ...string) []headers.Param {
		var ps []headers.Param
		for i := 0; i+1 < len(kv); i += 2 {
			ps = append(ps, headers.Param{kv[i], kv[i+1]})
		}
		return ps
	}
	for _, tt := range []struct {
		value  string
		params []headers.Param
		want   string
	}{
		{"attachment", P("filename", "bud.gif"), `attachment; filename="bud.gif"`},
		{"bar", P("baz", "spam"), `bar; baz="spam"`},
		{"bar", P("cheese", ""), `bar; cheese`},
		{"text/html", P("charset", "utf-8"), `text/html; charset="utf-8"`},
		{"v", P("a_b_c", "1"), `v; a-b-c="1"`},
		{"v", P("a_b", ""), `v; a-b`},
		{"v", P("q", `say "hi" \ bye`), `v; q="say \"hi\" \\ bye"`},
		{"v", P("x", "1", "y", "2", "z", ""), `v; x="1"; y="2"; z`},
		{"", P("x", "1"), `x="1"`},
		{"", nil, ``},
		{"plain", nil, `plain`},
		{"v", P("e", "a;b=c, d"), `v; e="a;b=c, d"`},
		// Beyond CPython: non-ASCII values in RFC 8187's extended form.
		{"attachment", P("filename", "bä.gif"), `attachment; filename*=UTF-8''b%C3%A4.gif`},
		{"attachment", P("filename", "b\xe4.gif"), `attachment; filename*=UTF-8''b%C3%A4.gif`},
		{"attachment", P("filename", "€ rates.pdf"), `attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf`},
		{"attachment", P("filename", "\xff\"\r\n"), `attachment; filename*=UTF-8''%C3%BF%22%0D%0A`},
		{"a", P("file_name", "日本"), `a; file-name*=UTF-8''%E6%97%A5%E6%9C%AC`},
		{"a", P("t", "!#$&+-.^_`|~ok\x80"), "a; t*=UTF-8''!#$&+-.^_`|~ok%C2%80"},
	} {
		got := headers.FormatValue(tt.value, tt.params...)
		if got != tt.want {
			t.Errorf("FormatValue(%q, %v) = %q, want %q", tt.value, tt.params, got, tt.want)
		}
		var h headers.Headers
		h.AddHeader("N", tt.value, tt.params...)
		if h.Len() != 1 || h[0] != (headers.Field{"N", tt.want}) {
			t.Errorf("AddHeader stored %v", h)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		h   headers.Headers
		err error
		at  string
	}{
		{headers.New("Content-Type", "text/plain", "X", "", "Y", "tab\there \x01 \x7f \xe4"), nil, ""},
		{nil, nil, ""},
		{headers.New("", "v"), headers.ErrInvalidName, "header 0"},
		{headers.New("A", "1", "Bad Name", "v"), headers.ErrInvalidName, "header 1"},
		{headers.New("Bad:Name", "v"), headers.ErrInvalidName, "header 0"},
		{headers.New("B\xe4d", "v"), headers.ErrInvalidName, "header 0"},
		{headers.New("X", "a\r\nSet-Cookie: evil=1"), headers.ErrInvalidValue, "header 0"},
		{headers.New("X", "ok", "Y", "a\nb"), headers.ErrInvalidValue, "header 1"},
		{headers.New("X", "a\rb"), headers.ErrInvalidValue, "header 0"},
		{headers.New("X", "a\x00b"), headers.ErrInvalidValue, "header 0"},
		{headers.New("X\r\n", "v"), headers.ErrInvalidName, "header 0"},
	} {
		err := tt.h.Validate()
		if !errors.Is(err, tt.err) || (err != nil) != (tt.err != nil) {
			t.Errorf("Validate(%q) = %v, want %v", tt.h, err, tt.err)
			continue
		}
		if err != nil && !strings.HasPrefix(err.Error(), tt.at+":") {
			t.Errorf("Validate(%q) = %q, want it to name %s", tt.h, err, tt.at)
		}
	}
	// Every byte: names take tchar, values refuse NUL, CR and LF only.
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		wantName := c < 0x80 && c > ' ' && c != 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
		if headers.ValidName(s) != wantName {
			t.Errorf("ValidName(%q) = %v", s, !wantName)
		}
		wantValue := c != 0 && c != '\r' && c != '\n'
		if headers.ValidValue(s) != wantValue {
			t.Errorf("ValidValue(%q) = %v", s, !wantValue)
		}
	}
}

// The 10-field response of the benchmarks, also used by the examples.
func response() headers.Headers {
	h := make(headers.Headers, 0, 16)
	h.Add("Content-Type", "text/html; charset=utf-8")
	h.Add("Content-Length", "1234")
	h.Add("Cache-Control", "no-cache")
	h.Add("Set-Cookie", "session=abc; Path=/; HttpOnly")
	h.Add("Set-Cookie", "theme=dark; Path=/")
	h.Add("X-Frame-Options", "DENY")
	h.Add("Vary", "Accept-Encoding")
	h.Add("ETag", `"33a64df551425fcc55e4d42a148795d9f25f89d4"`)
	h.Add("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
	h.Add("Server", "wsgiref/0.1 Go")
	return h
}

func TestResponseFixture(t *testing.T) {
	h := response()
	if h.Len() != 10 || fmt.Sprint(h.GetAll("set-cookie")) != "[session=abc; Path=/; HttpOnly theme=dark; Path=/]" {
		t.Errorf("fixture: %v", h)
	}
	if err := h.Validate(); err != nil {
		t.Error(err)
	}
}

// Set edits the caller's backing array and clears the vacated tail, as Del
// does, and always gives what Del then Add gives (checked on every list of
// up to five fields named A, a, B or c).
func TestSetIsDelThenAdd(t *testing.T) {
	backing := headers.New("A", "1", "B", "2", "a", "3")
	h := backing
	h.Set("a", "9")
	if len(h) != 2 || &h[0] != &backing[0] || h[1] != (headers.Field{"a", "9"}) || backing[2] != (headers.Field{}) {
		t.Errorf("Set did not compact in place and clear the tail: %v / %v", h, backing)
	}
	names := []string{"A", "a", "B", "c"}
	var lists func(n int) [][]string
	lists = func(n int) [][]string {
		if n == 0 {
			return [][]string{nil}
		}
		var out [][]string
		for _, l := range lists(n - 1) {
			for _, name := range names {
				out = append(out, append(append([]string(nil), l...), name))
			}
		}
		return out
	}
	checked := 0
	for n := range 6 {
		for _, l := range lists(n) {
			var got, want headers.Headers
			for i, name := range l {
				got.Add(name, strconv.Itoa(i))
				want.Add(name, strconv.Itoa(i))
			}
			got.Set("a", "new")
			want.Del("a")
			want.Add("a", "new")
			if !slices.Equal(got, want) {
				t.Fatalf("Set on %v = %v, Del then Add = %v", l, got, want)
			}
			checked++
		}
	}
	if checked != 1+4+16+64+256+1024 {
		t.Errorf("checked %d lists", checked)
	}
}
