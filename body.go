package wsgiref

import (
	"io"
	"iter"
	"slices"
)

// Body is a response body: the iterable of PEP 3333. Next returns the next
// block; io.EOF (with no data) ends the body. Empty blocks are allowed and
// sent as nothing.
//
// A Body may also be an [io.Closer]: the handler calls Close once, whether
// the response succeeded or not, as PEP 3333 requires of close(). It may be
// a [BlockCounter], so the handler can set Content-Length for a body of a
// single block, as wsgiref's set_content_length does with len(result).
type Body interface {
	Next() ([]byte, error)
}

// BlockCounter is a body that knows how many blocks it holds in all, the
// len() of a Python list body. A negative count means unknown, as for a
// Python iterable without len().
type BlockCounter interface {
	Blocks() int
}

// SliceBody is a body made of byte slices known in advance. It is a
// [BlockCounter], so a one-block SliceBody gets a Content-Length.
type SliceBody struct {
	blocks [][]byte
	next   int
}

// Blocks returns a body yielding each block in turn.
func Blocks(blocks ...[]byte) *SliceBody { return &SliceBody{blocks: blocks} }

// Strings returns a body yielding each string as a block.
func Strings(blocks ...string) *SliceBody {
	b := make([][]byte, len(blocks))
	for i, s := range blocks {
		b[i] = []byte(s)
	}
	return &SliceBody{blocks: b}
}

// Next returns the next block, or io.EOF after the last.
func (b *SliceBody) Next() ([]byte, error) {
	if b.next >= len(b.blocks) {
		return nil, io.EOF
	}
	b.next++
	return b.blocks[b.next-1], nil
}

// Blocks returns the number of blocks in all, sent or not.
func (b *SliceBody) Blocks() int { return len(b.blocks) }

// Reset rewinds the body to hold blocks, reusing it across requests.
func (b *SliceBody) Reset(blocks ...[]byte) { b.blocks, b.next = blocks, 0 }

// SeqBody adapts an iterator to a [Body]. The iterator yields blocks and an
// error; a non-nil error ends the body with that error.
type SeqBody struct {
	next func() ([]byte, error, bool)
	stop func()
	err  error // the error that ended the body
}

// FromSeq returns a body that pulls its blocks from seq. Close stops the
// iterator early.
func FromSeq(seq iter.Seq2[[]byte, error]) *SeqBody {
	next, stop := iter.Pull2(seq)
	return &SeqBody{next: next, stop: stop}
}

// Next returns the next block from the iterator. Once the iterator has
// yielded an error, or finished, Next returns that error, or io.EOF, again
// without resuming it.
func (b *SeqBody) Next() ([]byte, error) {
	if b.err != nil {
		return nil, b.err
	}
	data, err, ok := b.next()
	switch {
	case !ok:
		b.err = io.EOF
		return nil, io.EOF
	case err != nil:
		b.err = err
		b.stop()
	}
	return data, err
}

// Close stops the iterator.
func (b *SeqBody) Close() error {
	b.stop()
	return nil
}

// ClosingBody wraps a body with a close function, for an application that
// must release something when the server is done with its response (the
// Python idiom of a generator with a finally clause).
type ClosingBody struct {
	// Body is the wrapped body; nil is an empty body.
	Body
	// CloseFunc, when set, runs once the server is done with the
	// response, after the wrapped body's own Close; its error is
	// Close's unless the body's Close failed first.
	CloseFunc func() error
}

// Next returns the wrapped body's next block; a nil Body is empty.
func (b *ClosingBody) Next() ([]byte, error) {
	if b.Body == nil {
		return nil, io.EOF
	}
	return b.Body.Next()
}

// Close calls the wrapped body's Close, if it has one, then CloseFunc, and
// returns the first error.
func (b *ClosingBody) Close() error {
	var err error
	if c, ok := b.Body.(io.Closer); ok {
		err = c.Close()
	}
	if b.CloseFunc != nil {
		if err2 := b.CloseFunc(); err == nil {
			err = err2
		}
	}
	return err
}

// Blocks reports the wrapped body's block count, or -1 when it has none.
func (b *ClosingBody) Blocks() int {
	if c, ok := b.Body.(BlockCounter); ok {
		return c.Blocks()
	}
	return -1
}

// lentBlocks is how many blocks an environ's own body holds without
// allocating: a page, or a head and a tail around it.
const lentBlocks = 2

// lentBody is the body an environ lends its application for one request,
// with room for its block list.
type lentBody struct {
	SliceBody
	blocks [lentBlocks][]byte
	lent   bool // Blocks handed it out since the last Reset
}

// Blocks returns a body yielding each block in turn, as [Blocks] does, but
// one that the environ owns: the first call of a request returns the
// environ's own [SliceBody], filled with the blocks, so an application
// answers without allocating. The list of blocks is copied (up to two
// without allocating) and the bytes are not: they must stay unchanged
// until the response is sent, which a package-level page does.
//
// The environ belongs to one request, and so does the body: it is valid
// until the environ is reset for the next request, which a server does
// only after it has sent the body and called Close. It is an ordinary
// Body for everything that consumes it (a one-block body gets a
// Content-Length, it is iterated once). A second call in the same request,
// a middleware's say, returns a new SliceBody, so the first stays as it was.
//
//	var page = []byte("Hello world!\n")
//	return env.Blocks(page), nil // no allocation
func (e *Environ) Blocks(blocks ...[]byte) *SliceBody {
	lb := &e.body
	if lb.lent || len(blocks) > lentBlocks {
		return Blocks(slices.Clone(blocks)...)
	}
	lb.lent = true
	for i, b := range blocks { // not copy: typedslicecopy costs a call
		lb.blocks[i] = b
	}
	n := len(blocks)
	lb.SliceBody.Reset(lb.blocks[:n:n]...)
	return &lb.SliceBody
}
