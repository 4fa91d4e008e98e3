package scgi

import (
	"bufio"
	"io"

	"github.com/gowsgi/wsgiref/internal/gateway"
)

// readNetstring reads one netstring from r into *buf (grown as needed,
// kept for the next request) and returns its data:
//
//	netstring = length ":" data ","
//	length    = "0" / %x31-39 *DIGIT   ; decimal, no leading zeros
//
// "13:CONTENT_LENGTH,"... gives the 13 bytes; "0:," gives empty data. A
// length above max is ErrHeaderTooLarge before any data is read. io.EOF
// means the connection closed before the first byte (no request at all);
// a connection closed later gives ErrTruncated.
func readNetstring(r *bufio.Reader, max int, buf *[]byte) ([]byte, error) {
	n, err := readLength(r, max)
	if err != nil {
		return nil, err
	}
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	data := (*buf)[:n]
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, gateway.Truncated(err)
	}
	c, err := r.ReadByte()
	if err != nil {
		return nil, gateway.Truncated(err)
	}
	if c != ',' {
		return nil, ErrMalformedNetstring
	}
	return data, nil
}

// readLength reads the length and its ':'.
func readLength(r *bufio.Reader, max int) (int, error) {
	n, digits := 0, 0
	for {
		c, err := r.ReadByte()
		if err != nil {
			if digits == 0 && err == io.EOF {
				return 0, io.EOF
			}
			return 0, gateway.Truncated(err)
		}
		switch {
		case c == ':' && digits > 0:
			return n, nil
		case c < '0' || c > '9', digits == 1 && n == 0:
			return 0, ErrMalformedNetstring
		}
		n = n*10 + int(c-'0')
		digits++
		if n > max {
			return 0, ErrHeaderTooLarge
		}
	}
}
