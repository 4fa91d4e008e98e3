package fastcgi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// A record (FastCGI 1.0, section 3.3) is an 8-byte header, its content and
// its padding:
//
//	record  = version type requestId contentLength paddingLength reserved
//	          contentData paddingData
//	version = %x01                      ; FCGI_VERSION_1
//	type    = OCTET                     ; recType values below
//	requestId, contentLength = 2OCTET   ; big-endian
//	paddingLength, reserved = OCTET
//
// Management records (GET_VALUES, UNKNOWN_TYPE) have requestId 0.

// recType is a record's type byte.
type recType uint8

// Record types, section 8.
const (
	typeBeginRequest    recType = 1
	typeAbortRequest    recType = 2
	typeEndRequest      recType = 3
	typeParams          recType = 4
	typeStdin           recType = 5
	typeStdout          recType = 6
	typeStderr          recType = 7
	typeData            recType = 8
	typeGetValues       recType = 9
	typeGetValuesResult recType = 10
	typeUnknownType     recType = 11
	maxType                     = typeUnknownType
)

// Roles (BEGIN_REQUEST), flags and END_REQUEST protocol statuses.
const (
	roleResponder = 1

	flagKeepConn = 1

	statusRequestComplete = 0
	statusCantMpxConn     = 1
	statusUnknownRole     = 3
)

const (
	headerLen  = 8
	version1   = 1
	maxContent = 65535
)

// header is a parsed record header.
type header struct {
	typ     recType
	id      uint16
	length  int // contentLength
	padding int // paddingLength
}

// parseHeader decodes an 8-byte record header.
//
// For example the header of nginx's first record of a request,
//
//	01 01 00 01 00 08 00 00
//
// is {typ: typeBeginRequest, id: 1, length: 8, padding: 0}; a first byte
// other than 01 is ErrVersion.
func parseHeader(b *[headerLen]byte) (header, error) {
	if b[0] != version1 {
		return header{}, fmt.Errorf("%w (got %d)", ErrVersion, b[0])
	}
	return header{
		typ:     recType(b[1]),
		id:      uint16(b[2])<<8 | uint16(b[3]),
		length:  int(b[4])<<8 | int(b[5]),
		padding: int(b[6]),
	}, nil
}

// readHeader reads and decodes the next record header from br. A
// connection that ends cleanly between records gives io.EOF; one that ends
// inside the header gives ErrTruncated.
func readHeader(br *bufio.Reader, b *[headerLen]byte) (header, error) {
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return header{}, truncated(err)
	}
	return parseHeader(b)
}

// truncated turns io.ErrUnexpectedEOF, an end inside a record, into
// ErrTruncated; io.EOF and other errors pass.
func truncated(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// discard skips n bytes of content or padding; an end of input within them
// is ErrTruncated.
func discard(br *bufio.Reader, n int) error {
	if n == 0 {
		return nil
	}
	if _, err := br.Discard(n); err != nil {
		if err == io.EOF {
			return ErrTruncated
		}
		return err
	}
	return nil
}

// appendHeader appends a record header for content of length n.
//
// For example appendHeader(nil, typeStdout, 1, 2) is
// 01 06 00 01 00 02 00 00.
func appendHeader(dst []byte, t recType, id uint16, n int) []byte {
	return append(dst, version1, byte(t), byte(id>>8), byte(id), byte(n>>8), byte(n), 0, 0)
}

// appendEndRequest appends an FCGI_END_REQUEST record: appStatus is the
// application's exit status (0), protocolStatus one of the status*
// constants.
func appendEndRequest(dst []byte, id uint16, appStatus uint32, protocolStatus byte) []byte {
	dst = appendHeader(dst, typeEndRequest, id, 8)
	return append(dst, byte(appStatus>>24), byte(appStatus>>16), byte(appStatus>>8), byte(appStatus),
		protocolStatus, 0, 0, 0)
}

// beginRequest is the body of FCGI_BEGIN_REQUEST:
//
//	role = 2OCTET ; big-endian, 1 is FCGI_RESPONDER
//	flags = OCTET ; bit 0 is FCGI_KEEP_CONN
//	reserved = 5OCTET
type beginRequest struct {
	role     uint16
	keepConn bool
}

// parseBeginRequest decodes the 8-byte body of FCGI_BEGIN_REQUEST.
//
// For example 00 01 01 00 00 00 00 00 is {role: 1, keepConn: true}.
func parseBeginRequest(b []byte) (beginRequest, error) {
	if len(b) != 8 {
		return beginRequest{}, fmt.Errorf("%w: BEGIN_REQUEST body of %d bytes, want 8", ErrBadRecord, len(b))
	}
	return beginRequest{role: uint16(b[0])<<8 | uint16(b[1]), keepConn: b[2]&flagKeepConn != 0}, nil
}
