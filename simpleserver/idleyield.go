package simpleserver

import "runtime"

// This file is the yield before a kept-alive connection reads its
// client's next request, and how a connection learns whether it pays.
//
// A client that sends one request at a time sends the next only once it
// has read the response just written. A read at once finds the socket
// empty: the goroutine parks, and the network poller wakes it when the
// bytes arrive, to read again. That is two reads from the socket, a park
// and a wake for every request, and over loopback most of a request's
// cost is in the kernel. Letting the server's other goroutines run first
// gives the client the moment it needs, and then one read takes the
// request. Over loopback at 16 connections the server then read 1.5
// times per request instead of 1.97, woke from the poller half as often
// and switched context half as often (benchmarks/README.md, "Server
// load", has what that did to throughput).
//
// A yield has a cost too, the scheduler's round trip, and it is wasted
// when the connection is the server's only one (nothing else to run) or
// its client is slow (a network between them). So a connection yields
// only while the server has others, and keeps a credit: a yield after
// which the read found the request waiting adds two to it, one after
// which the read had to wait takes one, and the connection yields only
// while it has credit, trying again once in probeEvery idle waits when it
// has none. The poll reader (pollreader_unix.go) tells which way a read
// went; a connection without one (TLS, or a platform without descriptors)
// never yields.

// Bounds of a connection's yield credit.
const (
	// maxYieldCredit caps the credit: after a change of client behaviour
	// the yields stop within as many failures.
	maxYieldCredit = 16
	// probeEvery is how often a connection without credit yields anyway,
	// to notice the client become fast.
	probeEvery = 8
)

// idleYield is a connection's yield credit. The zero value has none; a
// new connection starts with startYieldCredit.
type idleYield struct {
	credit  uint8 // two for each yield that found the request waiting, less one for each that waited; at most maxYieldCredit
	skipped uint8 // idle waits without a yield since the credit ran out
}

// startYieldCredit is a new connection's credit: one try.
const startYieldCredit = 1

// want reports whether to yield before this idle wait.
func (y *idleYield) want() bool {
	if y.credit > 0 {
		return true
	}
	y.skipped++
	if y.skipped < probeEvery {
		return false
	}
	y.skipped = 0
	return true
}

// learn counts a yield's outcome: waited is whether the read after it
// found the socket empty. A request found waiting saves more (a read, a
// park and a wake) than a yield costs, so it counts double: yields go on
// while more than a third of them pay.
func (y *idleYield) learn(waited bool) {
	switch {
	case !waited:
		y.credit = min(y.credit+2, maxYieldCredit)
	case waited && y.credit > 0:
		y.credit--
	}
}

// waitTurn yields before the connection's idle read when the server has
// other connections and the credit says so, and reports whether it did.
func (c *conn) waitTurn() bool {
	if c.poll == nil || c.s.live.Load() < 2 || !c.yield.want() {
		return false
	}
	// Responses held back for a pipeline go out first: the client
	// waits for them.
	c.flushHeld()
	runtime.Gosched()
	c.poll.waited = false
	return true
}
