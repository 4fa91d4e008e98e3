package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Idle is a set of keep-alive connections that each carried one request
// and now sit idle, holding whatever the server keeps per connection.
type Idle struct {
	conns []net.Conn
}

// OpenIdle opens n connections to a loopback server, sends one GET on each
// and reads the response, and keeps them open. It fails if the server
// closes a connection after its response: such a server keeps nothing
// idle to measure.
func OpenIdle(ctx context.Context, addr, path string, n int) (*Idle, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	if path == "" {
		path = "/"
	}
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")
	idle := &Idle{conns: make([]net.Conn, 0, n)}
	var d net.Dialer
	for range n {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			idle.Close()
			return nil, fmt.Errorf("load: opening idle connection %d: %w", len(idle.conns)+1, err)
		}
		idle.conns = append(idle.conns, c)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(req); err != nil {
			idle.Close()
			return nil, fmt.Errorf("load: idle connection %d: %w", len(idle.conns), err)
		}
		r, err := readResponse(bufio.NewReaderSize(c, 4096))
		if err != nil {
			idle.Close()
			return nil, fmt.Errorf("load: idle connection %d: %w", len(idle.conns), err)
		}
		if !r.keep {
			idle.Close()
			return nil, errors.New("load: the server closes connections after a response; nothing stays idle")
		}
		c.SetDeadline(time.Time{})
	}
	return idle, nil
}

// Len returns the number of open idle connections.
func (i *Idle) Len() int { return len(i.conns) }

// Close closes every connection.
func (i *Idle) Close() error {
	for _, c := range i.conns {
		c.Close()
	}
	i.conns = i.conns[:0]
	return nil
}

// RSS returns the resident set size of a process in bytes, from
// /proc/<pid>/status (Linux only): the memory a server really holds, which
// is what an idle connection costs.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("load: reading the RSS of %d: %w", pid, err)
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(v) // "123456 kB"
			if len(f) == 2 && string(f[1]) == "kB" {
				if kb, ok := atoi(f[0]); ok {
					return int64(kb) << 10, nil
				}
			}
			return 0, fmt.Errorf("load: unexpected VmRSS line %q", line)
		}
	}
	return 0, fmt.Errorf("load: no VmRSS for process %d", pid)
}

// CPUTime returns the user plus system CPU time a process has used, from
// /proc/<pid>/stat (Linux only), in the kernel's clock ticks of 1/100 s:
// the cost of the requests a server answered, whatever its threads.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("load: reading the CPU time of %d: %w", pid, err)
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// the fields after its closing parenthesis start at field 3.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("load: malformed /proc/%d/stat", pid)
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("load: malformed /proc/%d/stat", pid)
	}
	utime, ok1 := atoi(f[11]) // field 14
	stime, ok2 := atoi(f[12]) // field 15
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("load: malformed /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
