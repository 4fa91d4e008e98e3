package fastcgi

import (
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
)

// FuzzParams decodes arbitrary parameter blocks. A block that decodes is
// re-encoded in the canonical form and must decode to the same pairs, and
// the environ must hold each name's last value; one that does not is
// ErrBadParams.
func FuzzParams(f *testing.F) {
	f.Add(pairs("REQUEST_METHOD", "GET", "QUERY_STRING", "", "HTTP_X", "1", "HTTP_X", "2"))
	f.Add([]byte("\x80\x00\x00\x03\x01abcv"))
	f.Add([]byte("\x32\x01short"))
	f.Add([]byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, block []byte) {
		var names, values []string
		var err error
		for rest := string(block); len(rest) > 0; {
			var name, value string
			if name, value, rest, err = nextPair(rest); err != nil {
				break
			}
			names, values = append(names, name), append(values, value)
		}
		var env wsgiref.Environ
		perr := parseParams(string(block), &env)
		if (err == nil) != (perr == nil) {
			t.Fatalf("nextPair says %v, parseParams %v", err, perr)
		}
		if err != nil {
			if !errors.Is(err, ErrBadParams) {
				t.Fatalf("error %v is not ErrBadParams", err)
			}
			return
		}
		var canon []byte
		last := map[string]string{}
		for i := range names {
			canon = appendPair(canon, names[i], values[i])
			last[names[i]] = values[i]
		}
		var again wsgiref.Environ
		if err := parseParams(string(canon), &again); err != nil {
			t.Fatalf("canonical form %q does not decode: %v", canon, err)
		}
		if env.Len() != len(last) || again.Len() != len(last) {
			t.Fatalf("environ has %d and %d names, want %d", env.Len(), again.Len(), len(last))
		}
		for k, v := range last {
			if env.Get(k) != v || again.Get(k) != v {
				t.Fatalf("%q = %q and %q, want %q", k, env.Get(k), again.Get(k), v)
			}
		}
	})
}

// FuzzConn runs a real connection (the reader and the worker, over an
// in-memory pipe) on arbitrary bytes from the front end: it must end when
// the input ends, without a panic, whatever the records say; every record
// it sends back must be well formed.
func FuzzConn(f *testing.F) {
	f.Add(request(1, true, "body", "REQUEST_METHOD", "POST", "CONTENT_LENGTH", "4"))
	f.Add(append(request(1, true, "", "REQUEST_METHOD", "GET"), request(2, false, "x", "REQUEST_METHOD", "GET")...))
	f.Add(rec(typeGetValues, 0, pairs("FCGI_MPXS_CONNS", "", "FCGI_MAX_CONNS", "")))
	f.Add(append(rec(typeBeginRequest, 1, beginBody(roleResponder, true)), rec(typeAbortRequest, 1, nil)...))
	f.Add(append(request(1, true, "", "REQUEST_METHOD", "GET")[:30], 2, 0, 0))
	srv := NewServer(echoApp, WithLogger(slog.New(slog.DiscardHandler)), WithMaxParamsBytes(4096))
	f.Fuzz(func(t *testing.T, input []byte) {
		front, back := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.serveConn(back)
		}()
		replies := make(chan error, 1)
		go func() { replies <- checkRecords(front) }()
		front.SetWriteDeadline(time.Now().Add(2 * time.Second))
		front.Write(input) // the server may stop reading early
		front.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the connection did not end after its input")
		}
		if err := <-replies; err != nil {
			t.Fatal(err)
		}
	})
}

// checkRecords reads what the server sends until the connection ends and
// checks the framing of each record.
func checkRecords(c net.Conn) error {
	cl := &client{c: c}
	cl.br = newTestReader(c)
	for {
		hd, _, err := cl.readRecord()
		if err != nil {
			if errors.Is(err, ErrVersion) || errors.Is(err, ErrTruncated) {
				return err
			}
			return nil // the pipe closed
		}
		switch hd.typ {
		case typeStdout, typeStderr, typeEndRequest, typeGetValuesResult, typeUnknownType:
		default:
			return errors.New("the server sent a record of a type it must not send")
		}
	}
}
