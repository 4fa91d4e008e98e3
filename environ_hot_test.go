package wsgiref

import (
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestHotPositionsStayExact drives an environ with random Set, SetDefault,
// Del, SetScriptPath, Clone, CopyFrom and Reset calls on hot and ordinary keys, and
// checks after each that the kept positions of the hot keys agree with a
// scan, and that the variables match a plain ordered model.
func TestHotPositionsStayExact(t *testing.T) {
	keys := append(slices.Clone(hotNames), "X", "PATH_INF", "SCRIPT_NAMEX", "HTTP_HOST", "QUERY_STRINF", "SERVER_SOFTWARF", "wsgi.url_schemf")
	type kv struct{ k, v string }
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var e, pool Environ
		var model []kv
		find := func(k string) int {
			return slices.IndexFunc(model, func(x kv) bool { return x.k == k })
		}
		set := func(k, v string) {
			if i := find(k); i >= 0 {
				model[i].v = v
			} else {
				model = append(model, kv{k, v})
			}
		}
		for step := range 60 {
			k := keys[rng.IntN(len(keys))]
			v := string(rune('a' + rng.IntN(26)))
			switch op := rng.IntN(7); op {
			case 0, 1:
				e.Set(k, v)
				set(k, v)
			case 2:
				got := e.SetDefault(k, v)
				if i := find(k); i >= 0 {
					if got != model[i].v {
						t.Fatalf("round %d step %d: SetDefault(%q) = %q, want %q", round, step, k, got, model[i].v)
					}
				} else {
					model = append(model, kv{k, v})
				}
			case 3:
				e.Del(k)
				if i := find(k); i >= 0 {
					model = slices.Delete(model, i, i+1)
				}
			case 4:
				e.SetScriptPath("/a/b"+v, 2)
				set("SCRIPT_NAME", "/a")
				set("PATH_INFO", "/b"+v)
			case 5:
				if rng.IntN(2) == 0 {
					e = *e.Clone()
				} else {
					pool.CopyFrom(&e)
					e, pool = pool, e
				}
			case 6:
				if rng.IntN(4) == 0 {
					e.Reset()
					model = model[:0]
				}
			}
			present := 0
			for _, k := range hotNames {
				if find(k) >= 0 {
					present++
				}
			}
			if int(e.nhot) != present {
				t.Fatalf("round %d step %d: nhot %d, %d hot keys present", round, step, e.nhot, present)
			}
			for h, k := range hotNames {
				if hotSlot(k) != h {
					t.Fatalf("hotSlot(%q) = %d, want %d", k, hotSlot(k), h)
				}
				if got, want := e.hotIndex(h), plainScan(&e, k); got != want {
					t.Fatalf("round %d step %d: kept position of %s is %d, a scan says %d", round, step, k, got, want)
				}
			}
			var got []kv
			for k, v := range e.All() {
				got = append(got, kv{k, v})
			}
			if !slices.Equal(got, model) {
				t.Fatalf("round %d step %d: variables %v, want %v", round, step, got, model)
			}
			for _, k := range keys {
				v, ok := e.Lookup(k)
				i := find(k)
				if ok != (i >= 0) || ok && v != model[i].v {
					t.Fatalf("round %d step %d: Lookup(%q) = %q, %v", round, step, k, v, ok)
				}
			}
		}
	}
}

// hotNames are the hot keys by slot.
var hotNames = []string{"PATH_INFO", "SCRIPT_NAME", "REQUEST_METHOD", "SERVER_PROTOCOL", "SERVER_SOFTWARE", URLSchemeKey, "HTTPS", "QUERY_STRING"}

// TestHotSlot checks that every hot key has its own slot and that keys
// one byte off, or of a hot key's length, have none.
func TestHotSlot(t *testing.T) {
	if len(hotNames) != hotKeys {
		t.Fatalf("%d hot names for %d slots", len(hotNames), hotKeys)
	}
	for h, k := range hotNames {
		if got := hotSlot(k); got != h {
			t.Errorf("hotSlot(%q) = %d, want %d", k, got, h)
		}
		for i := range len(k) {
			off := []byte(k)
			off[i] ^= 0x20 // one byte in the other case
			if got := hotSlot(string(off)); got != -1 {
				t.Errorf("hotSlot(%q) = %d, want -1", off, got)
			}
		}
		if got := hotSlot(k[:len(k)-1]); got != -1 {
			t.Errorf("hotSlot(%q) = %d, want -1", k[:len(k)-1], got)
		}
	}
}

// TestResetEveryField fills every field of an Environ, resets it and
// checks that it equals the zero Environ but for the capacity of its
// lists and index. Reset clears field by field, so the count of fields
// is checked too: a new field must be added here and to Reset.
func TestResetEveryField(t *testing.T) {
	const fields = 15
	if n := reflect.TypeFor[Environ]().NumField(); n != fields {
		t.Fatalf("Environ has %d fields, this test and Reset know %d: add the new ones to both", n, fields)
	}
	var e Environ
	for i := range 40 {
		e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
	}
	e.SetScriptPath("/a/b", 2)
	e.SetExtension("x", 1)
	e.Input, e.Errors = strings.NewReader("body"), io.Discard
	e.Version = [2]int{1, 0}
	e.Multithread, e.Multiprocess, e.RunOnce = true, true, true
	e.FileWrapper = func(io.Reader, int) Body { return nil }
	e.Blocks([]byte("page"))
	if len(e.idx) == 0 || e.tags == [4]uint64{} || e.hot == [hotKeys]int32{} || e.nhot == 0 || e.path == "" || !e.body.lent {
		t.Fatal("the fill left a field zero")
	}
	vars, ext := e.vars[:cap(e.vars)], e.ext[:cap(e.ext)]
	e.Reset()
	want := Environ{vars: vars[:0], ext: ext[:0], idx: e.idx[:0]}
	if !reflect.DeepEqual(e, want) || cap(e.idx) == 0 {
		t.Fatalf("after Reset: %+v", e)
	}
	if slices.ContainsFunc(vars, func(v variable) bool { return v != variable{} }) || slices.ContainsFunc(ext, func(x extension) bool { return x != extension{} }) {
		t.Fatal("Reset left old variables or extensions in the lists' capacity")
	}
}

// TestConcurrentReads reads small and indexed environs from several
// goroutines at once, present and absent keys, hot and not: under the
// race detector (CI runs go test -race) it fails if a read writes.
func TestConcurrentReads(t *testing.T) {
	for _, n := range []int{5, 3 * indexMin} {
		var e Environ
		e.Set("PATH_INFO", "/")
		for i := range n {
			e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
		}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 200 {
					k := fmt.Sprintf("HTTP_X_%d", (i+g)%(2*n)) // half absent
					if v, ok := e.Lookup(k); ok != ((i+g)%(2*n) < n) || ok && v != "v" {
						t.Errorf("%d variables: Lookup(%q) = %q, %v", n, k, v, ok)
					}
					_ = e.Has("HTTP_ABSENT") || e.Get("PATH_INFO") != "/"
				}
			})
		}
		wg.Wait()
	}
}
