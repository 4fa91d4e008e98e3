package gateway

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
)

// Conn is one connection being served, as a protocol's reader sees it.
// Conns are pooled with their buffers and handler, so that a request
// allocates only the environ's strings.
type Conn struct {
	// R reads the connection.
	R *bufio.Reader
	// Env is the environ to fill with the request's variables: the
	// handler's own, empty.
	Env *wsgiref.Environ
	// MaxHeaderBytes is the server's limit on the block of variables.
	MaxHeaderBytes int
	// Buf is scratch space for the reader, kept across requests.
	Buf []byte

	rwc  net.Conn
	w    *bufio.Writer
	line lineWriter
	h    *handlers.Handler
	in   body
	late bool // an application error after the headers were sent
	cfg  *Config
}

// ReadRequest is a protocol's reader: it reads the variables of one
// request from c.R into c.Env and returns CONTENT_LENGTH, the length of
// the body that follows.
type ReadRequest func(c *Conn) (contentLength int64, err error)

func newConn(cfg *Config) *Conn {
	c := &Conn{cfg: cfg, R: bufio.NewReaderSize(nil, 4096), w: bufio.NewWriterSize(nil, 4096)}
	c.h = handlers.NewBaseCGIHandler(nil, nil, nil, nil, true, cfg.Multiprocess)
	c.h.LogError = c.logError
	c.Env = c.h.Env()
	c.MaxHeaderBytes = cfg.MaxHeaderBytes
	return c
}

// logError is the handler's LogError: the application's error goes to
// wsgi.errors as the default does, and an error after the headers marks
// the response broken, so that the connection is reset rather than closed
// and the front end sees that the response is incomplete.
func (c *Conn) logError(env *wsgiref.Environ, err error) {
	if c.h.HeadersSent() {
		c.late = true
	}
	w := env.Errors
	if w == nil {
		w = c.cfg.Errors
	}
	handlers.WriteError(w, err)
}

// serve reads one request with read, runs app and closes the connection.
func (c *Conn) serve(rwc net.Conn, read ReadRequest, app wsgiref.App) {
	c.rwc, c.late = rwc, false
	c.R.Reset(rwc)
	c.w.Reset(rwc)
	c.h.Reset()
	cfg := c.cfg
	if cfg.HeaderTimeout > 0 {
		rwc.SetReadDeadline(time.Now().Add(cfg.HeaderTimeout))
	}
	n, err := read(c)
	if err == nil && cfg.MaxBodyBytes > 0 && n > cfg.MaxBodyBytes {
		err = ErrBodyTooLarge
	}
	if err != nil {
		if err != io.EOF { // a connection closed before any byte is no request
			c.refuse(err)
		}
		c.close(false, true)
		return
	}
	now := time.Now()
	rwc.SetReadDeadline(deadline(now, cfg.ReadTimeout))
	rwc.SetWriteDeadline(deadline(now, cfg.WriteTimeout))
	c.in.reset(c.R, n)
	h := c.h
	h.Stdin, h.Stdout, h.Stderr, h.Environ = &c.in, c.w, cfg.Errors, c.Env
	if cfg.StatusLine {
		c.line.reset(c.w)
		h.Stdout = &c.line
	}
	err = h.Run(app)
	if err == nil {
		err = c.w.Flush()
	}
	switch {
	case c.in.err != nil:
		c.warn("request body: "+c.reason(c.in.err), "")
	case err != nil && !handlers.IsClientGone(err):
		c.warn("response: "+c.reason(err), "")
	}
	c.close(err != nil || c.late, c.in.left > 0 || c.R.Buffered() > 0)
}

func deadline(now time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return now.Add(d)
}

// refuse logs why a request was refused and, when the front end can still
// read, answers with the status that says so.
func (c *Conn) refuse(err error) {
	st := status(err)
	c.warn("refused request: "+c.reason(err), st)
	if st == "" {
		return
	}
	c.rwc.SetWriteDeadline(time.Now().Add(time.Second))
	b := c.w.AvailableBuffer()
	if c.cfg.StatusLine {
		b = append(b, statusLine...)
	} else {
		b = append(b, statusPrefix...)
	}
	b = append(b, st...)
	b = append(b, "\r\nContent-Type: text/plain\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(st)+1), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, st...)
	b = append(b, '\n')
	c.w.Write(b)
	c.w.Flush()
}

func (c *Conn) warn(msg, status string) {
	attrs := []slog.Attr{slog.String("remote", remote(c.rwc))}
	if status != "" {
		attrs = append(attrs, slog.String("status", status))
	}
	c.cfg.Logger.LogAttrs(context.Background(), slog.LevelWarn, c.cfg.Protocol+": "+msg, attrs...)
}

// reason is err's message without the protocol's prefix, which the log
// message already has.
func (c *Conn) reason(err error) string {
	return strings.TrimPrefix(err.Error(), c.cfg.Protocol+": ")
}

func remote(c net.Conn) string {
	if a := c.RemoteAddr(); a != nil {
		return a.String()
	}
	return ""
}

// close ends the connection. A broken response is reset (on TCP), so the
// front end cannot take it for a complete one. When bytes may be left
// unread (a body the application did not read, a refused request), the
// connection is drained first, for a while: closing a socket with unread
// bytes resets it too, and the front end could lose the response.
func (c *Conn) close(broken, unread bool) {
	rwc := c.rwc
	if tcp, ok := rwc.(*net.TCPConn); ok && broken {
		tcp.SetLinger(0)
	} else if unread {
		if cw, ok := rwc.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
			rwc.SetReadDeadline(time.Now().Add(2 * time.Second))
			io.CopyN(io.Discard, rwc, 4<<20)
		}
	}
	rwc.Close()
	c.rwc = nil
	c.h.Stdin, c.h.Stdout = nil, nil
	c.R.Reset(nil)
	c.w.Reset(nil)
	c.in = body{}
}
