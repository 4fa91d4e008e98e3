package handlers

import (
	"slices"
	"strconv"

	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// This file serialises a response head. Most applications answer every
// request with the same status and fields, so the handler keeps the bytes
// of the last head, Date line included, and a head with the same inputs
// in the same second is those bytes again instead of a dozen appends.
//
// An origin server's head, each line ending in CRLF:
//
//	status-line  = "HTTP/" version SP status        ; "HTTP/1.1 200 OK"
//	[ Date line ]                                   ; unless the app set Date
//	[ "Server: " ServerSoftware ]                   ; unless the app set Server
//	*( name ": " value )                            ; the application's fields
//	[ "Content-Length: " 1*DIGIT ]                  ; set_content_length
//	[ "Transfer-Encoding: chunked" ]
//	[ "Connection: close" / "Connection: keep-alive" ]
//	CRLF
//
// A CGI-like gateway's starts with "Status: " status instead and has none
// of the origin server's lines.

// headKey is everything a head's bytes depend on besides the Date line.
// Its strings are usually the same strings request after request (a
// status literal, the handler's configuration), which compare by pointer.
type headKey struct {
	status   string
	version  string // HTTPVersion of an origin server, "" for a gateway
	software string // the Server line's value, "" for none
	fieldGen uint64 // which checked field list (checkCache.gen)
	length   int64  // the Content-Length added, -1 for none
	flags    uint8  // headOrigin, headDate, ...: one compare for all
}

// The flags of a headKey.
const (
	headOrigin    = 1 << iota // an origin server's status line, not "Status:"
	headDate                  // a Date line goes in
	headChunked               // Transfer-Encoding: chunked
	headClose                 // Connection: close
	headKeepAlive             // Connection: keep-alive
)

// equal is k == *o, its strings compared by sameString.
func (k *headKey) equal(o *headKey) bool {
	return k.fieldGen == o.fieldGen && k.length == o.length && k.flags == o.flags &&
		sameString(k.status, o.status) && sameString(k.version, o.version) && sameString(k.software, o.software)
}

// headCache is the last head serialised, with the Date line of one
// second in it.
type headCache struct {
	key     headKey
	valid   bool
	bytes   []byte // the head
	dateAt  int    // where the Date line starts in bytes
	dateLen int    // its length, 0 without one
	dateSec int64  // the held second of that line, -1 when it is not one
	line    [48]byte
}

// head returns the head of key, with the fields hdrs: the cache's own
// bytes, which the caller only reads and which stay valid until the next
// call. A key equal to the last one's costs nothing more while the held
// Date line (internal/httpdate) is the one in the cache, and a copy of
// the new line into its place once a second.
//
// For the key {status "200 OK", version "1.1", software "WSGIServer/0.2",
// date, length -1} and fields [Content-Length: 13] the head is
//
//	"HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 14:29:24 GMT\r\nServer: WSGIServer/0.2\r\nContent-Length: 13\r\n\r\n"
func (c *headCache) head(key *headKey, hdrs headers.Headers) []byte {
	if !c.valid || !c.key.equal(key) {
		c.bytes, c.dateAt = serialiseHead(c.bytes[:0], key, hdrs)
		c.dateLen, c.dateSec = 0, -1
		c.key, c.valid = *key, true
	}
	if key.flags&headDate == 0 {
		return c.bytes
	}
	sec, line, held := httpdate.HeldLine()
	if held && sec == c.dateSec {
		return c.bytes
	}
	if !held {
		line, sec = httpdate.AppendLine(c.line[:0]), -1 // the clock's: never reused
	}
	if len(line) == c.dateLen {
		copy(c.bytes[c.dateAt:], line)
	} else {
		c.bytes = slices.Replace(c.bytes, c.dateAt, c.dateAt+c.dateLen, line...)
		c.dateLen = len(line)
	}
	c.dateSec = sec
	return c.bytes
}

// joined returns the head that head last returned followed by data, a
// block of at most maxJoinedBlock bytes, for one write: data is copied
// into the room past the head (made once), so the head's bytes stay as
// they are and are not copied.
func (c *headCache) joined(data []byte) []byte {
	if cap(c.bytes)-len(c.bytes) < len(data) {
		c.bytes = slices.Grow(c.bytes, maxJoinedBlock)
	}
	return append(c.bytes, data...)
}

// serialiseHead appends the head of key and hdrs to b without its Date
// line, and returns where the Date line goes.
func serialiseHead(b []byte, key *headKey, hdrs headers.Headers) ([]byte, int) {
	if key.flags&headOrigin != 0 {
		b = append(b, "HTTP/"...)
		b = append(b, key.version...)
		b = append(b, ' ')
	} else {
		b = append(b, "Status: "...)
	}
	b = append(b, key.status...)
	b = append(b, '\r', '\n')
	dateAt := len(b)
	if key.software != "" {
		b = append(b, "Server: "...)
		b = append(b, key.software...)
		b = append(b, '\r', '\n')
	}
	for i := range hdrs {
		b = append(b, hdrs[i].Name...)
		b = append(b, ':', ' ')
		b = append(b, hdrs[i].Value...)
		b = append(b, '\r', '\n')
	}
	if key.length >= 0 {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, key.length, 10)
		b = append(b, '\r', '\n')
	}
	if key.flags&headChunked != 0 {
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	}
	if key.flags&headClose != 0 {
		b = append(b, "Connection: close\r\n"...)
	} else if key.flags&headKeepAlive != 0 {
		b = append(b, "Connection: keep-alive\r\n"...)
	}
	return append(b, '\r', '\n'), dateAt
}
