package http1

import "strings"

// Keys of the fields that decide framing and routing.
const (
	keyContentLength    = "CONTENT_LENGTH"
	keyTransferEncoding = "HTTP_TRANSFER_ENCODING"
	keyHost             = "HTTP_HOST"
	keyConnection       = "HTTP_CONNECTION"
	keyExpect           = "HTTP_EXPECT"
)

// scanFields reads what the fields mean for framing into h.Framing,
// refusing a Content-Length that is not one number:
//
//	Content-Length: 5, Content-Length: 5   ErrDupLength
//	Content-Length: +5                     ErrContentLength
//	Connection: keep-alive, close          Close
func (h *Head) scanFields() error {
	f := &h.Framing
	for i, key := range h.Keys {
		v := h.Fields[i].Value
		switch key {
		case keyContentLength:
			f.lengths++
			n, ok := parseLength(v)
			if !ok {
				return ErrContentLength
			}
			if f.lengths > 1 {
				return ErrDupLength
			}
			f.ContentLength = n
		case keyTransferEncoding:
			f.codings++
			f.Chunked = f.codings == 1 && strings.EqualFold(v, "chunked")
		case keyHost:
			f.hosts++
			f.HasHost = true
		case keyConnection:
			f.Close = f.Close || hasToken(v, "close")
		case keyExpect:
			f.Expects++
			f.Expect = v
		}
	}
	return nil
}

// judge refuses the heads whose framing or addressing a proxy in front
// could read otherwise (RFC 9112 sections 3.2, 6 and 7), from h.Framing
// and the request line, which is line's: a target that passed
// checkTarget with the same method once is not checked again.
//
//	Content-Length: 5, Transfer-Encoding   ErrLengthAndTE
//	Transfer-Encoding: gzip                ErrTransferCode (501)
//	HTTP/1.1 without Host                  ErrNoHost
func (h *Head) judge(line *lineMemo) error {
	f := &h.Framing
	switch {
	case h.Method == "CONNECT":
		return ErrConnect
	case f.hosts > 1:
		return ErrDupHost
	case f.hosts == 0 && h.Minor >= 1:
		return ErrNoHost
	case f.codings > 0 && f.lengths > 0:
		return ErrLengthAndTE
	case f.codings > 0 && h.Minor == 0:
		return ErrTE10
	case f.codings > 0 && !f.Chunked:
		return ErrTransferCode
	case line.targetOK:
		return nil
	}
	if err := checkTarget(h.Method, h.Target); err != nil {
		return err
	}
	line.targetOK = true
	return nil
}

// parseLength reads Content-Length = 1*DIGIT (RFC 9110 section 8.6): no
// sign, no list, no whitespace, no value past int64.
func parseLength(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<63-1-9)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// hasToken reports whether the comma-separated list v has token, in any
// case: "keep-alive, Close" has "close".
func hasToken(v, token string) bool {
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.Trim(item, " \t"), token) {
			return true
		}
	}
	return false
}
