package wsgiref

import "hash/maphash"

// An environ of a few dozen variables is fastest scanned: comparing a
// dozen short strings costs less than hashing one. A request with many
// header fields makes a scan the whole cost (each Has-then-Set of a reader
// that joins repeated fields scans every variable before it), so past
// indexMin variables the environ keeps an open-addressing hash index of
// its variables beside the slice. The slice stays the one truth: wire
// order, iteration and the hot-key positions are unchanged; the index
// only answers "where is key" in constant time.
//
// The hot keys (see hotSlot) never enter the index: their kept positions
// already answer in constant time.

// indexMin is the number of variables that are not hot at which an
// environ builds its index. Below it, lookups scan the tags (see keyTag);
// the hot keys never need either, so a hello-world request's environ,
// of about ten such variables, is never indexed.
const indexMin = 16

// indexMinSlots is the size of a fresh index: a quarter full when built,
// so the next few dozen fields go in without growing it.
const indexMinSlots = 64

// indexSeed keys the hash. It is random per process, so a client cannot
// pick header names that collide in every server (hash flooding).
var indexSeed = maphash.MakeSeed()

// An indexSlot is one entry of the index: the hash of a variable's name
// and its position in vars plus one. A pos of 0 marks an empty slot. The
// hash is kept so that probing compares strings only on a full hash match,
// and so that growing the index never hashes a name again.
type indexSlot struct {
	hash uint32
	pos  int32
}

func hashKey(key string) uint32 { return uint32(maphash.String(indexSeed, key)) }

// hashOf is hashKey, remembering the last key hashed: the Has-then-Set
// of a reader joining repeated fields, or a Get before a Set, hashes the
// key once.
func (e *Environ) hashOf(key string) uint32 { return e.hashOfTag(key, keyTag(key)) }

// hashOfTag is hashOf for a key whose tag the caller computed.
func (e *Environ) hashOfTag(key string, tag uint32) uint32 {
	// The tags differ for most other keys, which then cost no string
	// comparison; the zero memo's tag is that of "", never hashed here.
	if tag == e.memo.tag && key == e.memo.key && key != "" {
		return e.memo.hash
	}
	h := hashKey(key)
	e.memo = hashMemo{key: key, tag: tag, hash: h}
	return h
}

// hashMemo is the last key hashOf hashed, its tag and its hash; and,
// when the last lookup of that key missed and nothing has changed the
// index since, where it would go plus one (0 otherwise), so that the Set
// after a Has that missed probes no more.
type hashMemo struct {
	key       string
	tag, hash uint32
	free      uint32
}

// probe looks key up in the index by linear probing from its home slot.
// It returns the variable's position, or -1 and the empty slot where key
// would go.
func (e *Environ) probe(key string, h uint32) (pos int, free uint32) {
	mask := uint32(len(e.idx) - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		switch slot := e.idx[s]; {
		case slot.pos == 0:
			return -1, s
		case slot.hash == h && e.vars[slot.pos-1].name == key:
			return int(slot.pos - 1), s
		}
	}
}

// find returns the position of a key that is not hot, or -1.
func (e *Environ) find(key string) int {
	tag := keyTag(key)
	if len(e.idx) == 0 {
		return e.scanTag(key, tag)
	}
	if !e.mayHold(tag) {
		// Absent for sure: a header field's bare key, an unset
		// variable; no hash. Not remembered, so a Set hashes.
		return -1
	}
	i, free := e.probe(key, e.hashOfTag(key, tag))
	e.memo.free = 0
	if i < 0 {
		e.memo.free = free + 1
	}
	return i
}

// absentSlot returns the slot where key, just hashed, would go when the
// lookup before found it absent and the index has not changed since.
func (e *Environ) absentSlot() (free uint32, ok bool) {
	return e.memo.free - 1, e.memo.free != 0
}

// appendIndexed appends a variable that is not hot and known to be absent,
// of tag keyTag(key). With an index, h is the key's hash and free the slot
// probe returned.
func (e *Environ) appendIndexed(key, value string, tag, h, free uint32) {
	e.vars = append(e.vars, variable{key, value, tag})
	w, bit := tagBit(tag)
	e.tags[w] |= bit
	e.memo.free = 0
	n := len(e.vars)
	switch {
	case len(e.idx) == 0:
		if n >= indexMin && n-e.hotCount() >= indexMin {
			e.buildIndex()
		}
	case 2*n > len(e.idx):
		// More than half full: grow, then place the new key afresh.
		e.growIndex()
		e.placeSlot(indexSlot{h, int32(n)})
	default:
		e.idx[free] = indexSlot{h, int32(n)}
	}
}

// hotCount returns the number of hot keys present.
func (e *Environ) hotCount() int {
	n := 0
	for _, p := range e.hot {
		if p != 0 {
			n++
		}
	}
	return n
}

// buildIndex indexes every variable that is not hot. It reuses the
// capacity an earlier request left (see Reset), so a pooled environ
// builds its index without allocating.
func (e *Environ) buildIndex() {
	// The size is a power of two (probing masks the hash) that holds
	// the variables at most half full, and takes all the capacity kept.
	size := indexMinSlots
	for 2*len(e.vars) > size || 2*size <= cap(e.idx) {
		size *= 2
	}
	if cap(e.idx) >= size {
		e.idx = e.idx[:size]
		clear(e.idx)
	} else {
		e.idx = make([]indexSlot, size)
	}
	for i, v := range e.vars {
		if hotSlot(v.name) < 0 {
			e.placeSlot(indexSlot{hashKey(v.name), int32(i + 1)})
		}
	}
}

// growIndex doubles the index, moving each slot by its kept hash.
func (e *Environ) growIndex() {
	old := e.idx
	e.idx = make([]indexSlot, 2*len(old))
	for _, s := range old {
		if s.pos != 0 {
			e.placeSlot(s)
		}
	}
}

// placeSlot puts s in the first empty slot from its home.
func (e *Environ) placeSlot(s indexSlot) {
	mask := uint32(len(e.idx) - 1)
	i := s.hash & mask
	for e.idx[i].pos != 0 {
		i = (i + 1) & mask
	}
	e.idx[i] = s
}

// unindex removes the variable at position i (whose key is not hot) from
// the index before vars drops it, and renumbers the variables after it.
// Linear probing allows no holes in a run, so the slots after the freed
// one move back when their home allows (Knuth's algorithm R).
func (e *Environ) unindex(key string, i int) {
	_, s := e.probe(key, e.hashOf(key))
	mask := uint32(len(e.idx) - 1)
	for j := (s + 1) & mask; e.idx[j].pos != 0; j = (j + 1) & mask {
		// The slot at j may fill the hole at s unless its home lies
		// cyclically in (s, j].
		if home := e.idx[j].hash & mask; (j-home)&mask >= (j-s)&mask {
			e.idx[s] = e.idx[j]
			s = j
		}
	}
	e.idx[s] = indexSlot{}
	e.memo.free = 0
	e.renumber(i)
}

// renumber moves the index's positions after a deletion at i down by one.
func (e *Environ) renumber(i int) {
	for j := range e.idx {
		if int(e.idx[j].pos) > i+1 {
			e.idx[j].pos--
		}
	}
}
