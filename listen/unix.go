package listen

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
)

// ErrSocketInUse: the Unix socket file belongs to a server that still
// accepts on it.
var ErrSocketInUse = errors.New("listen: another server is listening on the socket")

// Unix listens on the Unix socket at path, for a front end on the same
// machine (nginx's "scgi_pass unix:/run/app/scgi.sock"). A socket file
// that an earlier run left behind (after a crash nothing removes it) is
// replaced; anything else at path is left alone and is an error: a socket
// another server accepts on ([ErrSocketInUse]), a file that is no socket.
// The socket file gets mode 0666, since the front end's workers may run
// as another user; put it in a directory whose permissions say who may
// connect. It is removed when the listener is closed.
//
//	Unix("/run/app/scgi.sock") // unix /run/app/scgi.sock, mode 0666
func Unix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().Type() == fs.ModeSocket {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("%w: %s", ErrSocketInUse, path)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o666); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Listen returns the listener a gateway command serves on, chosen as
// gunicorn's --bind and systemd expect: the first socket systemd passed
// (socket activation, see [Sockets]), else the Unix socket at socket when
// it is not empty (see [Unix]), else the TCP address addr.
//
//	Listen("127.0.0.1:8000", "")                // tcp 127.0.0.1:8000
//	Listen("127.0.0.1:8000", "/run/app/x.sock") // unix /run/app/x.sock
//	Listen(...) under systemd                   // the socket systemd passed
//
// Sockets after the first that systemd passed are closed; use [Sockets]
// or [Named] to serve several.
func Listen(addr, socket string) (net.Listener, error) {
	sockets, err := Sockets()
	if err != nil {
		return nil, err
	}
	if len(sockets) > 0 {
		for _, s := range sockets[1:] {
			s.Listener.Close()
		}
		return sockets[0].Listener, nil
	}
	if socket != "" {
		return Unix(socket)
	}
	return net.Listen("tcp", addr)
}
