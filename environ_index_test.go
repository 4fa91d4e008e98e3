package wsgiref

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkIndex fails unless e's index, when built, holds exactly the
// variables that are not hot, each under its own hash, with no empty slot
// inside a probe run that would hide it.
func checkIndex(t *testing.T, e *Environ, where string) {
	t.Helper()
	for i, v := range e.vars {
		if hotSlot(v.name) >= 0 {
			continue // found by position, never by tag
		}
		if v.tag != keyTag(v.name) || !e.mayHold(v.tag) {
			t.Fatalf("%s: %q at %d has tag %#x (want %#x), filter bit set %v", where, v.name, i, v.tag, keyTag(v.name), e.mayHold(v.tag))
		}
	}
	if len(e.idx) == 0 {
		plain := 0
		for _, v := range e.vars {
			if hotSlot(v.name) < 0 {
				plain++
			}
		}
		if plain >= indexMin {
			t.Fatalf("%s: %d variables that are not hot, and no index", where, plain)
		}
		return
	}
	if len(e.idx)&(len(e.idx)-1) != 0 || 2*len(e.vars) > len(e.idx)+2*hotKeys {
		t.Fatalf("%s: index of %d slots for %d variables", where, len(e.idx), len(e.vars))
	}
	seen := make([]bool, len(e.vars))
	n := 0
	for _, s := range e.idx {
		if s.pos == 0 {
			continue
		}
		n++
		p := int(s.pos - 1)
		if p >= len(e.vars) || seen[p] {
			t.Fatalf("%s: slot points at %d of %d variables (or twice)", where, p, len(e.vars))
		}
		seen[p] = true
		if name := e.vars[p].name; hashKey(name) != s.hash || hotSlot(name) >= 0 {
			t.Fatalf("%s: slot for %q holds a wrong hash or a hot key", where, name)
		}
	}
	for i, v := range e.vars {
		if want := hotSlot(v.name) < 0; seen[i] != want {
			t.Fatalf("%s: %q at %d indexed %v, want %v", where, v.name, i, seen[i], want)
		}
		if hotSlot(v.name) < 0 {
			if got, _ := e.probe(v.name, hashKey(v.name)); got != i {
				t.Fatalf("%s: probe(%q) = %d, want %d", where, v.name, got, i)
			}
		}
	}
}

// TestIndexAgreesWithScan drives environs across the index's threshold
// and growth with random Set, SetDefault, Del, SetScriptPath, Clone,
// CopyFrom and Reset calls, and checks after each that every lookup agrees with a
// plain ordered model, that the index is exact, and that the hot
// positions agree with a scan.
func TestIndexAgreesWithScan(t *testing.T) {
	keys := append([]string{"PATH_INFO", "SCRIPT_NAME", "REQUEST_METHOD", "HTTP_ABSENT_NEVER_SET"}, hotNames[3:]...)
	for i := range 90 {
		keys = append(keys, fmt.Sprintf("HTTP_X_%d", i))
	}
	type kv struct{ k, v string }
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 30 {
		var e, pool Environ
		var model []kv
		find := func(k string) int { return slices.IndexFunc(model, func(x kv) bool { return x.k == k }) }
		set := func(k, v string) {
			if i := find(k); i >= 0 {
				model[i].v = v
			} else {
				model = append(model, kv{k, v})
			}
		}
		for step := range 300 {
			where := fmt.Sprintf("round %d step %d", round, step)
			k := keys[1+rng.IntN(len(keys)-1)]
			if k == "HTTP_ABSENT_NEVER_SET" {
				k = keys[0]
			}
			v := fmt.Sprint(step)
			switch op := rng.IntN(20); {
			case op < 10:
				e.Set(k, v)
				set(k, v)
			case op < 12:
				got := e.SetDefault(k, v)
				if i := find(k); i >= 0 {
					if got != model[i].v {
						t.Fatalf("%s: SetDefault(%q) = %q, want %q", where, k, got, model[i].v)
					}
				} else {
					model = append(model, kv{k, v})
				}
			case op < 14:
				got, present := e.LookupOrSet(k, v)
				if i := find(k); i >= 0 {
					if got != model[i].v || !present {
						t.Fatalf("%s: LookupOrSet(%q) = %q, %v, want %q, true", where, k, got, present, model[i].v)
					}
				} else {
					if got != v || present {
						t.Fatalf("%s: LookupOrSet(%q) of an absent key = %q, %v", where, k, got, present)
					}
					model = append(model, kv{k, v})
				}
			case op < 18:
				e.Del(k)
				if i := find(k); i >= 0 {
					model = slices.Delete(model, i, i+1)
				}
			case op == 18:
				e.SetScriptPath("/a/b"+v, 2)
				set("SCRIPT_NAME", "/a")
				set("PATH_INFO", "/b"+v)
			case rng.IntN(2) == 0:
				e = *e.Clone()
			case rng.IntN(3) == 0:
				// Copy into a pooled environ holding an older state.
				pool.CopyFrom(&e)
				e, pool = pool, e
			case rng.IntN(8) == 0:
				e.Reset()
				model = model[:0]
			}
			checkIndex(t, &e, where)
			for h, k := range hotNames {
				if got, want := e.hotIndex(h), plainScan(&e, k); got != want {
					t.Fatalf("%s: kept position of %s is %d, a scan says %d", where, k, got, want)
				}
			}
			if e.Len() != len(model) {
				t.Fatalf("%s: Len %d, want %d", where, e.Len(), len(model))
			}
			for _, k := range keys {
				got, ok := e.Lookup(k)
				i := find(k)
				if ok != (i >= 0) || ok && got != model[i].v || e.Has(k) != ok {
					t.Fatalf("%s: Lookup(%q) = %q, %v; model says %d", where, k, got, ok, i)
				}
			}
			i := 0
			for k, v := range e.All() {
				if i >= len(model) || model[i] != (kv{k, v}) {
					t.Fatalf("%s: variable %d is %s=%s, model %v", where, i, k, v, model)
				}
				i++
			}
		}
	}
}

// TestIndexBuiltAndReused checks that a large environ is indexed, and
// that a pooled environ refilled to 150 variables allocates nothing, the
// index included.
func TestIndexBuiltAndReused(t *testing.T) {
	var e Environ
	keys := make([]string, 150)
	for i := range keys {
		keys[i] = fmt.Sprintf("HTTP_X_%03d", i)
	}
	fill := func() {
		for _, k := range keys {
			if !e.Has(k) {
				e.Set(k, "v")
			}
		}
	}
	fill()
	if len(e.idx) == 0 {
		t.Fatal("150 variables and no index")
	}
	checkIndex(t, &e, "after fill")
	e.Reset()
	e.Set("HTTP_HOST", "h")
	if len(e.idx) != 0 {
		t.Fatal("Reset kept the index live")
	}
	if e.Get("HTTP_X_000") != "" || e.Get("HTTP_HOST") != "h" {
		t.Fatal("Reset left an old variable")
	}
	if testing.CoverMode() != "" {
		return
	}
	if n := testing.AllocsPerRun(50, func() { e.Reset(); fill() }); n != 0 {
		t.Errorf("Reset and refill to 150 variables: %v allocs, want 0", n)
	}
}

// TestIndexOddCapacity checks that an index kept with a capacity that is
// not a power of two (as an allocator may round a clone's) still builds a
// power-of-two table.
func TestIndexOddCapacity(t *testing.T) {
	for _, c := range []int{0, 65, 100, 300} {
		e := Environ{idx: make([]indexSlot, 0, c)}
		for i := range 40 {
			e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
		}
		checkIndex(t, &e, fmt.Sprintf("capacity %d", c))
		if len(e.idx) < indexMinSlots {
			t.Errorf("capacity %d: %d slots", c, len(e.idx))
		}
	}
}

// plainScan is the position of key by comparing every name, without the
// tags: the oracle of the lookups' fast paths.
func plainScan(e *Environ, key string) int {
	return slices.IndexFunc(e.vars, func(v variable) bool { return v.name == key })
}

// TestTagCollisions fills environs with keys that share a tag (same
// length, same last two and middle bytes) or a filter bit, below and
// above the index's threshold, and checks that each key still finds its
// own value and that absent keys of the same tag miss.
func TestTagCollisions(t *testing.T) {
	if keyTag("HTTP_AAQQ_XYZW") != keyTag("HTTP_BCQQ_XYZW") {
		t.Fatal("the test's keys do not share a tag")
	}
	for _, n := range []int{2, 10, indexMin - 1, indexMin, 3 * indexMin} {
		var e Environ
		var keys []string
		for i := range n {
			// Vary the first bytes only: every key has the same tag.
			keys = append(keys, fmt.Sprintf("HTTP_%c%cQQ_XYZW", 'A'+i%26, 'A'+i/26))
		}
		for i, k := range keys {
			e.Set(k, fmt.Sprint(i))
		}
		checkIndex(t, &e, fmt.Sprintf("%d keys", n))
		for i, k := range keys {
			if got, ok := e.Lookup(k); !ok || got != fmt.Sprint(i) {
				t.Fatalf("%d keys: Lookup(%q) = %q, %v", n, k, got, ok)
			}
		}
		if e.Has("HTTP_ZZQQ_XYZW") || e.Has("HTTP_AZQQ_XYZW") {
			t.Fatalf("%d keys: an absent key of the same tag is present", n)
		}
		// A deleted key leaves its filter bit: lookups must still miss it.
		e.Del(keys[0])
		if e.Has(keys[0]) || plainScan(&e, keys[0]) >= 0 {
			t.Fatalf("%d keys: %q present after Del", n, keys[0])
		}
	}
}

func TestKeyTag(t *testing.T) {
	for _, tt := range []struct {
		key  string
		want uint32
	}{
		{"", 0},
		{"A", 1<<24 | 'A'},
		{"AB", 2<<24 | 'B'<<16 | 'A'<<8 | 'B'},
		{"HTTP_HOST", 9<<24 | 'T'<<16 | 'S'<<8 | '_'},
	} {
		if got := keyTag(tt.key); got != tt.want {
			t.Errorf("keyTag(%q) = %#x, want %#x", tt.key, got, tt.want)
		}
	}
}

// TestAbsentSlotKept checks the Set after a lookup that missed, which
// reuses the lookup's probe, across every change that may move the slot
// in between: a Del (which shifts slots back), an append that grows the
// index, a CopyFrom and a hot key's append.
func TestAbsentSlotKept(t *testing.T) {
	between := map[string]func(e *Environ){
		"nothing":     func(*Environ) {},
		"del":         func(e *Environ) { e.Del("HTTP_X_3") },
		"del hot":     func(e *Environ) { e.Del("PATH_INFO") },
		"append":      func(e *Environ) { e.Set("HTTP_OTHER", "o") },
		"grow":        func(e *Environ) { growTo(e, 100) },
		"hot append":  func(e *Environ) { e.Set("HTTPS", "on") },
		"copy":        func(e *Environ) { var c Environ; growTo(&c, 40); e.CopyFrom(&c) },
		"set present": func(e *Environ) { e.Set("HTTP_X_5", "w") },
	}
	for name, change := range between {
		for _, first := range []func(e *Environ, k string){
			func(e *Environ, k string) { e.Has(k) },
			func(e *Environ, k string) { e.Get(k) },
		} {
			var e Environ
			e.Set("PATH_INFO", "/")
			growTo(&e, 30)
			first(&e, "HTTP_NEW")
			change(&e)
			e.Set("HTTP_NEW", "x")
			n := e.Len()
			e.Set("HTTP_NEW", "n") // present now: no second slot
			if e.Len() != n {
				t.Fatalf("%s: a second Set of HTTP_NEW added a variable", name)
			}
			checkIndex(t, &e, name)
			if got := e.Get("HTTP_NEW"); got != "n" || plainScan(&e, "HTTP_NEW") < 0 {
				t.Fatalf("%s: HTTP_NEW = %q after Set", name, got)
			}
			first(&e, "HTTP_NEW2")
			change(&e)
			if got, present := e.LookupOrSet("HTTP_NEW2", "m"); got != "m" || present {
				t.Fatalf("%s: LookupOrSet = %q, %v", name, got, present)
			}
			checkIndex(t, &e, name+" LookupOrSet")
		}
	}
}

// growTo sets HTTP_X_0 and on until e holds n variables.
func growTo(e *Environ, n int) {
	for i := 0; e.Len() < n; i++ {
		e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
	}
}
