package httpdate

import (
	"sync"
	"sync/atomic"
	"time"
)

// This file is the cached Date line. Reading the clock costs more than
// the rest of a small response's header (over 100 ns on a virtual
// machine, where clock_gettime is not always served from the vDSO's fast
// path), so while a server runs a timer refreshes the line at each second
// boundary and a response only copies it.

// line is the "Date: ...\r\n" header line of one second.
type line struct {
	sec  int64
	text []byte
}

var (
	current atomic.Pointer[line] // the newest line formatted
	ticking atomic.Bool          // the refresher keeps current fresh

	mu      sync.Mutex // guards holders and timer
	holders int
	timer   *time.Timer
)

// AppendLine appends the Date header line of now,
// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n". While a [Hold] is taken it
// copies the line the refresher keeps, which lags the clock by at most
// the timer's scheduling delay past a second boundary (RFC 9110 6.6.1 asks
// for "the best available approximation"); otherwise it reads the clock.
func AppendLine(b []byte) []byte {
	if ticking.Load() {
		if l := current.Load(); l != nil {
			return append(b, l.text...)
		}
	}
	return append(b, lineAt(time.Now()).text...)
}

// HeldLine returns the held Date line and its Unix second, and true,
// while a [Hold] is taken; the bytes are never changed and may be kept. A
// writer that cached a head with the line of that second can send it
// again without formatting or copying a new line. Without a hold it
// returns false.
func HeldLine() (sec int64, text []byte, ok bool) {
	if ticking.Load() {
		if l := current.Load(); l != nil {
			return l.sec, l.text, true
		}
	}
	return 0, nil, false
}

// lineAt returns the line of now's second, formatting it when the cached
// one is older. A newer cached line is never replaced by an older one.
func lineAt(now time.Time) *line {
	sec := now.Unix()
	l := current.Load()
	if l != nil && l.sec == sec {
		return l
	}
	text := append(make([]byte, 0, len("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")), "Date: "...)
	text = append(Append(text, now), '\r', '\n')
	fresh := &line{sec: sec, text: text}
	for l == nil || l.sec < sec {
		if current.CompareAndSwap(l, fresh) {
			break
		}
		l = current.Load()
	}
	return fresh
}

// Hold keeps the cached line fresh from a timer until the returned
// release is called; holds nest, and the timer stops with the last
// release. Between refreshes no goroutine runs.
func Hold() (release func()) {
	mu.Lock()
	defer mu.Unlock()
	holders++
	if holders == 1 {
		now := time.Now()
		lineAt(now)
		ticking.Store(true)
		if timer == nil {
			timer = time.AfterFunc(untilNextSecond(now), refresh)
		} else {
			timer.Reset(untilNextSecond(now))
		}
	}
	var once sync.Once
	return func() { once.Do(unhold) }
}

func unhold() {
	mu.Lock()
	defer mu.Unlock()
	holders--
	if holders == 0 {
		ticking.Store(false)
		timer.Stop()
	}
}

// refresh formats the line of the second just begun and waits for the
// next boundary.
func refresh() {
	mu.Lock()
	defer mu.Unlock()
	if holders == 0 {
		return // released while this call was on its way
	}
	now := time.Now()
	lineAt(now)
	timer.Reset(untilNextSecond(now))
}

// untilNextSecond is the time from now to the next second boundary.
func untilNextSecond(now time.Time) time.Duration {
	return time.Second - time.Duration(now.Nanosecond())
}

// Second returns the Unix second of the held line and true while a [Hold]
// is taken, a clock read from memory for timeouts that can be a second
// off; without a hold it returns false.
func Second() (int64, bool) {
	if ticking.Load() {
		if l := current.Load(); l != nil {
			return l.sec, true
		}
	}
	return 0, false
}
