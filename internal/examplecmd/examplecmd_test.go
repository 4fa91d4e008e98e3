package examplecmd

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListener: each way a command opens its socket, and the files it
// must not take for a stale socket.
func TestListener(t *testing.T) {
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
	}{
		{name: "tcp", addr: "127.0.0.1:0", network: "tcp"},
		{name: "new socket", socket: filepath.Join(dir, "new.sock"), network: "unix"},
		{name: "stale socket replaced", socket: stale, network: "unix"},
		{name: "another server listening", socket: live, err: "another server is listening there"},
		{name: "not a socket", socket: regular, err: "address already in use"},
		{name: "bad address", addr: "127.0.0.1:http-nope", err: "unknown port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Listener(tc.addr, tc.socket)
			if tc.network == "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Listener: %v, want an error with %q", err, tc.err)
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
}
