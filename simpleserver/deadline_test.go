package simpleserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// TestDeadlineAfter: a short timeout's deadline is read from the clock; a
// long one's, while a server holds the Date line, is rounded up to a
// second, not before the second the timeout ends in and at most a
// second (plus the refresh's delay) late, and stays the same across calls
// within a second.
func TestDeadlineAfter(t *testing.T) {
	check := func(d time.Duration, slack time.Duration) time.Time {
		t.Helper()
		before := time.Now()
		got := deadlineAfter(d)
		after := time.Now()
		if got.Before(before.Add(d).Truncate(time.Second)) || got.After(after.Add(d+slack)) {
			t.Errorf("deadlineAfter(%v) = %v, read between %v and %v", d, got, before, after)
		}
		return got
	}
	check(time.Second, 0)
	check(coarseTimeout, 0) // no hold: the clock
	release := httpdate.Hold()
	defer release()
	for _, d := range []time.Duration{coarseTimeout, DefaultIdleTimeout} {
		first := check(d, time.Second+100*time.Millisecond)
		if first.Nanosecond() != 0 {
			t.Errorf("deadlineAfter(%v) = %v, not on a second", d, first)
		}
		same := 0
		for range 100 {
			if deadlineAfter(d).Equal(first) {
				same++
			}
		}
		if same < 50 {
			t.Errorf("deadlineAfter(%v) changed %d times in 100 calls", d, 100-same)
		}
	}
	if d := 9 * time.Second; deadlineAfter(d).Nanosecond() == 0 && deadlineAfter(d).Nanosecond() == 0 {
		t.Errorf("deadlineAfter(%v) is rounded: timeouts under %v read the clock", d, coarseTimeout)
	}
}

// TestKeepAliveDeadlinePerSecond: a kept-alive connection sending one
// request at a time, under the default timeouts (counted from the Date
// line's second), has its read deadline set about once a second, not
// once a request: 200 requests within a few seconds set it a handful of
// times.
func TestKeepAliveDeadlinePerSecond(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	ts := startServer(t, helloApp, WithListener(cl))
	c, err := net.Dial("tcp", ts.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	const requests = 200
	start := time.Now()
	for i := range requests {
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	seconds := int64(time.Since(start)/time.Second) + 1
	// The first request's deadline from the accept, then per second at
	// most the idle and the head timeouts' (the head's only when a
	// request's bytes arrive in parts).
	if n, most := cl.deadlines.Load(), 1+2*(seconds+1); n > most {
		t.Errorf("%d requests in %d s set the read deadline %d times, want at most %d", requests, seconds, n, most)
	}
}
