package handlers

import (
	"strconv"
	"sync/atomic"
	"time"
)

// English names, whatever the locale: HTTP dates are not localised.
var (
	weekdayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames   = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// FormatDateTime formats t as an HTTP date in GMT, "Sun, 06 Nov 1994
// 08:49:37 GMT" (RFC 1123, the IMF-fixdate of RFC 9110), as CPython's
// format_date_time does for a timestamp. The names are English whatever the
// locale, and a year below 1000 is padded with spaces as CPython's "%4d" is.
func FormatDateTime(t time.Time) string {
	var buf [40]byte
	return string(appendDateTime(buf[:0], t))
}

func appendDateTime(b []byte, t time.Time) []byte {
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

// dateLine is a formatted "Date: ...\r\n" header line for one second.
type dateLine struct {
	sec  int64
	line []byte
}

// currentDate caches the Date line: formatting it once a second keeps the
// response path free of allocations.
var currentDate atomic.Pointer[dateLine]

func appendDateLine(b []byte, now time.Time) []byte {
	sec := now.Unix()
	d := currentDate.Load()
	if d == nil || d.sec != sec {
		line := append([]byte("Date: "), appendDateTime(make([]byte, 0, 40), now)...)
		d = &dateLine{sec: sec, line: append(line, '\r', '\n')}
		currentDate.Store(d)
	}
	return append(b, d.line...)
}
