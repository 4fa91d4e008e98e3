package wsgiref

// An environ of a few dozen variables is fastest scanned: comparing a
// dozen hashes costs less than a probe's bookkeeping. A request with many
// header fields makes a scan the whole cost (each Has-then-Set of a reader
// that joins repeated fields scans every variable before it), so past
// indexMin variables the environ keeps an open-addressing hash index of
// its variables beside the slice. The slice stays the one truth: wire
// order, iteration and the hot-key positions are unchanged; the index
// only answers "where is key" in constant time.
//
// The hot keys (see hotSlot) never enter the index: their kept positions
// already answer in constant time. The index takes each variable's kept
// hash (see keyHash), so building or growing it hashes no key again, and
// a lookup hashes its key once for the filter and the probe.

// indexMin is the number of variables that are not hot at which an
// environ builds its index. Below it, lookups scan the hashes;
// the hot keys never need either, so a hello-world request's environ,
// of about ten such variables, is never indexed.
const indexMin = 16

// indexMinSlots is the size of a fresh index: a quarter full when built,
// so the next few dozen fields go in without growing it.
const indexMinSlots = 64

// An indexSlot is one entry of the index: the hash of a variable's name
// (keyHash) and its position in vars plus one. A pos of 0 marks an empty
// slot. The hash is kept so that probing compares strings only on a full
// hash match, and so that growing the index reads no name.
type indexSlot struct {
	hash uint32
	pos  int32
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

// appendIndexed appends a variable that is not hot and known to be absent,
// of hash h. With an index, free is the slot the probe returned.
func (e *Environ) appendIndexed(key, value string, h, free uint32) {
	// The fields are stored in place (an append of a variable literal
	// builds it on the stack and copies it with a typed move), and the
	// list grows in a call after which nothing of the variable is live,
	// so that the common case spills no argument.
	n := len(e.vars)
	if n < cap(e.vars) {
		e.vars = e.vars[:n+1]
		v := &e.vars[n]
		v.name = key
		v.value = value
		v.hash = h
	} else {
		e.growAppend(key, value, h)
	}
	n++
	w, bit := tagBit(h)
	e.tags[w] |= bit
	switch {
	case len(e.idx) == 0:
		if n-int(e.nhot) >= indexMin {
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

// growAppend is the append of appendIndexed when vars is full.
//
//go:noinline
func (e *Environ) growAppend(key, value string, h uint32) {
	e.vars = append(e.vars, variable{name: key, value: value, hash: h})
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
			e.placeSlot(indexSlot{v.hash, int32(i + 1)})
		}
	}
}

// growIndex doubles the index, moving each slot by its kept hash.
//
//go:noinline
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
	_, s := e.probe(key, keyHash(key))
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
