package main

import (
	"fmt"
	"slices"
)

// A throughput target compares two servers measured in the same rounds:
// each round runs every server's cell one after the other, so the rounds
// pair up. On a shared machine the whole machine drifts from round to
// round (this 2-core VM's hello-world rounds ranged over ±10%, all servers
// together), and a ratio of the two best rounds, each server's luckiest,
// flips with that drift. The ratio within a round cancels it; the median
// of the rounds' ratios is the target's figure, and their range shows how
// far one round can be trusted.

// inRoundOrder returns the order round (counted from 1) runs xs in: as
// given in odd rounds, reversed in even ones. Whatever runs just before a
// cell (a server that leaves the machine's caches cold, or its sockets in
// TIME_WAIT) then precedes each of a pair as often.
func inRoundOrder[T any](xs []T, round int) []T {
	if round%2 == 1 {
		return xs
	}
	r := slices.Clone(xs)
	slices.Reverse(r)
	return r
}

// minPairedRounds is the fewest paired rounds a median is taken over; a
// run with fewer (-quick has one) compares the best rounds.
const minPairedRounds = 3

// pairedRatios returns, for every round both rows measured, ours ÷ peer
// in req/s, and in requests per server CPU-second for the rounds both
// have CPU figures for.
func pairedRatios(ours, peer LoadRow) (rps, perCPU []float64) {
	for i := range min(len(ours.Rounds), len(peer.Rounds)) {
		o, p := ours.Rounds[i], peer.Rounds[i]
		if o.RPS <= 0 || p.RPS <= 0 {
			continue
		}
		rps = append(rps, o.RPS/p.RPS)
		if o.ServerCores > 0 && p.ServerCores > 0 {
			perCPU = append(perCPU, (o.RPS/o.ServerCores)/(p.RPS/p.ServerCores))
		}
	}
	return rps, perCPU
}

// median returns the median of xs, which is not empty: the middle value,
// or the mean of the middle two.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread describes ratios as their median, count and range:
// "1.04x, median of 5 rounds (0.97-1.10x)".
func spread(xs []float64) string {
	return fmt.Sprintf("%.2fx, median of %d rounds (%.2f-%.2fx)", median(xs), len(xs), slices.Min(xs), slices.Max(xs))
}
