package http1

import "strings"

// Heads are copied into blocks of arenaSize bytes, one block serving many
// requests, so that a connection's requests cost an allocation per block,
// not one per head: a 64-byte head costs 1/64 of one. A head longer than
// maxArenaCopy gets a string of its own, so that a few large heads do not
// leave most of each block unused.
const (
	arenaSize    = 4096
	maxArenaCopy = arenaSize / 4
)

// arena copies request heads into strings carved from a shared block.
//
// The block is a strings.Builder's: a copy appends to it, and the string
// handed out is a slice of what the Builder has written so far. The
// Builder only ever appends, and a copy that does not fit the rest of the
// block starts a new Builder rather than growing this one, so the bytes
// under a string handed out are never written again: no string aliases a
// reused buffer. A block lives as long as any string carved from it, so
// an application that keeps one value of a request keeps at most
// arenaSize bytes alive.
type arena struct {
	b strings.Builder
}

// copy returns p as a string: "GET / HTTP/1.1\r\n..." in, the same bytes
// out, carved from the current block.
func (a *arena) copy(p []byte) string {
	n := len(p)
	if n > maxArenaCopy {
		return string(p)
	}
	if a.b.Cap()-a.b.Len() < n {
		a.b = strings.Builder{}
		a.b.Grow(arenaSize)
	}
	start := a.b.Len()
	a.b.Write(p)
	return a.b.String()[start:]
}
