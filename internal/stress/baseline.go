package stress

import (
	"runtime"
	"time"
)

// Snapshot is the process's goroutines and live heap at one moment.
type Snapshot struct {
	Goroutines int
	HeapAlloc  uint64 // bytes of live objects after a full collection
	HeapInuse  uint64 // bytes in in-use spans
}

// TakeSnapshot collects twice, then reads the counts. Two collections,
// because a sync.Pool's contents survive the first one in its victim
// cache: after two, pooled buffers no longer count as live.
func TakeSnapshot() Snapshot {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Snapshot{Goroutines: runtime.NumGoroutine(), HeapAlloc: m.HeapAlloc, HeapInuse: m.HeapInuse}
}

// SettleTo polls until at most want goroutines run or d passes, and
// returns the last snapshot: goroutines of closed connections take a
// moment to return, so one look right after the close would be a guess.
func SettleTo(want int, d time.Duration) Snapshot {
	deadline := time.Now().Add(d)
	for {
		s := TakeSnapshot()
		if s.Goroutines <= want || time.Now().After(deadline) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor polls cond until it holds or d passes, and reports whether it
// held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
