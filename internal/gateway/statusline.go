package gateway

import (
	"bufio"
	"io"
)

// statusPrefix is how the handler's CGI-form response begins, and
// statusLine what replaces it for a protocol that answers like an HTTP
// server: "Status: 200 OK\r\n" becomes "HTTP/1.1 200 OK\r\n".
const (
	statusPrefix = "Status: "
	statusLine   = "HTTP/1.1 "
)

// lineWriter is the response writer of such a protocol: it replaces the
// first bytes the handler writes, "Status: ", by "HTTP/1.1 " and passes
// everything else on. It keeps the Flush and ReadFrom of the
// *bufio.Writer below, which the handler uses.
type lineWriter struct {
	w *bufio.Writer
	// matched counts the bytes of statusPrefix seen so far; -1 once the
	// prefix is done with (replaced, or absent and passed on as it was).
	matched int
}

func (l *lineWriter) reset(w *bufio.Writer) { *l = lineWriter{w: w} }

// Write writes p, the prefix replaced.
func (l *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for l.matched >= 0 && len(p) > 0 {
		if p[0] != statusPrefix[l.matched] {
			// Not the CGI form after all: pass on what was held.
			l.w.WriteString(statusPrefix[:l.matched])
			l.matched = -1
			break
		}
		p = p[1:]
		if l.matched++; l.matched == len(statusPrefix) {
			l.w.WriteString(statusLine)
			l.matched = -1
		}
	}
	_, err := l.w.Write(p)
	return n, err
}

// Flush flushes the buffer to the connection.
func (l *lineWriter) Flush() error { return l.w.Flush() }

// ReadFrom copies a body (a file, through sendfile) once the headers are
// written.
func (l *lineWriter) ReadFrom(r io.Reader) (int64, error) {
	if l.matched >= 0 {
		return io.Copy(struct{ io.Writer }{l}, r)
	}
	return l.w.ReadFrom(r)
}
