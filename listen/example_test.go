package listen_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gowsgi/wsgiref/listen"
)

// Two listeners on one port, as two processes of a server would open it:
// the kernel spreads new connections across them.
func ExampleReusePort() {
	a, err := listen.ReusePort("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := listen.ReusePort("tcp", a.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	fmt.Println(a.Addr().String() == b.Addr().String())
	// Output: true
}

// A server that runs under systemd socket activation when it is given a
// socket, and listens by itself otherwise.
func ExampleSockets() {
	sockets, err := listen.Sockets()
	if err != nil {
		log.Fatal(err)
	}
	if len(sockets) == 0 {
		fmt.Println("not socket-activated: listen on -addr")
		return
	}
	fmt.Println("serving on", sockets[0].Name, sockets[0].Listener.Addr())
	// Output: not socket-activated: listen on -addr
}

// A gateway command's listener: systemd's socket when it passed one, else
// the Unix socket a front end on the same machine connects to, else a TCP
// port. An earlier run's socket file is replaced.
func ExampleListen() {
	dir, err := os.MkdirTemp("", "listen")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := listen.Listen("127.0.0.1:8000", filepath.Join(dir, "scgi.sock"))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	fmt.Println(l.Addr().Network(), filepath.Base(l.Addr().String()))
	// Output: unix scgi.sock
}
