package fastcgi

import (
	"fmt"

	"github.com/gowsgi/wsgiref"
)

// A parameter block (the FCGI_PARAMS stream, and the body of
// FCGI_GET_VALUES and its result) is a sequence of name-value pairs
// (section 3.4):
//
//	pair   = length length nameData valueData  ; name's length, then value's
//	length = %x00-7F                           ; 0 to 127, one byte
//	       / %x80-FF 3OCTET                    ; 4 bytes, big-endian, high bit
//	                                           ; cleared: up to 2^31-1
//
// A pair may be split across FCGI_PARAMS records anywhere, so the server
// collects the stream before it decodes it.

// readLength decodes the length at the front of b and returns it with the
// rest of b.
//
// For example "\x0bSCRIPT_NAME..." gives 11 and "SCRIPT_NAME...", and
// "\x80\x00\x01\x00..." gives 256; a four-byte form cut short is not ok.
func readLength(b string) (n int, rest string, ok bool) {
	if len(b) == 0 {
		return 0, "", false
	}
	if b[0] < 0x80 {
		return int(b[0]), b[1:], true
	}
	if len(b) < 4 {
		return 0, "", false
	}
	return int(b[0]&0x7f)<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3]), b[4:], true
}

// nextPair decodes the pair at the front of block.
//
// For example "\x0e\x03REQUEST_METHODGET\x0c\x00QUERY_STRING" gives
// "REQUEST_METHOD", "GET" and the rest "\x0c\x00QUERY_STRING". Lengths
// that run past the block, or an empty name, are ErrBadParams.
func nextPair(block string) (name, value, rest string, err error) {
	nlen, rest, ok := readLength(block)
	if !ok {
		return "", "", "", fmt.Errorf("%w: name length cut short", ErrBadParams)
	}
	vlen, rest, ok := readLength(rest)
	if !ok {
		return "", "", "", fmt.Errorf("%w: value length cut short", ErrBadParams)
	}
	if nlen == 0 {
		return "", "", "", fmt.Errorf("%w: empty name", ErrBadParams)
	}
	if nlen > len(rest) || vlen > len(rest)-nlen {
		return "", "", "", fmt.Errorf("%w: name of %d and value of %d bytes in %d bytes left", ErrBadParams, nlen, vlen, len(rest))
	}
	return rest[:nlen], rest[nlen : nlen+vlen], rest[nlen+vlen:], nil
}

// parseParams sets every pair of block in env, in the front end's order. A
// name sent twice keeps its first place and its last value, as a later
// fastcgi_param overrides an included one. The strings slice block, so the
// whole environ costs the one allocation of block.
func parseParams(block string, env *wsgiref.Environ) error {
	for len(block) > 0 {
		name, value, rest, err := nextPair(block)
		if err != nil {
			return err
		}
		env.Set(name, value)
		block = rest
	}
	return nil
}

// appendLength appends n in the one- or four-byte form.
func appendLength(dst []byte, n int) []byte {
	if n < 0x80 {
		return append(dst, byte(n))
	}
	return append(dst, byte(n>>24)|0x80, byte(n>>16), byte(n>>8), byte(n))
}

// appendPair appends the pair name, value.
//
// For example appendPair(nil, "FCGI_MPXS_CONNS", "0") is
// "\x0f\x01FCGI_MPXS_CONNS0".
func appendPair(dst []byte, name, value string) []byte {
	dst = appendLength(dst, len(name))
	dst = appendLength(dst, len(value))
	return append(append(dst, name...), value...)
}
