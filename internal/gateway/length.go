package gateway

// ParseContentLength parses CONTENT_LENGTH: "" is 0 (a request without a
// body), otherwise one to eighteen decimal digits and nothing else.
//
//	"42" -> 42, nil
//	""   -> 0, nil
//	"+1", " 1", "1e3", "0x10" -> 0, ErrBadContentLength
func ParseContentLength(s string) (int64, error) {
	if len(s) > 18 {
		return 0, ErrBadContentLength
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrBadContentLength
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}
