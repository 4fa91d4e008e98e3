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
