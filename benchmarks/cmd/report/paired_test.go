package main

import (
	"slices"
	"strings"
	"testing"
)

// TestPairedTarget: with rounds, a target is the median of the rounds'
// ratios, not the ratio of the best rounds.
func TestPairedTarget(t *testing.T) {
	rounds := func(rps ...float64) []Round {
		r := make([]Round, len(rps))
		for i, v := range rps {
			r[i] = Round{RPS: v, ServerCores: 1}
		}
		return r
	}
	for _, tc := range []struct {
		name       string
		ours, peer []Round
		met        bool
		got        string
		// fewPairs: fewer than minPairedRounds pairs, the best rounds decide.
		fewPairs bool
	}{
		// The peer's one lucky round makes its best 150: the best rounds
		// say 0.80x, every round but that one says ours is ahead.
		{name: "a lucky round does not decide", ours: rounds(120, 110, 115, 100, 105), peer: rounds(100, 100, 150, 95, 100),
			met: true, got: "1.05x, median of 5 rounds (0.77-1.20x)"},
		// Ahead in the best rounds, behind in most.
		{name: "behind in most rounds", ours: rounds(150, 90, 95, 97, 99), peer: rounds(100, 100, 100, 100, 100),
			met: false, got: "0.97x, median of 5 rounds"},
		// A failed round on either side is left out of the pairs; two
		// pairs are too few for a median.
		{name: "a failed round is left out", ours: rounds(110, 0, 110, 110), peer: rounds(100, 100, 0, 100),
			met: true, got: "1.10x (110 vs 100 req/s)", fewPairs: true},
		{name: "per CPU-second within rounds", ours: []Round{{100, 0.5}, {100, 0.5}, {100, 0.5}}, peer: []Round{{100, 1}, {100, 1}, {100, 1}},
			met: true, got: "per server CPU-second 2.00x, median of 3 rounds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours := LoadRow{Rounds: tc.ours, ServerCores: 1}
			peer := LoadRow{Rounds: tc.peer, ServerCores: 1}
			for _, r := range tc.ours {
				ours.RPS = max(ours.RPS, r.RPS)
			}
			for _, r := range tc.peer {
				peer.RPS = max(peer.RPS, r.RPS)
			}
			got := loadTarget("x", ours, peer, true, true, 1, true)
			if tc.fewPairs == strings.Contains(got.Got, "median") {
				t.Errorf("loadTarget = %+v; want a median %v", got, !tc.fewPairs)
			}
			if got.Met != tc.met || !got.Measured || !strings.Contains(got.Got, tc.got) {
				t.Errorf("loadTarget = %+v; want met %v and %q in Got", got, tc.met, tc.got)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

func TestInRoundOrder(t *testing.T) {
	xs := []string{"a", "b", "c"}
	if got := inRoundOrder(xs, 1); !slices.Equal(got, xs) {
		t.Errorf("round 1: %v", got)
	}
	if got := inRoundOrder(xs, 2); !slices.Equal(got, []string{"c", "b", "a"}) {
		t.Errorf("round 2: %v", got)
	}
	if !slices.Equal(xs, []string{"a", "b", "c"}) {
		t.Errorf("inRoundOrder changed its argument: %v", xs)
	}
}
