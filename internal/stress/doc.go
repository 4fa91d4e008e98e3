// Package stress is the reliability suite of issue 7 ("faults and load"):
// a keep-alive load driver that writes HTTP/1.1 requests byte by byte on
// raw loopback sockets and verifies every response byte, an echo
// application to drive, and the three runs built from them — load,
// graceful shutdown under load, CGI under a real lighttpd — plus the long
// fuzz runs. The package tests run them small; the command
// ./internal/stress/cmd/longrun runs the same functions at length and
// writes the figures into RELIABILITY.md.
//
// The driver writes requests itself instead of using net/http's client so
// that it alone decides what a cut response is: a response counts as
// refused only when the connection ended before a single byte of it
// arrived; anything else short of a complete, verified response is an
// error.
package stress
