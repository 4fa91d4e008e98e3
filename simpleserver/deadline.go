package simpleserver

import (
	"time"

	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// This file is the connection's read timeouts: which one a read from the
// client runs under, and when it is set.

// Read phases: which timeout a read from the client runs under.
const (
	phaseIdle = iota // waiting for the next request: WithIdleTimeout
	phaseHead        // reading a head, or past a body to the next one: WithReadHeaderTimeout
	phaseBody        // the application reads the body: WithReadTimeout
)

// readTimer is the read deadline of a connection, armed lazily: only a
// read that may block needs one, so pipelined requests already buffered
// cost no clock reading and no deadline change.
type readTimer struct {
	phase    int       // what the next read from the client is for
	armed    bool      // the phase's deadline is set
	deadline time.Time // the deadline set on the connection
	// When deadline was counted from the Date line's second (see
	// coarseTimeout): that second and the timeout, else a zero timeout.
	// The same pair again needs no new deadline: no time arithmetic, no
	// comparison of times, for every request of a second.
	coarseSec     int64
	coarseTimeout time.Duration
}

// enter starts a read phase; its deadline is armed at its first read that
// may block. A head's timeout thus runs from the first wait for its bytes,
// which for a client sending one request at a time is its first byte.
func (c *conn) enter(phase int) { c.timer.phase, c.timer.armed = phase, false }

// beforeRead runs before every read from the connection that may block:
// the held responses go out, and the phase's deadline is armed once.
func (c *conn) beforeRead() {
	c.flushHeld()
	if c.timer.armed {
		return
	}
	c.timer.armed = true
	cfg := &c.s.cfg
	var d time.Duration
	switch c.timer.phase {
	case phaseIdle:
		d = cfg.idleTimeout
	case phaseHead:
		d = cfg.readHeaderTimeout
	case phaseBody:
		d = cfg.readTimeout
	}
	if d >= coarseTimeout {
		if sec, ok := httpdate.Second(); ok {
			if sec != c.timer.coarseSec || d != c.timer.coarseTimeout {
				c.setReadDeadline(coarseDeadline(sec, d))
				c.timer.coarseSec, c.timer.coarseTimeout = sec, d
			}
			return
		}
	}
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	c.setReadDeadline(t)
}

// coarseTimeout is the shortest timeout whose deadline is counted from
// the second of the Date line (internal/httpdate) instead of the clock.
// Rounded up to the next second, such a deadline is at most a second
// late, a tenth of the timeout, and it changes once a second: a kept-alive
// connection then arms the same deadline for every request of a second,
// which costs no clock read and no update of the runtime's timer (each
// SetReadDeadline reads the clock too).
const coarseTimeout = 10 * time.Second

// deadlineAfter returns the deadline of a timeout d starting now.
func deadlineAfter(d time.Duration) time.Time {
	if d >= coarseTimeout {
		if sec, ok := httpdate.Second(); ok {
			return coarseDeadline(sec, d)
		}
	}
	return time.Now().Add(d)
}

// coarseDeadline is the deadline of a timeout d counted from the end of
// the second sec.
func coarseDeadline(sec int64, d time.Duration) time.Time { return time.Unix(sec+1, 0).Add(d) }

// setReadDeadline sets the connection's read deadline unless it is set
// already.
func (c *conn) setReadDeadline(t time.Time) {
	c.timer.coarseTimeout = 0
	if t != c.timer.deadline {
		c.rwc.SetReadDeadline(t)
		c.timer.deadline = t
	}
}
