package http1

import "encoding/binary"

// Most field lines are whole in the buffer and valid: a token, a colon,
// optional whitespace, value bytes, CRLF. quickFields takes a run of such
// lines in one pass over their bytes, where readFields' general loop
// searches each line's LF first and then parses it in a second pass and
// two calls. A line it does not take (not whole yet, the empty line, one
// to refuse, one past a limit) it leaves to that loop, which then finds
// the same outcome as if quickFields had not run: what quickFields takes,
// the loop would have taken, with the same span and key.

// quickFields reads the whole, valid field lines of data from lineStart
// on into b.spans, as readFields does with fs the field section's start,
// and returns the start of the first line it did not take. For
//
//	Host: example.org\r\nX-Id: 7\r\n\r\n
//
// it appends the spans of Host and X-Id and returns the empty line's
// start.
func (b *Reader) quickFields(data []byte, lineStart, fs int, lim Limits) int {
	m := &b.fields
	for len(b.spans) < lim.MaxFields {
		// The name: the one the previous head had here, compared whole,
		// or a scan of token bytes up to the colon.
		colon := 0 // the name's length
		key := ""
		if j := len(b.spans); j < len(m.spans) {
			p := m.spans[j]
			name := m.raw[p.name0:p.name1]
			if e := lineStart + len(name); e < len(data) && data[e] == ':' {
				// string(field) == name, but for a name of 8 to 16
				// bytes two loads each side and no call: a call here
				// would keep this loop's many values on the stack
				// across it. "X-Request-Id" compares as the words
				// "X-Reques" and "quest-Id" (they overlap).
				field := data[lineStart:e]
				var same bool
				if n := len(name); n >= 8 && n <= 16 {
					same = binary.LittleEndian.Uint64(field) == stringWord(name) &&
						binary.LittleEndian.Uint64(field[n-8:]) == stringWord(name[n-8:])
				} else {
					same = string(field) == name
				}
				if same {
					colon, key = len(name), p.key
				}
			}
		}
		if key == "" {
			i := lineStart
			for i < len(data) && tokenChar[data[i]] {
				i++
			}
			if i == lineStart || i == len(data) || data[i] != ':' {
				return lineStart
			}
			colon = i - lineStart
		}
		// The value: whitespace, then value bytes eight at a time (see
		// goodWord) up to a byte that is not one, which must be the CR
		// of a CRLF.
		v0 := lineStart + colon + 1
		for v0 < len(data) && (data[v0] == ' ' || data[v0] == '\t') {
			v0++
		}
		i := v0
		for {
			for i+8 <= len(data) && goodWord(binary.LittleEndian.Uint64(data[i:])) {
				i += 8
			}
			end := min(i+8, len(data))
			for i < end && fieldValueByte[data[i]] {
				i++
			}
			if i < end || i == len(data) {
				break
			}
		}
		if i+1 >= len(data) || data[i] != '\r' || data[i+1] != '\n' ||
			i-lineStart > lim.MaxFieldLine || i+2-fs > lim.MaxHeaderBytes {
			return lineStart
		}
		v1 := i
		for v1 > v0 && (data[v1-1] == ' ' || data[v1-1] == '\t') {
			v1--
		}
		if key == "" {
			key = b.keys.key(data[lineStart : lineStart+colon])
		}
		off := int32(lineStart - fs)
		b.spans = append(b.spans, span{name0: off, name1: off + int32(colon), val0: int32(v0 - fs), val1: int32(v1 - fs), key: key})
		b.longest = max(b.longest, i-lineStart)
		lineStart = i + 2
	}
	return lineStart
}

// stringWord is the little-endian word of s[0:8]; the compiler makes it
// one load.
func stringWord(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
