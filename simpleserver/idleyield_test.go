package simpleserver

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

// TestIdleYieldCredit drives a connection's yield credit through
// outcomes: "+" a yield that found the request waiting, "-" one that
// waited; want is the run of want() answers, "y" yield and "." not, up
// to and including the one after the outcomes.
func TestIdleYieldCredit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		outcomes string
		want     string // answers after the outcomes
	}{
		{"a new connection tries once", "", "y"},
		{"a miss stops the yields until the probe", "-", ".......y"},
		{"a hit counts double", "+-", "y"},
		{"hits and a miss in three keep yielding", "+-+-+-+-", "y"},
		{"a hit is undone by two misses", "+---", ".......y"},
		{"the credit is capped", strings.Repeat("+", 20) + strings.Repeat("-", 16), ".......y"},
		{"below the cap it lasts", strings.Repeat("+", 20) + strings.Repeat("-", 15), "y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := idleYield{credit: startYieldCredit}
			for i, o := range tc.outcomes {
				if !y.want() {
					t.Fatalf("outcome %d: want() = false before a yield the outcomes count", i)
				}
				y.learn(o == '-')
			}
			var got strings.Builder
			for range len(tc.want) {
				if y.want() {
					got.WriteByte('y')
				} else {
					got.WriteByte('.')
				}
			}
			if got.String() != tc.want {
				t.Errorf("answers %q, want %q (credit %d)", got.String(), tc.want, y.credit)
			}
		})
	}
}

// TestWaitTurnAlone: a connection yields only when the server has others
// and reads through the poll reader.
func TestWaitTurnAlone(t *testing.T) {
	s := &WSGIServer{}
	c := &conn{s: s, yield: idleYield{credit: maxYieldCredit}}
	s.live.Store(5)
	if c.waitTurn() {
		t.Error("waitTurn yielded for a connection without a poll reader (TLS)")
	}
	c.poll = &c.pr
	s.live.Store(1)
	if c.waitTurn() {
		t.Error("waitTurn yielded for the server's only connection")
	}
	s.live.Store(2)
	c.bw = bufio.NewWriter(io.Discard)
	c.poll.waited = true
	if !c.waitTurn() {
		t.Error("waitTurn did not yield with credit and another connection")
	}
	if c.poll.waited {
		t.Error("waitTurn left the poll reader's waited flag set")
	}
}
