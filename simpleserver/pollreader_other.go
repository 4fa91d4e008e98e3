//go:build !unix

package simpleserver

import (
	"errors"
	"net"
)

// pollReader is the poll reader of pollreader_unix.go; without file
// descriptors, connections are read through their own Read and never
// yield (see idleyield.go).
type pollReader struct{ waited bool }

func (r *pollReader) reset(net.Conn) bool { return false }

func (r *pollReader) drop() {}

func (r *pollReader) Read([]byte) (int, error) {
	return 0, errors.New("simpleserver: no poll reader on this platform")
}
