// Command hello is the Go side of the server load benchmarks: it serves a
// hello-world page (and, with -file, a file at /file) with one of the Go
// contenders, listening on a loopback port, and prints "LISTEN host:port"
// once it accepts connections. cmd/report starts it as a child process so
// that each server has its own runtime and its own memory figure.
//
//	hello -server nethttp [-addr 127.0.0.1:0] [-file big.bin]
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"

	"github.com/gowsgi/wsgiref/benchmarks/load"
)

// helloBody is the response of every contender, Go and Python.
const helloBody = "Hello world!\n"

// A server serves on ln until the process ends; file is the path served
// at /file, or "" for none.
type server func(ln net.Listener, file string) error

// servers holds the contenders, each registered by its own file.
var servers = map[string]server{}

func main() {
	name := flag.String("server", "nethttp", "contender: "+strings.Join(names(), ", ")+"; gateway behind a front end: "+strings.Join(gatewayNames(), ", "))
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	file := flag.String("file", "", "file to serve at /file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here until SIGINT or SIGTERM")
	flag.Parse()
	srv, ok := servers[*name]
	if !ok {
		srv, ok = gateways[*name]
	}
	if !ok {
		fmt.Fprintf(os.Stderr, "hello: unknown server %q (have %s)\n", *name, strings.Join(names(), ", "))
		os.Exit(2)
	}
	if err := load.CheckLoopback(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
	stopProfile := func() {}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "hello:", err)
			os.Exit(1)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
	}
	// SIGINT ends the server cleanly, so that the profile is complete.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		stopProfile()
		os.Exit(0)
	}()
	fmt.Printf("LISTEN %s\n", ln.Addr())
	if err := srv(ln, *file); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}

func names() []string {
	var n []string
	for k := range servers {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}
