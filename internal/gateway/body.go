package gateway

import (
	"bufio"
	"io"
)

// body is wsgi.input: the CONTENT_LENGTH bytes that follow the variables.
// It reads straight from the connection's buffer, so the body streams to
// the application and is never held whole. A connection that ends early
// gives ErrTruncated, which the application sees and the server logs.
type body struct {
	r    *bufio.Reader
	left int64
	err  error
}

func (b *body) reset(r *bufio.Reader, n int64) { *b = body{r: r, left: n} }

// Read reads up to len(p) bytes of the body; io.EOF at its end.
func (b *body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if err != nil {
		b.err = Truncated(err)
		if b.left == 0 {
			b.err = nil
		}
		return n, b.err
	}
	return n, nil
}
