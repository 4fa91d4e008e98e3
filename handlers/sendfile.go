package handlers

import (
	"io"
	"sync"
	"unsafe"

	"github.com/gowsgi/wsgiref"
)

// SendfileWriterTo is the Sendfile hook of the constructors and of
// [HTTPHandler]: a body that is an [io.WriterTo] (a *fileswrap.FileWrapper
// over a file) writes itself into the response through
// [Handler.BodyWriter], whose ReadFrom hands a file to the connection's
// ReadFrom, that is sendfile(2) on a TCP socket. Other bodies are left to
// ordinary iteration.
//
// Beyond CPython, whose default sendfile does nothing: a
// *fileswrap.FileWrapper over a regular file gets a Content-Length of the
// bytes left in the file when the application set none, so the response is
// framed (the connection may be kept) and needs no chunking. The body bytes
// are the same either way.
func SendfileWriterTo(h *Handler, body wsgiref.Body) (sent bool, err error) {
	wt, ok := body.(io.WriterTo)
	if !ok {
		return false, nil
	}
	if !h.headersSent {
		h.fileLength = remainingFileLength(body)
	}
	if err := h.SendHeaders(); err != nil {
		return true, err
	}
	_, err = wt.WriteTo(h.BodyWriter())
	return true, err
}

// sendfileWriterTo is SendfileWriterTo as a func value, for
// isSendfileWriterTo.
var sendfileWriterTo = SendfileWriterTo

// isSendfileWriterTo reports whether hook is SendfileWriterTo, whose
// answer for a body that is not an io.WriterTo is known without calling
// it. A func value is one pointer, to its code and captured variables;
// every value of a top-level function points at the same read-only word
// (closures and method values point at objects of their own), so equal
// pointers mean this function and no other. A toolchain that gave the
// function two such words would only cost the call.
func isSendfileWriterTo(hook func(*Handler, wsgiref.Body) (bool, error)) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&hook)) == *(*unsafe.Pointer)(unsafe.Pointer(&sendfileWriterTo))
}

// BodyWriter returns the response body as an io.Writer, for a Sendfile
// hook: headers are sent before the first byte, chunked framing applied,
// bytes counted. It also implements io.ReaderFrom, which passes the reader
// to Stdout's ReadFrom (zero copy) unless the body must be chunked.
func (h *Handler) BodyWriter() io.Writer { return (*bodyWriter)(h) }

type bodyWriter Handler

func (w *bodyWriter) Write(p []byte) (int, error) {
	if err := (*Handler)(w).emit(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (w *bodyWriter) ReadFrom(r io.Reader) (int64, error) {
	h := (*Handler)(w)
	if err := h.SendHeaders(); err != nil {
		return 0, err
	}
	if h.noBody {
		return 0, nil
	}
	if rf, ok := h.Stdout.(io.ReaderFrom); ok && !h.chunked {
		// Buffered headers would hold back the zero-copy path of a
		// *bufio.Writer until its buffer fills: send them first.
		if h.sink == nil {
			if err := h.flush(); err != nil {
				return 0, err
			}
		}
		n, err := rf.ReadFrom(r)
		h.bytesSent += n
		if err != nil {
			// A read error and a write error look alike here; the
			// response is broken either way.
			h.outErr = err
		}
		return n, err
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	var total int64
	for {
		n, rerr := r.Read(*bp)
		if n > 0 {
			if err := h.writeBody((*bp)[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}
