package stress

import (
	"flag"
	"testing"
)

var (
	flagRequests = flag.Int64("stress.requests", 0, "requests of TestLoad (0: 20000, 3000 under -race)")
	flagConns    = flag.Int("stress.conns", 128, "keep-alive connections of TestLoad and TestShutdownUnderLoad")
	flagSeed     = flag.Uint64("stress.seed", 1, "seed of the traffic mix")
)

func loadRequests() int64 {
	switch {
	case *flagRequests > 0:
		return *flagRequests
	case raceEnabled:
		return 3000
	}
	return 20000
}

// TestLoad drives mixed GET/POST traffic over keep-alive connections and
// requires every response complete and verified, the server's and the
// app's counts equal to the clients', and goroutines and heap back to the
// baseline.
func TestLoad(t *testing.T) {
	f, err := RunLoad(LoadConfig{Requests: loadRequests(), Conns: *flagConns, Seed: *flagSeed})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d requests in %v (%.0f/s), %d B out, %d B in; goroutines %d -> %d, heap %d -> %d",
		f.Complete, f.Elapsed, f.RequestsPerSecond(), f.BytesOut, f.BytesIn,
		f.Before.Goroutines, f.After.Goroutines, f.Before.HeapAlloc, f.After.HeapAlloc)
	for _, p := range f.Problems {
		t.Error(p)
	}
}

// TestLoadAtConnCap drives four times more clients than WithMaxConns
// allows: the server sheds idle connections and stops keeping alive, the
// clients reconnect and queue in the backlog. No response may be cut, the
// server must have answered exactly the requests the clients completed,
// and nothing may be left behind.
func TestLoadAtConnCap(t *testing.T) {
	n := int64(5000)
	if raceEnabled {
		n = 1000
	}
	f, err := RunLoad(LoadConfig{Requests: n, Conns: 128, MaxConns: 32, Seed: *flagSeed})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d complete, %d refused, %d connections in %v; goroutines %d -> %d, heap %d -> %d",
		f.Complete, f.Refused, f.Dials, f.Elapsed, f.Before.Goroutines, f.After.Goroutines, f.Before.HeapAlloc, f.After.HeapAlloc)
	for _, p := range f.Problems {
		t.Error(p)
	}
}
