package stress

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestClassification serves one request from a raw loopback server that
// misbehaves in one way each, and checks that the driver files it where
// it belongs: only a connection that ends before the first response byte
// is a refusal; everything short of a verified response is a failure.
func TestClassification(t *testing.T) {
	req := Request{Kind: KindGet, Off: 7, Size: 300}
	good := Pattern[7:307]
	head := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(good)) + "\r\n\r\n"
	corrupt := append([]byte(nil), good...)
	corrupt[299] ^= 1
	tests := []struct {
		name                      string
		answer                    string
		complete, refused, failed int64
	}{
		{"verified", head + string(good), 1, 0, 0},
		{"closed before answering", "", 0, 1, 0},
		{"cut after the status line", "HTTP/1.1 200 OK\r\n", 0, 0, 1},
		{"cut in the body", head + string(good[:150]), 0, 0, 1},
		{"one byte wrong", head + string(corrupt), 0, 0, 1},
		{"wrong status", "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", 0, 0, 1},
		{"chunked body cut before its last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n" + string(good) + "\r\n", 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveOnce(t, tt.answer)
			var tl Tally
			w := worker{cfg: &DriveConfig{Addr: addr, Timeout: 5 * time.Second}, t: &tl}
			if !w.dial() {
				t.Fatal("dial failed")
			}
			defer w.close()
			w.do(req, 0)
			if tl.Complete.Load() != tt.complete || tl.Refused.Load() != tt.refused || tl.Failed.Load() != tt.failed {
				t.Errorf("complete %d refused %d failed %d, want %d %d %d (%v)", tl.Complete.Load(), tl.Refused.Load(), tl.Failed.Load(),
					tt.complete, tt.refused, tt.failed, tl.Errors())
			}
		})
	}
}

// serveOnce accepts one connection, reads one request, writes answer and
// closes.
func serveOnce(t *testing.T, answer string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write([]byte(answer))
	}()
	return ln.Addr().String()
}
