package handlers

import (
	"time"

	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// FormatDateTime formats t as an HTTP date in GMT, "Sun, 06 Nov 1994
// 08:49:37 GMT" (RFC 1123, the IMF-fixdate of RFC 9110), as CPython's
// format_date_time does for a timestamp. The names are English whatever the
// locale, and a year below 1000 is padded with spaces as CPython's "%4d" is.
//
// The Date line of a response comes from a cache of the current second's
// line (internal/httpdate), which a running server keeps fresh from a
// timer, so a response reads no clock.
func FormatDateTime(t time.Time) string {
	var buf [40]byte
	return string(httpdate.Append(buf[:0], t))
}
