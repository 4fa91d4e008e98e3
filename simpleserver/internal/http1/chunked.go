package http1

import "bytes"

// The chunked transfer coding, RFC 9112 section 7.1, read strictly:
//
//	chunked-body   = *chunk last-chunk trailer-section CRLF
//	chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	chunk-size     = 1*HEXDIG
//	last-chunk     = 1*("0") [ chunk-ext ] CRLF
//	chunk-ext      = *( ";" chunk-ext-name [ "=" chunk-ext-val ] )
//	chunk-ext-val  = token / quoted-string
//	trailer-section = *( field-line CRLF )
//
// The bad whitespace (BWS) the grammar allows around ";" and "=" is
// refused, as are a sign, "0x", a size past int64 and a line end other
// than CRLF: each is a place where two parsers can read different chunk
// boundaries, and a request can hide in the body of another. Extensions
// and trailer fields are checked and dropped.

// maxChunkLine bounds a chunk size line with its extensions.
const maxChunkLine = 4096

// nextChunk reads the CRLF that ends the chunk just read (not before the
// first) and the next chunk size line; at the last chunk it reads and
// drops the trailer section.
func (b *Body) nextChunk() error {
	r := b.r
	if b.started {
		crlf, err := r.readLine(2, ErrChunkEnd)
		if err != nil {
			return err
		}
		if len(crlf) != 0 {
			return ErrChunkEnd
		}
	}
	b.started = true
	line, err := r.readLine(maxChunkLine, ErrChunkLine)
	if err != nil {
		return err
	}
	size, err := parseChunkLine(line)
	if err != nil {
		return err
	}
	if size > 0 {
		b.left = size
		return nil
	}
	if err := b.trailers(); err != nil {
		return err
	}
	b.done = true
	return nil
}

// parseChunkLine reads "1a;name=value" into the size 26.
func parseChunkLine(line []byte) (int64, error) {
	var n int64
	i := 0
	for ; i < len(line); i++ {
		d := hexValue[line[i]]
		if d == 0xFF {
			break
		}
		if n > (1<<63-1)>>4 {
			return 0, ErrChunkOverflow
		}
		n = n<<4 | int64(d)
	}
	if i == 0 {
		return 0, ErrChunkSize
	}
	ext := line[i:]
	for len(ext) > 0 {
		if ext[0] != ';' {
			if i == len(line)-len(ext) && ext[0] != ';' {
				return 0, ErrChunkSize
			}
			return 0, ErrChunkExtension
		}
		ext = ext[1:]
		name := tokenLen(ext)
		if name == 0 {
			return 0, ErrChunkExtension
		}
		ext = ext[name:]
		if len(ext) == 0 || ext[0] != '=' {
			continue
		}
		ext = ext[1:]
		v := tokenLen(ext)
		if v == 0 {
			v = quotedLen(ext)
		}
		if v == 0 {
			return 0, ErrChunkExtension
		}
		ext = ext[v:]
	}
	return n, nil
}

func tokenLen(b []byte) int {
	for i, c := range b {
		if !tokenChar[c] {
			return i
		}
	}
	return len(b)
}

// quotedLen returns the length of the quoted-string at the start of b,
// 0 when there is none (RFC 9110 section 5.6.4).
func quotedLen(b []byte) int {
	if len(b) == 0 || b[0] != '"' {
		return 0
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			i++
			if i == len(b) || !fieldValueByte[b[i]] {
				return 0
			}
		case !fieldValueByte[c]:
			return 0
		}
	}
	return 0
}

// trailers reads the trailer section up to its empty line, each line
// checked as a field line and then dropped (a WSGI environ has no place for
// them), within the head's limits.
func (b *Body) trailers() error {
	total := 0
	for n := 0; ; n++ {
		line, err := b.r.readLine(b.lim.MaxFieldLine, ErrFieldLineTooLong)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		total += len(line) + 2
		if n >= b.lim.MaxFields {
			return ErrTooManyFields
		}
		if total > b.lim.MaxHeaderBytes {
			return ErrHeadTooLarge
		}
		if _, err := parseField(line, 0); err != nil {
			return ErrTrailer
		}
	}
}

// readLine reads a CRLF-terminated line of at most max bytes and returns
// it without the CRLF; it is valid until the next read. A longer line
// gives tooLong; a bare LF ErrBareLF.
func (r *Reader) readLine(max int, tooLong *Error) ([]byte, error) {
	pos := 0
	for {
		data := r.buf[r.r:r.w]
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			lf := pos + i
			if lf > max+1 {
				return nil, tooLong
			}
			if lf == 0 || data[lf-1] != '\r' {
				return nil, ErrBareLF
			}
			line := data[:lf-1]
			if bytes.IndexByte(line, '\r') >= 0 {
				return nil, ErrBareCR
			}
			r.r += lf + 1
			return line, nil
		}
		pos = len(data)
		if pos > max+1 {
			return nil, tooLong
		}
		if err := r.fill(max + 2); err != nil {
			return nil, err
		}
	}
}
