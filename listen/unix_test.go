package listen

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListen: each way a gateway command opens its socket without
// systemd, and the files Unix must not take for a stale socket.
func TestListen(t *testing.T) {
	t.Setenv("LISTEN_PID", "") // not socket-activated, whatever ran the test
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the file stays, as after a crash
	live := filepath.Join(dir, "live.sock")
	other, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, addr, socket string
		network            string // of the listener; "" when an error is wanted
		err                string
		is                 error
	}{
		{name: "tcp", addr: "127.0.0.1:0", network: "tcp"},
		{name: "new socket", addr: "127.0.0.1:0", socket: filepath.Join(dir, "new.sock"), network: "unix"},
		{name: "stale socket replaced", socket: stale, network: "unix"},
		{name: "another server listening", socket: live, err: "another server is listening", is: ErrSocketInUse},
		{name: "not a socket", socket: regular, err: "address already in use"},
		{name: "no such directory", socket: filepath.Join(dir, "none", "s.sock"), err: "no such file or directory"},
		{name: "bad address", addr: "127.0.0.1:http-nope", err: "unknown port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Listen(tc.addr, tc.socket)
			if tc.network == "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || tc.is != nil && !errors.Is(err, tc.is) {
					t.Fatalf("Listen: %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if l.Addr().Network() != tc.network {
				t.Errorf("listening on %s %s", l.Addr().Network(), l.Addr())
			}
			if tc.socket != "" {
				if fi, err := os.Stat(tc.socket); err != nil || fi.Mode().Perm() != 0o666 {
					t.Errorf("socket file %v, %v; want mode 0666", fi, err)
				}
			}
		})
	}
	if data, err := os.ReadFile(regular); err != nil || string(data) != "data" {
		t.Errorf("the regular file was touched: %q, %v", data, err)
	}
	if c, err := net.Dial("unix", live); err != nil {
		t.Errorf("the live server's socket was taken: %v", err)
	} else {
		c.Close()
	}
	// Closing the listener removes its socket file: the next run starts
	// clean.
	path := filepath.Join(dir, "gone.sock")
	l, err = Unix(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket file after Close: %v", err)
	}
}
