package simpleserver

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// errorApp is the error page of a refused request as a WSGI application,
// so that the connection's handlers.Handler writes it like any response:
// one writer on the wire, with its status line, its cached Date and the
// server's Server header.
type errorApp struct {
	status string
	body   [1][]byte
	blocks wsgiref.SliceBody
}

// errorFields are send_error's, after the Date and Server the handler adds
// (and before its Content-Length and "Connection: close").
var errorFields = headers.Headers{
	{Name: "Content-Type", Value: "text/html;charset=utf-8"},
}

func (a *errorApp) ServeWSGI(_ *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start(a.status, errorFields); err != nil {
		return nil, err
	}
	a.blocks.Reset(a.body[:]...)
	return &a.blocks, nil
}

// refuse answers a request the application never sees, as CPython's
// send_error(code, None, reason): log_error with the reason, the error page
// with the reason as its explanation (HTTP/1.0, the connection closed after
// it), then the access line with size "-". The page's fields come in the
// handler's order, "Date, Server, Content-Type, Content-Length,
// Connection", where send_error writes "Server, Date, Connection,
// Content-Type, Content-Length".
func (c *conn) refuse(code int, reason string) {
	s := c.s
	c.linger = true
	c.rwc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	explain := reason
	switch code {
	case http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong, http.StatusRequestHeaderFieldsTooLarge:
		// A limit: CPython's own page, the details in the log only.
		explain = ""
	}
	status, body := errorResponse(code, explain)
	app := &errorApp{status: status}
	app.body[0] = body
	h := c.h
	h.Reset()
	env := h.Env()
	if c.head.Method != "" {
		env.Set("REQUEST_METHOD", c.head.Method) // no page after HEAD
	}
	h.Stdin, h.Stdout, h.Stderr, h.Environ = nil, &c.out, s.cfg.stderr, env
	h.OSEnviron = nil
	h.OriginServer = true
	h.HTTPVersion = "1.0"
	h.ServerSoftware = s.info.Software
	h.KeepAlive, h.AnnounceClose = false, true
	h.Run(app)
	h.Reset()
	h.AnnounceClose = false
	c.bw.Flush()
	line := c.head.Line
	if code == http.StatusRequestURITooLong {
		line = ""
	}
	msg := reason
	if msg == "" {
		msg = status[4:]
	}
	s.logLine(c, line, strconv.Itoa(code), -1, slog.LevelWarn, msg)
}
