//go:build unix

package simpleserver

import (
	"io"
	"net"
	"os"
	"syscall"
)

// pollReader reads a TCP or Unix connection through its descriptor, as
// the connection's own Read does (the runtime's network poller parks the
// goroutine until the socket is readable), and notes whether a read found
// the socket empty and had to wait: what the idle yield learns from (see
// idleyield.go).
type pollReader struct {
	conn net.Conn
	raw  syscall.RawConn
	// waited is set when a read found the socket empty; the caller
	// clears it.
	waited bool

	// The read in progress: readFD's buffer and result.
	p     []byte
	n     int
	errno error
	// readFD is the method value, made once: a new one for each read
	// would be an allocation.
	readFD func(fd uintptr) bool
}

// reset makes r read rwc, and reports whether it can: only the standard
// library's own TCP and Unix connections are read through their
// descriptor. A type embedding one may change what Read returns (a PROXY
// protocol header stripped, bytes counted), so it is read through its
// Read.
func (r *pollReader) reset(rwc net.Conn) bool {
	var sc syscall.Conn
	switch rwc := rwc.(type) {
	case *net.TCPConn:
		sc = rwc
	case *net.UnixConn:
		sc = rwc
	default:
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	r.conn, r.raw, r.waited = rwc, raw, false
	if r.readFD == nil {
		r.readFD = r.read
	}
	return true
}

// drop forgets the connection, for the pool.
func (r *pollReader) drop() { r.conn, r.raw = nil, nil }

// Read reads into p as net.Conn's Read does: the bytes the socket has,
// or, when it has none, those of the next arrival; io.EOF once the peer
// closed its side; errors as *net.OpError.
func (r *pollReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p = p
	err := r.raw.Read(r.readFD)
	n, errno := r.n, r.errno
	r.p, r.n, r.errno = nil, 0, nil
	switch {
	case err != nil:
		// A deadline, a closed connection: the poller's error, which
		// RawConn names "raw-read".
		if oe, ok := err.(*net.OpError); ok && oe.Op == "raw-read" {
			oe.Op = "read"
		}
		return 0, err
	case errno != nil:
		la := r.conn.LocalAddr()
		return 0, &net.OpError{Op: "read", Net: la.Network(), Source: la, Addr: r.conn.RemoteAddr(), Err: os.NewSyscallError("read", errno)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// read is the RawConn callback: one read(2), retried on EINTR; false,
// on an empty socket, has the poller wait for it to become readable.
func (r *pollReader) read(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), r.p)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			r.waited = true
			return false
		}
		r.n, r.errno = max(n, 0), err
		return true
	}
}
