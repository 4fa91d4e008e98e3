package stress

import (
	"flag"
	"testing"
)

var flagShutdownRounds = flag.Int("stress.shutdowns", 0, "rounds of TestShutdownUnderLoad (0: 5, 2 under -race)")

func shutdownRounds() int {
	switch {
	case *flagShutdownRounds > 0:
		return *flagShutdownRounds
	case raceEnabled:
		return 2
	}
	return 5
}

// TestShutdownUnderLoad calls Shutdown while every connection is busy, in
// several rounds with a different seed each (where Shutdown lands in each
// connection's request differs), and requires that no response is cut,
// that the server answered exactly the requests the clients completed,
// that Shutdown and ServeForever return as documented and that no
// goroutine is left.
func TestShutdownUnderLoad(t *testing.T) {
	before := int64(2000)
	if raceEnabled {
		before = 300
	}
	for round := range shutdownRounds() {
		f, err := RunShutdown(ShutdownConfig{Conns: *flagConns, Before: before, Seed: *flagSeed + uint64(round)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: sent %d, complete %d, refused %d, cut %d, logged %d; Shutdown took %v; goroutines %d -> %d",
			round, f.Sent, f.Complete, f.Refused, f.Cut, f.Logged, f.ShutdownTook, f.Before.Goroutines, f.After.Goroutines)
		for _, p := range f.Problems {
			t.Errorf("round %d: %s", round, p)
		}
	}
}
