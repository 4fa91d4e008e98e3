// Package gatewaytesting is the test harness the SCGI and uwsgi packages
// share: a real server on a loopback or Unix socket, an echo application,
// and the tests every gateway on [gateway.Server] must pass, run for one
// protocol through a small [Protocol] adapter. Each protocol package keeps
// only what is its own: how a request is encoded on the wire (netstrings,
// uwsgi packets), the malformed inputs only its grammar has, and its fuzz
// target.
//
//	func TestGateway(t *testing.T) { gatewaytesting.Run(t, protocol) }
package gatewaytesting
