package fastcgi

// outChunk is the most content an output record carries: large enough that
// a big body takes few records and system calls, small enough to pool.
const outChunk = 16 << 10

// outStream is one output stream of the request, FCGI_STDOUT or
// FCGI_STDERR: bytes collect behind a reserved header slot, and Flush sends
// them as one record in one write. The handler flushes stdout where PEP
// 3333 requires the bytes to reach the client; stderr is flushed on every
// Write, so that log lines arrive when written.
type outStream struct {
	c     *conn
	typ   recType
	id    uint16
	buf   []byte // buf[:headerLen] is the header slot, then the content
	wrote bool   // content was sent: the stream needs its empty end record
}

func (s *outStream) init(c *conn, t recType) {
	s.c, s.typ = c, t
	s.buf = make([]byte, headerLen, headerLen+outChunk)
}

// begin readies s for request id.
func (s *outStream) begin(id uint16) {
	s.id, s.wrote = id, false
	s.buf = s.buf[:headerLen]
}

// Write adds p to the stream, sending full records as it goes. After the
// front end aborted the request it returns [ErrAborted] and sends nothing.
func (s *outStream) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if s.c.aborted.Load() {
			s.buf = s.buf[:headerLen]
			return n, ErrAborted
		}
		if len(s.buf) == cap(s.buf) {
			if err := s.Flush(); err != nil {
				return n, err
			}
		}
		k := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf = s.buf[:len(s.buf)+k]
		n += k
		p = p[k:]
	}
	if s.typ == typeStderr {
		return n, s.Flush()
	}
	return n, nil
}

// Flush sends what the stream holds as one record; with nothing held it
// sends nothing (an empty record would end the stream).
func (s *outStream) Flush() error {
	if len(s.buf) == headerLen {
		return nil
	}
	if s.c.aborted.Load() {
		s.buf = s.buf[:headerLen]
		return ErrAborted
	}
	appendHeader(s.buf[:0], s.typ, s.id, len(s.buf)-headerLen)
	err := s.c.write(s.buf)
	s.buf = s.buf[:headerLen]
	s.wrote = true
	return err
}
