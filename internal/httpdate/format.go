// Package httpdate formats HTTP dates and keeps the Date header line of
// the current second, shared by every response writer of the module.
package httpdate

import (
	"strconv"
	"time"
)

// English names, whatever the locale: HTTP dates are not localised.
var (
	weekdayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames   = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// Append appends t as an HTTP date in GMT (RFC 9110's IMF-fixdate), as
// CPython's format_date_time: 1994-11-06 08:49:37 UTC gives
// "Sun, 06 Nov 1994 08:49:37 GMT". A year below 1000 is padded with
// spaces, as CPython's "%4d" is.
func Append(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hh, mm, ss := t.Clock()
	b = append(b, weekdayNames[t.Weekday()]...)
	b = append(b, ',', ' ')
	b = append2(b, day)
	b = append(b, ' ')
	b = append(b, monthNames[month]...)
	b = append(b, ' ')
	var y [20]byte
	ys := strconv.AppendInt(y[:0], int64(year), 10)
	for i := len(ys); i < 4; i++ {
		b = append(b, ' ')
	}
	b = append(b, ys...)
	b = append(b, ' ')
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mm)
	b = append(b, ':')
	b = append2(b, ss)
	return append(b, " GMT"...)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
