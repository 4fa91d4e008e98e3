package listen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseEnv(t *testing.T) {
	for _, tc := range []struct {
		pid, fds, names string
		n               int
		want            []string
		bad             bool
	}{
		{pid: "", fds: "2"},
		{pid: "41", fds: "2"}, // another process's
		{pid: "42", fds: "2", names: "web:admin", n: 2, want: []string{"web", "admin"}},
		{pid: "42", fds: "1", n: 1, want: []string{"unknown"}},
		{pid: "42", fds: "0", n: 0, want: []string{}},
		{pid: "42", fds: "x", bad: true},
		{pid: "42", fds: "-1", bad: true},
		{pid: "42", fds: "", bad: true},
		{pid: "x", fds: "1", bad: true},
		{pid: "42", fds: "2", names: "web", bad: true},
		{pid: "42", fds: "1", names: "a:b", bad: true},
	} {
		n, names, err := parseEnv(42, tc.pid, tc.fds, tc.names)
		if tc.bad {
			if !errors.Is(err, ErrBadEnvironment) {
				t.Errorf("%+v: err %v, want ErrBadEnvironment", tc, err)
			}
			continue
		}
		if err != nil || n != tc.n || (tc.want != nil && !slices.Equal(names, tc.want)) {
			t.Errorf("%+v: %d %q %v; want %d %q", tc, n, names, err, tc.n, tc.want)
		}
	}
}

// TestMain lets the test binary be the activated process of
// TestSocketsActivated.
func TestMain(m *testing.M) {
	if os.Getenv("LISTEN_TEST_CHILD") == "1" {
		activatedChild()
		return
	}
	os.Exit(m.Run())
}

// activatedChild takes its sockets as a systemd service would, and on each
// answers one connection with the socket's name and whether the activation
// variables were unset.
func activatedChild() {
	sockets, err := Sockets()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	unset := os.Getenv("LISTEN_PID") == "" && os.Getenv("LISTEN_FDS") == "" && os.Getenv("LISTEN_FDNAMES") == ""
	fmt.Println(len(sockets), "sockets")
	for _, s := range sockets {
		c, err := s.Listener.Accept()
		if err != nil {
			fmt.Println("accept:", err)
			os.Exit(1)
		}
		fmt.Fprintf(c, "%s unset=%v", s.Name, unset)
		c.Close()
	}
}

// TestSocketsActivated passes a TCP and a Unix listener to a child the way
// systemd does (descriptors 3 and 4, LISTEN_PID set to the child's own pid
// by a shell that then execs it) and talks to the child through both.
func TestSocketsActivated(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set LISTEN_PID")
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	dir, err := os.MkdirTemp("", "listen")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	unix, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close()
	tf, _ := tcp.(*net.TCPListener).File()
	uf, _ := unix.(*net.UnixListener).File()
	defer tf.Close()
	defer uf.Close()

	cmd := exec.Command(sh, "-c", `LISTEN_PID=$$ exec "$0" -test.run=^$`, os.Args[0])
	cmd.Env = append(os.Environ(), "LISTEN_TEST_CHILD=1", "LISTEN_FDS=2", "LISTEN_FDNAMES=web:admin")
	cmd.ExtraFiles = []*os.File{tf, uf}
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "2 sockets\n" {
		t.Fatalf("child said %q", line)
	}
	for _, tc := range []struct {
		l    net.Listener
		want string
	}{{tcp, "web unset=true"}, {unix, "admin unset=true"}} {
		c, err := net.Dial(tc.l.Addr().Network(), tc.l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(got) != tc.want {
			t.Errorf("%s socket: %q, %v; want %q", tc.l.Addr().Network(), got, err, tc.want)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("child: %v", err)
	}
}

// TestSocketsNotActivated: no variables, no sockets, no error.
func TestSocketsNotActivated(t *testing.T) {
	t.Setenv("LISTEN_PID", "")
	sockets, err := Sockets()
	if err != nil || sockets != nil {
		t.Errorf("Sockets() = %v, %v", sockets, err)
	}
	t.Setenv("LISTEN_PID", "1")
	t.Setenv("LISTEN_FDS", "1")
	if sockets, err := Sockets(); err != nil || sockets != nil {
		t.Errorf("another process's variables: %v, %v", sockets, err)
	}
	if os.Getenv("LISTEN_FDS") != "" {
		t.Error("LISTEN_FDS not unset")
	}
}

// TestReusePort: two listeners on one port both get connections, and a
// plain listener cannot join them.
func TestReusePort(t *testing.T) {
	a, err := ReusePort("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ReusePort("tcp", a.Addr().String())
	if err != nil {
		t.Fatalf("second listener on %s: %v", a.Addr(), err)
	}
	defer b.Close()
	if c, err := net.Listen("tcp", a.Addr().String()); err == nil {
		c.Close()
		t.Error("a listener without SO_REUSEPORT joined the port")
	}
	counts := make(chan string, 200)
	for name, l := range map[string]net.Listener{"a": a, "b": b} {
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
				counts <- name
			}
		}()
	}
	const dials = 64
	for range dials {
		c, err := net.Dial("tcp", a.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	seen := map[string]int{}
	for range dials {
		select {
		case n := <-counts:
			seen[n]++
		case <-time.After(10 * time.Second):
			t.Fatalf("connections accepted: %v of %d", seen, dials)
		}
	}
	if seen["a"] == 0 || seen["b"] == 0 {
		t.Errorf("connections per listener %v: the kernel did not spread them", seen)
	}
	if !strings.HasPrefix(a.Addr().String(), "127.0.0.1:") {
		t.Errorf("address %s", a.Addr())
	}
}
