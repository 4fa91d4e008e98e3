package http1

import "io"

// Body reads a request body through the Reader: the Content-Length bytes,
// or the chunked coding decoded. Its zero value is an empty body.
type Body struct {
	r       *Reader
	left    int64 // bytes left of the body, or of the current chunk
	chunked bool
	started bool // a chunk size line was read
	done    bool // the body ended (EOF)
	err     error
	lim     Limits
}

// Reset makes b read the body of h from r.
func (b *Body) Reset(r *Reader, h *Head, lim Limits) {
	*b = Body{r: r, lim: lim.orDefault()}
	switch {
	case h == nil:
		b.done = true
	case h.Chunked:
		b.chunked = true
	case h.ContentLength > 0:
		b.left = h.ContentLength
	default:
		b.done = true
	}
}

// Empty reports whether the body is known to have no bytes.
func (b *Body) Empty() bool { return b.r == nil || !b.chunked && b.done }

// Done reports whether the body was read to its end.
func (b *Body) Done() bool { return b.done }

// Read reads the body. It returns io.EOF at its end, io.ErrUnexpectedEOF
// when the connection closes before it, and an *Error for a malformed
// chunked coding; an error sticks.
func (b *Body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.chunked && b.left == 0 {
		if err := b.nextChunk(); err != nil {
			return 0, b.fail(err)
		}
		if b.done {
			return 0, io.EOF
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left == 0 && !b.chunked {
		b.done = true
	}
	if err != nil && (n == 0 || err != io.EOF) {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, b.fail(err)
	}
	return n, nil
}

func (b *Body) fail(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	b.err = err
	return err
}
