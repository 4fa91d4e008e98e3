//go:build unix

package listen

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// Sockets returns the sockets systemd passed to this process, in order, as
// sd_listen_fds does, and unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
// so that child processes do not take them for theirs. It returns no
// socket and no error when the process was not socket-activated (no
// LISTEN_PID, or another process's). Each descriptor is closed once its
// listener has taken a duplicate of it, and marked close-on-exec.
//
// With LISTEN_PID=<this pid>, LISTEN_FDS=2 and LISTEN_FDNAMES=web:admin it
// returns the listeners on descriptors 3 and 4, named "web" and "admin".
func Sockets() ([]Socket, error) {
	defer func() {
		os.Unsetenv("LISTEN_PID")
		os.Unsetenv("LISTEN_FDS")
		os.Unsetenv("LISTEN_FDNAMES")
	}()
	n, names, err := parseEnv(os.Getpid(), os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS"), os.Getenv("LISTEN_FDNAMES"))
	if err != nil || n == 0 {
		return nil, err
	}
	sockets := make([]Socket, 0, n)
	for i := range n {
		fd := firstFD + i
		syscall.CloseOnExec(fd)
		f := os.NewFile(uintptr(fd), names[i])
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			for _, s := range sockets {
				s.Listener.Close()
			}
			return nil, fmt.Errorf("listen: activated descriptor %d (%s): %w", fd, names[i], err)
		}
		sockets = append(sockets, Socket{Name: names[i], Listener: l})
	}
	return sockets, nil
}
