package handlers

import (
	"strconv"

	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// This file serialises a response head. Most applications answer every
// request with the same status and fields, so the handler keeps the bytes
// of the last head but its Date line, and a head with the same inputs is
// two copies around the current Date line instead of a dozen appends.
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

// Connection lines a head may end with.
const (
	connNone = iota
	connClose
	connKeepAlive
)

// headKey is everything a head's bytes depend on besides the Date line.
// Its strings are usually the same strings request after request (a
// status literal, the handler's configuration), which compare by pointer.
type headKey struct {
	status   string
	version  string // HTTPVersion of an origin server, "" for a gateway
	software string // the Server line's value, "" for none
	fieldGen uint64 // which checked field list (checkCache.gen)
	length   int64  // the Content-Length added, -1 for none
	origin   bool
	date     bool // a Date line goes in
	chunked  bool
	conn     uint8 // connNone, connClose or connKeepAlive
}

// headCache is the last head serialised, without its Date line.
type headCache struct {
	key    headKey
	valid  bool
	bytes  []byte // the head, its Date line left out
	dateAt int    // where the Date line goes in bytes
}

// appendHead appends the head of key, with the fields hdrs, to b: from the
// cache when the key is the last one's, else serialised and remembered.
//
// For the key {status "200 OK", version "1.1", software "WSGIServer/0.2",
// date, length -1} and fields [Content-Length: 13] it appends
//
//	"HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 14:29:24 GMT\r\nServer: WSGIServer/0.2\r\nContent-Length: 13\r\n\r\n"
func (c *headCache) appendHead(b []byte, key *headKey, hdrs headers.Headers) []byte {
	if !c.valid || c.key != *key {
		c.bytes, c.dateAt = serialiseHead(c.bytes[:0], key, hdrs)
		c.key, c.valid = *key, true
	}
	b = append(b, c.bytes[:c.dateAt]...)
	if key.date {
		b = httpdate.AppendLine(b)
	}
	return append(b, c.bytes[c.dateAt:]...)
}

// serialiseHead appends the head of key and hdrs to b without its Date
// line, and returns where the Date line goes.
func serialiseHead(b []byte, key *headKey, hdrs headers.Headers) ([]byte, int) {
	if key.origin {
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
	if key.chunked {
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	}
	switch key.conn {
	case connClose:
		b = append(b, "Connection: close\r\n"...)
	case connKeepAlive:
		b = append(b, "Connection: keep-alive\r\n"...)
	}
	return append(b, '\r', '\n'), dateAt
}
