package simpleserver

import (
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
