//go:build !unix

package listen

// Sockets returns no socket: socket activation is a Unix mechanism.
func Sockets() ([]Socket, error) { return nil, nil }
