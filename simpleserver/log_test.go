package simpleserver

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowWriter is a real fault we cannot cause on a terminal: a stderr that
// takes its time. It counts the calls and keeps every byte.
type slowWriter struct {
	mu     sync.Mutex
	writes int
	buf    bytes.Buffer
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(200 * time.Microsecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

// TestLogHandlerGroupCommit: lines logged while a write is in flight go out
// in batches, none lost, each goroutine's lines in its own order.
func TestLogHandlerGroupCommit(t *testing.T) {
	w := &slowWriter{}
	lg := slog.New(NewLogHandler(w))
	const goroutines, lines = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				lg.Info(fmt.Sprintf("g%d line %d", g, i))
			}
		}()
	}
	wg.Wait()
	// The last goroutine to log may have left its line to a writer that is
	// still finishing; it is done once a call returns with no writer left.
	lg.Info("end")
	got := strings.Split(strings.TrimSuffix(w.buf.String(), "\n"), "\n")
	if len(got) != goroutines*lines+1 {
		t.Fatalf("%d lines written, want %d", len(got), goroutines*lines+1)
	}
	next := make([]int, goroutines)
	for _, l := range got[:len(got)-1] {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d line %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %q out of order (want line %d of g%d)", l, next[g], g)
		}
		next[g]++
	}
	if w.writes >= goroutines*lines {
		t.Errorf("%d writes for %d lines: no batching", w.writes, goroutines*lines)
	}
	t.Logf("%d lines in %d writes", len(got), w.writes)
}

// TestLogPrefix pins CPython's log_date_time_string layout, the year
// zero-padded as "%04d" pads it.
func TestLogPrefix(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 21, 9, 44, 34, 0, time.UTC), "127.0.0.1 - - [21/Nov/2026 09:44:34] "},
		{time.Date(999, 1, 5, 3, 4, 5, 0, time.UTC), "127.0.0.1 - - [05/Jan/0999 03:04:05] "},
		{time.Date(12345, 12, 31, 23, 59, 59, 0, time.UTC), "127.0.0.1 - - [31/Dec/12345 23:59:59] "},
	} {
		if got := string(appendLogPrefix(nil, "127.0.0.1", tc.t)); got != tc.want {
			t.Errorf("appendLogPrefix(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}
