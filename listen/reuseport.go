//go:build unix

package listen

import (
	"context"
	"net"
	"syscall"
)

// ReusePort listens on a TCP address ("tcp", "tcp4" or "tcp6") with
// SO_REUSEPORT set, so that several processes (or listeners) can listen on
// the same host and port at once, each with its own accept queue; the
// kernel spreads new connections across them.
//
//	l, err := listen.ReusePort("tcp", "127.0.0.1:8000") // in each process
func ReusePort(network, address string) (net.Listener, error) {
	if soReusePort == 0 {
		return nil, ErrReusePortUnsupported
	}
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	return lc.Listen(context.Background(), network, address)
}
