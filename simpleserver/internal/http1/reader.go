package http1

import (
	"errors"
	"io"
)

// minBuffer is the size of a new Reader's buffer; it grows, up to what the
// limits allow, only for a head that does not fit.
const minBuffer = 4096

// maxKeptBuffer is the largest buffer Reset keeps for the next connection:
// one hostile request with a huge head does not pin its buffer.
const maxKeptBuffer = 64 << 10

// errBufferFull is a head that outgrew the buffer the limits allow; the
// limits trip first, so it means a bug.
var errBufferFull = errors.New("http1: head does not fit the buffer")

// Reader is the read side of a connection: a buffer that request heads are
// parsed in place in, and that bodies are read through. It is not safe for
// concurrent use.
type Reader struct {
	rd   io.Reader
	buf  []byte
	r, w int   // buf[r:w] is buffered, unread
	err  error // the error of the last read from rd, returned once buf is drained

	// BeforeBlock, when set, is called before every read from the
	// connection: it is where a server flushes the responses it held back
	// while more requests were buffered, so that no response waits while
	// the server itself waits for the client.
	BeforeBlock func()

	keys keyCache
	// spans and longest are the field lines of the head being read and
	// the length of the longest.
	spans   []span
	longest int
	// line and fields are what the last head parsed said (see memo.go);
	// arena is where new heads are copied (see arena.go).
	line   lineMemo
	fields fieldsMemo
	arena  arena
}

// NewReader returns a Reader reading from rd.
func NewReader(rd io.Reader) *Reader {
	b := &Reader{}
	b.Reset(rd)
	return b
}

// Reset makes the Reader read from rd, dropping what it buffered. The key
// cache and the last head's memo are kept: the same clients send the same
// names.
func (b *Reader) Reset(rd io.Reader) {
	b.rd, b.r, b.w, b.err = rd, 0, 0, nil
	if cap(b.buf) > maxKeptBuffer {
		b.buf = nil
	}
	if b.buf == nil {
		b.buf = make([]byte, minBuffer)
	}
}

// Buffered returns the number of bytes read from the connection and not
// consumed yet: a pipelined request, or the rest of a body.
func (b *Reader) Buffered() int { return b.w - b.r }

// Pending returns the buffered bytes; they stay valid until the next read.
func (b *Reader) Pending() []byte { return b.buf[b.r:b.w] }

// fill reads once from the connection into the buffer, after moving the
// unread bytes to its start and, when they fill it, growing it up to max
// bytes. It returns the read's error only when the read brought nothing.
func (b *Reader) fill(max int) error {
	if b.err != nil {
		err := b.err
		if err != io.EOF {
			b.err = nil
		}
		return err
	}
	if b.r > 0 {
		b.w = copy(b.buf, b.buf[b.r:b.w])
		b.r = 0
	}
	if b.w == len(b.buf) {
		if len(b.buf) >= max {
			return errBufferFull
		}
		nb := make([]byte, min(max, 2*len(b.buf)))
		copy(nb, b.buf[:b.w])
		b.buf = nb
	}
	if b.BeforeBlock != nil {
		b.BeforeBlock()
	}
	for range 100 {
		n, err := b.rd.Read(b.buf[b.w:])
		if n < 0 || n > len(b.buf)-b.w {
			return io.ErrNoProgress
		}
		b.w += n
		if n > 0 {
			b.err = err
			return nil
		}
		if err != nil {
			if err == io.EOF {
				b.err = err
			}
			return err
		}
	}
	return io.ErrNoProgress
}

// Read reads buffered bytes, or from the connection when none are
// buffered: a large read goes to p directly.
func (b *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if b.r == b.w {
		if len(p) >= len(b.buf) && b.err == nil {
			if b.BeforeBlock != nil {
				b.BeforeBlock()
			}
			return b.rd.Read(p)
		}
		if err := b.fill(len(b.buf)); err != nil {
			return 0, err
		}
	}
	n := copy(p, b.buf[b.r:b.w])
	b.r += n
	return n, nil
}

// Wait blocks until at least one byte is buffered: the start of the next
// request on a kept-alive connection. It returns the read's error.
func (b *Reader) Wait() error {
	for b.r == b.w {
		if err := b.fill(len(b.buf)); err != nil {
			return err
		}
	}
	return nil
}
