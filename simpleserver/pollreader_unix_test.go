//go:build unix

package simpleserver

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server *net.TCPConn, client *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close(); cc.Close() })
	return sc.(*net.TCPConn), cc.(*net.TCPConn)
}

// TestPollReader reads a real socket through the poll reader: bytes
// already there, bytes still to come (waited), the errors net.Conn's
// Read gives for a deadline, a reset and a close, and io.EOF.
func TestPollReader(t *testing.T) {
	sc, cc := tcpPair(t)
	var r pollReader
	if !r.reset(sc) {
		t.Fatal("reset refused a *net.TCPConn")
	}
	buf := make([]byte, 64)

	// Bytes already in the socket: no wait.
	cc.Write([]byte("first"))
	time.Sleep(20 * time.Millisecond)
	r.waited = false
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "first" || r.waited {
		t.Fatalf("Read = %q, %v, waited %v; want \"first\", nil, false", buf[:n], err, r.waited)
	}

	// Bytes that arrive later: the read waits for them.
	go func() {
		time.Sleep(20 * time.Millisecond)
		cc.Write([]byte("second"))
	}()
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "second" || !r.waited {
		t.Fatalf("Read = %q, %v, waited %v; want \"second\", nil, true", buf[:n], err, r.waited)
	}

	// A deadline: a timeout, named as net.Conn's Read names it.
	sc.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, err := r.Read(buf)
	var ne net.Error
	var oe *net.OpError
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("Read past the deadline = %v; want a read timeout", err)
	}
	sc.SetReadDeadline(time.Time{})

	// The peer closes: io.EOF.
	cc.Write([]byte("last"))
	cc.CloseWrite()
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "last" {
		t.Fatalf("Read = %q, %v; want \"last\"", buf[:n], err)
	}
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read after the peer's close = %d, %v; want 0, io.EOF", n, err)
	}
	if n, err := r.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v; want 0, nil", n, err)
	}

	// Our own close: net.ErrClosed.
	sc.Close()
	if _, err := r.Read(buf); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close = %v; want net.ErrClosed", err)
	}
}

// TestPollReaderReset: a reset by the peer is the syscall error, as
// net.Conn's Read gives it, which handlers.IsClientGone recognises.
func TestPollReaderReset(t *testing.T) {
	sc, cc := tcpPair(t)
	var r pollReader
	r.reset(sc)
	// Unread bytes and a zero linger: the client's close resets.
	sc.Write([]byte("unread"))
	time.Sleep(20 * time.Millisecond)
	cc.SetLinger(0)
	cc.Close()
	time.Sleep(20 * time.Millisecond)
	_, err := r.Read(make([]byte, 8))
	var oe *net.OpError
	if !errors.Is(err, syscall.ECONNRESET) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("Read after a reset = %v; want a read error wrapping ECONNRESET", err)
	}
}

// embeddedConn changes what Read returns; it must be read through Read.
type embeddedConn struct{ *net.TCPConn }

func (embeddedConn) Read([]byte) (int, error) { return 0, io.EOF }

// TestPollReaderOnlyOwnTypes: only the standard library's TCP and Unix
// connections are read through their descriptor.
func TestPollReaderOnlyOwnTypes(t *testing.T) {
	sc, _ := tcpPair(t)
	var r pollReader
	if r.reset(embeddedConn{sc}) {
		t.Error("reset took a type embedding *net.TCPConn: its own Read would be bypassed")
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if r.reset(a) {
		t.Error("reset took a net.Pipe end")
	}
	uc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: t.TempDir() + "/s", Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	if !r.reset(uc) {
		t.Error("reset refused a *net.UnixConn")
	}
}

// TestPollReaderAllocs: a read of bytes already there allocates nothing.
func TestPollReaderAllocs(t *testing.T) {
	sc, cc := tcpPair(t)
	var r pollReader
	r.reset(sc)
	buf := make([]byte, 8)
	one := []byte("x")
	allocs := testing.AllocsPerRun(200, func() {
		cc.Write(one)
		if n, err := r.Read(buf); n != 1 || err != nil {
			t.Fatalf("Read = %d, %v", n, err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per write and read; want 0", allocs)
	}
}
