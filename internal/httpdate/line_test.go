package httpdate

import (
	"testing"
	"time"
)

// lineSecond parses a Date line back to its second.
func lineSecond(t *testing.T, b []byte) int64 {
	t.Helper()
	s := string(b)
	if len(s) < len("Date: \r\n") || s[:6] != "Date: " || s[len(s)-2:] != "\r\n" {
		t.Fatalf("not a Date line: %q", s)
	}
	tm, err := time.Parse(time.RFC1123, s[6:len(s)-2])
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return tm.Unix()
}

// TestAppendLineUnheld: without a hold every line is the clock's second.
func TestAppendLineUnheld(t *testing.T) {
	for range 1000 {
		before := time.Now().Unix()
		sec := lineSecond(t, AppendLine(nil))
		after := time.Now().Unix()
		if sec < before || sec > after {
			t.Fatalf("line of %d read between %d and %d", sec, before, after)
		}
	}
}

// TestAppendLineHeld: under a hold the line follows the clock across
// two second boundaries, never ahead of it and at most a second behind; after
// the last release the clock is read again.
func TestAppendLineHeld(t *testing.T) {
	release := Hold()
	inner := Hold() // holds nest
	inner()
	inner() // a second release of the same hold is a no-op
	start := time.Now().Unix()
	seen := map[int64]bool{}
	for time.Now().Unix() < start+2 {
		before := time.Now().Unix()
		sec := lineSecond(t, AppendLine(nil))
		if sec > time.Now().Unix() || sec < before-1 {
			t.Fatalf("held line of %d read at %d", sec, before)
		}
		seen[sec] = true
		time.Sleep(10 * time.Millisecond)
	}
	if len(seen) < 2 {
		t.Errorf("the held line took %d values across two second boundaries: %v", len(seen), seen)
	}
	release()
	if ticking.Load() {
		t.Fatal("still ticking after the last release")
	}
	TestAppendLineUnheld(t)
}

// TestLineNeverOlder: a line formatted for an earlier second never
// replaces a newer one.
func TestLineNeverOlder(t *testing.T) {
	now := time.Now()
	lineAt(now.Add(time.Hour))
	lineAt(now)
	if got := current.Load().sec; got != now.Add(time.Hour).Unix() {
		t.Errorf("cached second %d, want the newer %d", got, now.Add(time.Hour).Unix())
	}
	current.Store(nil)
}

func TestAppend(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), "Sun, 06 Nov 1994 08:49:37 GMT"},
		{time.Date(2006, 6, 5, 18, 49, 54, 0, time.FixedZone("X", 3600)), "Mon, 05 Jun 2006 17:49:54 GMT"},
		{time.Date(999, 1, 2, 3, 4, 5, 0, time.UTC), "Wed, 02 Jan  999 03:04:05 GMT"},
	} {
		if got := string(Append(nil, tc.t)); got != tc.want {
			t.Errorf("Append(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// BenchmarkAppendLine compares the held line with a clock read per call.
func BenchmarkAppendLine(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.Run("unheld", func(b *testing.B) {
		for b.Loop() {
			buf = AppendLine(buf[:0])
		}
	})
	b.Run("held", func(b *testing.B) {
		defer Hold()()
		for b.Loop() {
			buf = AppendLine(buf[:0])
		}
	})
}
