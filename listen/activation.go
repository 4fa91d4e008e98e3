package listen

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// firstFD is SD_LISTEN_FDS_START: systemd passes its sockets from file
// descriptor 3 on.
const firstFD = 3

// ErrBadEnvironment: LISTEN_PID, LISTEN_FDS or LISTEN_FDNAMES do not have
// the form systemd gives them.
var ErrBadEnvironment = errors.New("listen: malformed socket activation variables")

// ErrReusePortUnsupported: the system offers no SO_REUSEPORT.
var ErrReusePortUnsupported = errors.New("listen: SO_REUSEPORT is not supported on this system")

// Socket is a listening socket passed by systemd.
type Socket struct {
	// Name is the socket's FileDescriptorName= (LISTEN_FDNAMES), by default
	// the name of its .socket unit.
	Name string
	// Listener accepts on the socket.
	Listener net.Listener
}

// Named returns the listeners of the activated sockets called name, in
// order, like [Sockets] (which it calls: the variables are unset after).
func Named(name string) ([]net.Listener, error) {
	sockets, err := Sockets()
	var out []net.Listener
	for _, s := range sockets {
		if s.Name == name {
			out = append(out, s.Listener)
		} else {
			s.Listener.Close()
		}
	}
	return out, err
}

// parseEnv reads the activation variables of process pid: the number of
// sockets and their names (each "unknown" when LISTEN_FDNAMES is unset,
// as sd_listen_fds_with_names says).
//
//	parseEnv(42, "42", "2", "web:admin") -> 2, ["web" "admin"], nil
//	parseEnv(42, "41", "2", "")          -> 0, nil, nil   (another process's)
//	parseEnv(42, "42", "x", "")          -> ErrBadEnvironment
func parseEnv(pid int, listenPID, listenFDs, fdNames string) (int, []string, error) {
	if listenPID == "" {
		return 0, nil, nil
	}
	p, err := strconv.Atoi(listenPID)
	if err != nil || p <= 0 {
		return 0, nil, fmt.Errorf("%w: LISTEN_PID=%q", ErrBadEnvironment, listenPID)
	}
	if p != pid {
		return 0, nil, nil
	}
	n, err := strconv.Atoi(listenFDs)
	if err != nil || n < 0 || n > 1<<16 {
		return 0, nil, fmt.Errorf("%w: LISTEN_FDS=%q", ErrBadEnvironment, listenFDs)
	}
	names := make([]string, n)
	if fdNames != "" {
		given := strings.Split(fdNames, ":")
		if len(given) != n {
			return 0, nil, fmt.Errorf("%w: LISTEN_FDNAMES has %d names for %d sockets", ErrBadEnvironment, len(given), n)
		}
		copy(names, given)
	} else {
		for i := range names {
			names[i] = "unknown"
		}
	}
	return n, names, nil
}
