package handlers

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestFileWrapperOverTCP sends a file body from wsgi.file_wrapper through a
// *bufio.Writer over a real loopback TCP connection (the sendfile path) and
// checks the bytes the client receives, Content-Length included.
func TestFileWrapperOverTCP(t *testing.T) {
	data := bytes.Repeat([]byte("wsgiref file body\n"), 20000)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, proto, version string
		skip                 int64
		appLength            string
	}{
		{"HTTP/1.0", "HTTP/1.0", "1.0", 0, ""},
		{"HTTP/1.1 keep-alive", "HTTP/1.1", "1.1", 0, ""},
		{"after a seek", "HTTP/1.1", "1.1", 1000, ""},
		{"application's own length", "HTTP/1.0", "1.0", 0, "360000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			done := make(chan *Handler, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					done <- nil
					return
				}
				defer c.Close()
				env := &wsgiref.Environ{}
				env.Set("SERVER_PROTOCOL", tc.proto)
				env.Set("REQUEST_METHOD", "GET")
				bw := bufio.NewWriter(c)
				h := NewSimpleHandler(strings.NewReader(""), bw, io.Discard, env, true, false)
				h.HTTPVersion, h.KeepAlive = tc.version, true
				h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
					f, err := os.Open(path)
					if err != nil {
						return nil, err
					}
					f.Seek(tc.skip, io.SeekStart)
					hdrs := headers.New("Content-Type", "text/plain", "Date", "X")
					if tc.appLength != "" {
						hdrs.Add("Content-Length", tc.appLength)
					}
					s("200 OK", hdrs)
					return e.FileWrapper(f, 0), nil
				}))
				bw.Flush()
				done <- h
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			resp, err := io.ReadAll(c) // the server closes after the response
			if err != nil {
				t.Fatal(err)
			}
			h := <-done
			if h == nil {
				t.Fatal("no connection")
			}
			head, body, _ := bytes.Cut(resp, []byte("\r\n\r\n"))
			wantLength := "Content-Length: " + strconv.Itoa(len(data)-int(tc.skip))
			if tc.appLength != "" {
				wantLength = "Content-Length: " + tc.appLength
			}
			if !bytes.Contains(append(head, "\r\n"...), []byte(wantLength+"\r\n")) || !bytes.Equal(body, data[tc.skip:]) {
				t.Errorf("head %q, body %d bytes (want %d)", head, len(body), len(data)-int(tc.skip))
			}
			if h.BytesSent() != int64(len(data))-tc.skip || !h.Reusable() {
				t.Errorf("sent %d reusable %v", h.BytesSent(), h.Reusable())
			}
		})
	}
}

// TestFileWrapperBytes checks the exact response of a file body with each
// framing, over a buffer.
func TestFileWrapperBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("0123456789"), 0o644)
	app := wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s("200 OK", headers.New("Date", "X"))
		return e.FileWrapper(f, 4), nil
	})
	pipeApp := wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
		s("200 OK", headers.New("Date", "X"))
		return e.FileWrapper(strings.NewReader("0123456789"), 4), nil
	})
	for _, tc := range []struct {
		name    string
		app     wsgiref.App
		version string
		sendf   bool
		want    string
	}{
		{"file, sendfile", app, "1.1", true, "HTTP/1.1 200 OK\r\nDate: X\r\nContent-Length: 10\r\n\r\n0123456789"},
		{"file, iterated as CPython", app, "1.0", false, "HTTP/1.0 200 OK\r\nDate: X\r\n\r\n0123456789"},
		{"reader, chunked", pipeApp, "1.1", true, "HTTP/1.1 200 OK\r\nDate: X\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n"},
		{"reader, iterated and chunked", pipeApp, "1.1", false, "HTTP/1.1 200 OK\r\nDate: X\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n0123\r\n4\r\n4567\r\n2\r\n89\r\n0\r\n\r\n"},
	} {
		h, out, _ := originHandler("HTTP/1.1", "GET", tc.version, true)
		if !tc.sendf {
			h.Sendfile = nil
		}
		if err := h.Run(tc.app); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, out, tc.want)
		}
	}
}

// TestSendfileHookSeesEveryBody: the handler passes over the default
// hook for a body in memory (isSendfileWriterTo), and only that hook: any
// other is offered every body, a *wsgiref.SliceBody included, and what it
// sends is the response.
func TestSendfileHookSeesEveryBody(t *testing.T) {
	hello := wsgiref.AppFunc(func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
		return e.Blocks([]byte("hello")), nil
	})
	var offered []wsgiref.Body
	own := func(h *Handler, body wsgiref.Body) (bool, error) {
		offered = append(offered, body)
		return true, h.Write([]byte("from the hook"))
	}
	wrapped := func(h *Handler, body wsgiref.Body) (bool, error) {
		offered = append(offered, body)
		return SendfileWriterTo(h, body)
	}
	for _, tc := range []struct {
		name    string
		hook    func(*Handler, wsgiref.Body) (bool, error)
		offered int
		body    string
	}{
		{"default", SendfileWriterTo, 0, "hello"},
		{"own hook", own, 1, "from the hook"},
		{"wrapping the default", wrapped, 1, "hello"},
		{"none", nil, 0, "hello"},
	} {
		offered = offered[:0]
		h, out, _ := originHandler("HTTP/1.1", "GET", "1.1", true)
		h.Sendfile = tc.hook
		if err := h.Run(hello); err != nil {
			t.Fatal(err)
		}
		if len(offered) != tc.offered {
			t.Errorf("%s: hook offered %d bodies, want %d", tc.name, len(offered), tc.offered)
		}
		for _, b := range offered {
			if _, ok := b.(*wsgiref.SliceBody); !ok {
				t.Errorf("%s: hook offered a %T, want the app's *wsgiref.SliceBody", tc.name, b)
			}
		}
		if !strings.HasSuffix(out.String(), "\r\n\r\n"+tc.body) {
			t.Errorf("%s: response %q, want the body %q", tc.name, out, tc.body)
		}
	}
}

func TestIsSendfileWriterTo(t *testing.T) {
	viaVar := SendfileWriterTo
	closure := func(h *Handler, b wsgiref.Body) (bool, error) { return SendfileWriterTo(h, b) }
	other := func(*Handler, wsgiref.Body) (bool, error) { return false, nil }
	for _, tc := range []struct {
		name string
		hook func(*Handler, wsgiref.Body) (bool, error)
		want bool
	}{
		{"SendfileWriterTo", SendfileWriterTo, true},
		{"through a variable", viaVar, true},
		{"a handler's default", NewSimpleHandler(nil, nil, nil, nil, false, false).Sendfile, true},
		{"a closure calling it", closure, false},
		{"another function", other, false},
		{"a method value", hookHolder{}.send, false},
		{"nil", nil, false},
	} {
		if got := isSendfileWriterTo(tc.hook); got != tc.want {
			t.Errorf("isSendfileWriterTo(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

type hookHolder struct{}

func (hookHolder) send(h *Handler, b wsgiref.Body) (bool, error) { return SendfileWriterTo(h, b) }
