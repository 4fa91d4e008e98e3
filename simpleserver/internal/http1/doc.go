// Package http1 is simpleserver's HTTP/1.1 request reader: one pass over the
// connection's buffer from the request line to the end of the head, strict
// where RFC 9112 is strict, driven by tables that gen/tablegen writes.
//
// A request head is parsed where it lies in the [Reader]'s buffer and then
// copied once into a string carved from a block shared with the
// connection's other heads; the method, the target, the field names and
// values of the [Head] are substrings of that copy, so a request costs at
// most one allocation for its head however many fields it has (a small
// head a fraction of one), and nothing the application keeps points into
// a reused buffer. A request line or field section that repeats the
// previous head's byte for byte gets that head's strings, neither parsed
// nor copied again.
//
// The files, one concern each:
//
//	reader.go   the connection's read buffer
//	head.go     request line and field lines
//	memo.go     what the last head parsed to, for a head that repeats it
//	arena.go    the blocks heads are copied into
//	fields.go   what the fields mean to framing (Content-Length, Transfer-Encoding, Host, ...)
//	target.go   request-target forms, PATH_INFO and QUERY_STRING
//	body.go     the body of a Content-Length request
//	chunked.go  the chunked transfer coding
//	keys.go     field name to CGI environ key, with a bounded cache
//	errors.go   limits and the refusals, each with its status and reason
package http1
