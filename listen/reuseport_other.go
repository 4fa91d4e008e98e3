//go:build !unix

package listen

import "net"

// ReusePort fails here: the system has no SO_REUSEPORT.
func ReusePort(network, address string) (net.Listener, error) {
	return nil, ErrReusePortUnsupported
}
