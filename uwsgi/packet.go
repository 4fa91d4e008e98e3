package uwsgi

import (
	"bufio"
	"fmt"
	"io"

	"github.com/gowsgi/wsgiref/internal/gateway"
)

// headerLen is the size of a packet header.
const headerLen = 4

// readPacket reads one request packet from r into *buf (grown as needed,
// kept for the next request) and returns its variables block:
//
//	packet = modifier1 datasize modifier2 data
//	modifier1 = %x00 ; uint8, 0: a WSGI request
//	datasize  = 2OCTET ; uint16, little-endian: the length of data
//	modifier2 = %x00 ; uint8
//
// "\x00\x05\x00\x00" then five bytes gives those five bytes. A size above
// max is ErrHeaderTooLarge before any data is read. io.EOF means the
// connection closed before the first byte (no request at all); a
// connection closed later gives ErrTruncated.
func readPacket(r *bufio.Reader, max int, buf *[]byte) ([]byte, error) {
	h, err := r.Peek(headerLen)
	if err != nil {
		if len(h) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		return nil, gateway.Truncated(err)
	}
	if h[0] != 0 || h[3] != 0 {
		return nil, fmt.Errorf("%w %d and %d", ErrModifier, h[0], h[3])
	}
	n := int(h[1]) | int(h[2])<<8
	if n > max {
		return nil, ErrHeaderTooLarge
	}
	r.Discard(headerLen)
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	data := (*buf)[:n]
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, gateway.Truncated(err)
	}
	return data, nil
}
