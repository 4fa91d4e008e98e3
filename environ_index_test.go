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
		if v.hash != keyHash(v.name) || !e.mayHold(v.hash) {
			t.Fatalf("%s: %q at %d has hash %#x (want %#x), filter bit set %v", where, v.name, i, v.hash, keyHash(v.name), e.mayHold(v.hash))
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
		if name := e.vars[p].name; keyHash(name) != s.hash || hotSlot(name) >= 0 {
			t.Fatalf("%s: slot for %q holds a wrong hash or a hot key", where, name)
		}
	}
	for i, v := range e.vars {
		if want := hotSlot(v.name) < 0; seen[i] != want {
			t.Fatalf("%s: %q at %d indexed %v, want %v", where, v.name, i, seen[i], want)
		}
		if hotSlot(v.name) < 0 {
			if got, _ := e.probe(v.name, keyHash(v.name)); got != i {
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

// collidingKeys returns two distinct keys of the HTTP_X_nnnnnn shape
// whose hashes are equal under hashSeed, found by the birthday bound
// (about 2^16 keys for 32 bits).
func collidingKeys(t *testing.T) (string, string) {
	t.Helper()
	seen := make(map[uint32]string)
	for i := range 1 << 20 {
		k := fmt.Sprintf("HTTP_X_%06d", i)
		if other, ok := seen[keyHash(k)]; ok {
			return other, k
		}
		seen[keyHash(k)] = k
	}
	t.Fatal("no two keys of 2^20 share a hash: the hash is not 32 bits wide?")
	return "", ""
}

// withSeed runs f with hashSeed fixed, so that the keys a test finds
// colliding collide on every run.
func withSeed(f func()) {
	saved := hashSeed
	defer func() { hashSeed = saved }()
	hashSeed = [2]uint64{0x243F6A8885A308D3, 0x13198A2E03707344}
	f()
}

// TestHashCollisions fills environs, below and above the index's
// threshold, with two keys of the same full hash among others, and
// checks that the second misses while only the first is set, that each
// then finds its own value, and that Del of one leaves the other.
func TestHashCollisions(t *testing.T) {
	withSeed(func() {
		k1, k2 := collidingKeys(t)
		for _, n := range []int{0, 2, indexMin - 2, indexMin, 3 * indexMin} {
			where := fmt.Sprintf("%d other keys", n)
			var e Environ
			for i := range n {
				e.Set(fmt.Sprintf("HTTP_Y_%d", i), "y")
			}
			e.Set(k1, "1")
			if e.Has(k2) {
				t.Fatalf("%s: absent %s of the same hash as %s is present", where, k2, k1)
			}
			e.Set(k2, "2")
			checkIndex(t, &e, where)
			if e.Get(k1) != "1" || e.Get(k2) != "2" {
				t.Fatalf("%s: %s=%q %s=%q", where, k1, e.Get(k1), k2, e.Get(k2))
			}
			// A deleted key leaves its filter bit: lookups must still miss it.
			e.Del(k1)
			checkIndex(t, &e, where+", after Del")
			if e.Has(k1) || plainScan(&e, k1) >= 0 || e.Get(k2) != "2" {
				t.Fatalf("%s: after Del(%s): Has %v, %s=%q", where, k1, e.Has(k1), k2, e.Get(k2))
			}
		}
	})
}

// TestKeyHashReadsEveryByte changes each byte of keys of 0 to 70 bytes
// and checks that the hash changes (under a fixed seed, so the check is
// the same on every run), that equal keys hash equal whatever their
// backing array, and that the length counts: "" and "\x00" differ.
func TestKeyHashReadsEveryByte(t *testing.T) {
	withSeed(func() {
		for n := range 71 {
			key := make([]byte, n)
			for i := range key {
				key[i] = 'A' + byte(i%26)
			}
			h := keyHash(string(key))
			if again := keyHash(string(append([]byte(nil), key...))); again != h {
				t.Fatalf("%d bytes: equal keys hash %#x and %#x", n, h, again)
			}
			for i := range key {
				for _, flip := range []byte{0x01, 0x20, 0x80} {
					key[i] ^= flip
					if keyHash(string(key)) == h {
						t.Errorf("%d bytes: flipping %#x at %d leaves the hash", n, flip, i)
					}
					key[i] ^= flip
				}
			}
		}
		if keyHash("") == keyHash("\x00") || keyHash("\x00") == keyHash("\x00\x00") {
			t.Error("the length does not count")
		}
	})
}

// TestProbeRunsShort fills an index with key families that an attacker
// or a client might send, keys that share a long prefix and suffix and
// differ in the middle bytes only, and checks that lookups probe a few
// slots on average and never a long run: the hash spreads them.
func TestProbeRunsShort(t *testing.T) {
	families := map[string]func(i int) string{
		"growth":       func(i int) string { return fmt.Sprintf("HTTP_X_FIELD_%03d", i) },
		"short":        func(i int) string { return fmt.Sprintf("HTTP_%d", i) },
		"middle of 40": func(i int) string { return fmt.Sprintf("HTTP_AAAAAAAAAAAAAA%04dAAAAAAAAAAAAAAAAAA", i) },
		"first bytes":  func(i int) string { return fmt.Sprintf("%03d_HTTP_SAME_SUFFIX", i) },
	}
	withSeed(func() {
		for name, key := range families {
			var e Environ
			for i := range 500 {
				e.Set(key(i), "v")
			}
			checkIndex(t, &e, name)
			total, longest := 0, 0
			mask := uint32(len(e.idx) - 1)
			for _, v := range e.vars {
				steps := 1
				for s := v.hash & mask; int(e.idx[s].pos) != 0 && e.vars[e.idx[s].pos-1].name != v.name; s = (s + 1) & mask {
					steps++
				}
				total += steps
				longest = max(longest, steps)
			}
			if mean := float64(total) / float64(len(e.vars)); mean > 2.5 || longest > 40 {
				t.Errorf("%s: %d keys in %d slots probe %.2f slots on average, %d at most", name, len(e.vars), len(e.idx), mean, longest)
			}
		}
	})
}

// TestAbsentSlotKept checks the Set after a lookup that missed across
// every change that may move the slot in between: a Del (which shifts
// slots back), an append that builds or grows the index, a CopyFrom, a
// Reset, a Clone and a hot key's append, with and without an index.
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
		"reset":       func(e *Environ) { e.Reset(); e.Set("HTTP_A", "a") },
		"clone":       func(e *Environ) { *e = *e.Clone(); e.Set("HTTP_B", "b") },
	}
	for name, change := range between {
		for _, first := range []func(e *Environ, k string){
			func(e *Environ, k string) { e.Has(k) },
			func(e *Environ, k string) { e.Get(k) },
		} {
			// 8 variables are scanned, 30 indexed.
			for _, size := range []int{8, 30} {
				name := fmt.Sprintf("%s at %d", name, size)
				var e Environ
				e.Set("PATH_INFO", "/")
				growTo(&e, size)
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
}

// growTo sets HTTP_X_0 and on until e holds n variables.
func growTo(e *Environ, n int) {
	for i := 0; e.Len() < n; i++ {
		e.Set(fmt.Sprintf("HTTP_X_%d", i), "v")
	}
}
