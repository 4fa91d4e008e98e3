// Package cgikey turns request header names into CGI environ keys
// (User-Agent -> HTTP_USER_AGENT, Content-Type -> CONTENT_TYPE), as
// WSGIRequestHandler.get_environ does, from a generated table for the
// common names.
package cgikey

import "strings"

//go:generate go run ../../gen/tablegen -table cgikey -out cgikey_gen.go

// Key returns the environ key of a header name. Names in net/http's
// canonical form that the table knows cost nothing; any other name is
// upper-cased with dashes turned to underscores and prefixed with HTTP_, in
// one allocation.
//
// Bytes above 0x7F are ISO-8859-1 characters, as PEP 3333 has it, and are
// upper-cased as Python's str.upper does, except for the three whose capital
// is not a Latin-1 character (µ, ß, ÿ), which stay. net/http refuses such
// names on the wire anyway; CGI gateways may not.
func Key(name string) string {
	if k, ok := known[name]; ok {
		return k
	}
	return compute(name)
}

// compute builds the key of any name, the table's slow path.
func compute(name string) string {
	var b strings.Builder
	b.Grow(len("HTTP_") + len(name))
	b.WriteString("HTTP_")
	for i := 0; i < len(name); i++ {
		b.WriteByte(keyByte[name[i]])
	}
	k := b.String()
	if k == "HTTP_CONTENT_TYPE" || k == "HTTP_CONTENT_LENGTH" {
		return k[len("HTTP_"):]
	}
	return k
}

// maxKnownName bounds the names FoldKey looks up: no name in the table is
// longer, so a longer one is not known.
const maxKnownName = 64

// FoldKey returns the environ key of a header name as sent on the wire, in
// any case ("uSER-agent" gives "HTTP_USER_AGENT"), when the table knows
// the name, without allocating; ok is false for a name the table does not
// know, whose key [Key] or [ComputeBytes] computes.
func FoldKey(name []byte) (key string, ok bool) {
	if len(name) > maxKnownName {
		return "", false
	}
	var buf [maxKnownName]byte
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	key, ok = knownLower[string(buf[:len(name)])]
	return key, ok
}

// ComputeBytes builds the key of any name given as bytes, in one
// allocation: the slow path of FoldKey.
func ComputeBytes(name []byte) string {
	b := make([]byte, 0, len("HTTP_")+len(name))
	b = append(b, "HTTP_"...)
	for _, c := range name {
		b = append(b, keyByte[c])
	}
	k := string(b)
	if k == "HTTP_CONTENT_TYPE" || k == "HTTP_CONTENT_LENGTH" {
		return k[len("HTTP_"):]
	}
	return k
}
