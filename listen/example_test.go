package listen_test

import (
	"fmt"
	"log"

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
