//go:build unix

package handlers

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestInterruptedWrite ports IntegrationTests.test_interrupted_write: a
// large response written while the process receives signals still reaches
// the client whole.
func TestInterruptedWrite(t *testing.T) {
	const size = 4 << 20
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, syscall.SIGUSR1)
	defer signal.Stop(sigs)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		env := &wsgiref.Environ{}
		env.Set("SERVER_PROTOCOL", "HTTP/1.0")
		bw := bufio.NewWriter(c)
		h := NewSimpleHandler(strings.NewReader(""), bw, io.Discard, env, true, false)
		err = h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
			s("200 OK", headers.New("Content-Type", "application/octet-stream"))
			return wsgiref.Blocks(make([]byte, size)), nil
		}))
		if err == nil {
			err = bw.Flush()
		}
		served <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	head, err := r.Peek(100)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(head, []byte("HTTP/1.0 200 OK\r\n")) {
		t.Fatalf("head %q", head)
	}
	// The server is now blocked in write(2) on a full socket buffer.
	for i := 0; i < 20; i++ {
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatalf("server: %v", err)
	}
	_, body, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	if len(body) != size {
		t.Errorf("received %d body bytes, want %d", len(body), size)
	}
	// Signal delivery is asynchronous: on a loaded machine the first
	// SIGUSR1 may reach the channel after the last byte did.
	select {
	case <-sigs:
	case <-time.After(5 * time.Second):
		t.Error("no signal was delivered")
	}
}
