// Package fileswrap is wsgiref.util.FileWrapper: it turns a reader, usually
// a file, into a response body of fixed-size blocks, and lets a server send
// a file to a socket without copying it through user space.
//
// A [FileWrapper] is a body in the sense of the root package's Body
// (Next returning blocks, then io.EOF) and an io.Closer. It is also an
// [io.WriterTo]: a server that sees one calls WriteTo with its connection,
// and when the reader is an *os.File and the connection a *net.TCPConn (or
// a writer that hands ReadFrom down to one, such as an empty *bufio.Writer
// or net/http's ResponseWriter), the kernel's sendfile(2) or splice(2)
// moves the bytes. This package imports nothing of the module, so the root
// package can build on it; a function of the root's FileWrapperFunc type is
// a one-line closure around [New].
package fileswrap

import (
	"errors"
	"io"
)

// DefaultBlockSize is the block size when New is given 0, Python's default.
const DefaultBlockSize = 8192

// FileWrapper yields the contents of a reader as blocks. Use [New].
type FileWrapper struct {
	r       io.Reader
	blksize int
	err     error // the error that ends the body, returned once the data before it is out
	closed  bool
}

// New returns a body that reads r in blocks of blksize bytes (8192 when
// blksize is 0 or negative), as wsgiref.util.FileWrapper(filelike, blksize).
func New(r io.Reader, blksize int) *FileWrapper {
	if blksize <= 0 {
		blksize = DefaultBlockSize
	}
	return &FileWrapper{r: r, blksize: blksize}
}

// Reader returns the wrapped reader, so that a server can recognise a file
// and send it its own way.
func (w *FileWrapper) Reader() io.Reader { return w.r }

// BlockSize returns the block size in use.
func (w *FileWrapper) BlockSize() int { return w.blksize }

// Next returns the next block: blksize bytes, fewer only for the last one.
// It reads until the block is full, as Python's read(blksize) on a buffered
// file does, so a slow pipe does not turn into many tiny blocks. At the end
// it returns io.EOF. A read error is returned after the data read before
// it, never instead of it. Each block is a new slice that the caller may
// keep.
func (w *FileWrapper) Next() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.r == nil {
		w.err = io.EOF
		return nil, io.EOF
	}
	buf := make([]byte, w.blksize)
	n, err := io.ReadFull(w.r, buf)
	switch {
	case err == nil:
		return buf, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = io.EOF
	}
	w.err = err
	if n > 0 {
		return buf[:n:n], nil
	}
	return nil, err
}

// WriteTo writes the rest of the reader to dst and returns the number of
// bytes written. It copies through [io.Copy], which lets an *os.File's
// WriteTo, or the destination's ReadFrom (*net.TCPConn, *net.UnixConn,
// an empty *bufio.Writer over one, net/http's ResponseWriter), move the
// bytes inside the kernel with sendfile(2) or splice(2). Blocks already
// taken with Next are not sent again.
func (w *FileWrapper) WriteTo(dst io.Writer) (int64, error) {
	if w.err != nil {
		if w.err == io.EOF {
			return 0, nil
		}
		return 0, w.err
	}
	if w.r == nil {
		return 0, nil
	}
	n, err := io.Copy(dst, w.r)
	if err == nil {
		w.err = io.EOF
	} else {
		w.err = err
	}
	return n, err
}

// Close closes the reader if it is an [io.Closer], once; later calls
// return nil. PEP 3333 makes the server call it whatever happened.
func (w *FileWrapper) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if c, ok := w.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
