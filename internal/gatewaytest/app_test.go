package gatewaytest

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Sizes of the large responses: several times any front end's buffers.
const (
	largeSize  = 3 << 20
	streamSize = 1 << 20
	blockSize  = 64 << 10
)

// pattern returns n bytes that differ from position to position, so that a
// lost, doubled or reordered block shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

var largeBody, streamBody = pattern(largeSize), pattern(streamSize)

// pairApp is the application every pair serves, by PATH_INFO:
//
//	/large   3 MiB in 64 KiB blocks with a Content-Length
//	/stream  1 MiB in 16 KiB blocks, no Content-Length
//	/fail    fails before start_response: the error page
//	/late    fails after its first block
//	/short   declares 1000 bytes, fails after 800
//	else     echoes the request (see echo)
func pairApp(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	switch env.Get("PATH_INFO") {
	case "/large":
		if _, err := start("200 OK", headers.New("Content-Type", "application/octet-stream",
			"Content-Length", strconv.Itoa(largeSize), "X-App", "large")); err != nil {
			return nil, err
		}
		return blocks(largeBody, blockSize), nil
	case "/stream":
		if _, err := start("200 OK", headers.New("Content-Type", "application/octet-stream", "X-App", "stream")); err != nil {
			return nil, err
		}
		return blocks(streamBody, 16<<10), nil
	case "/fail":
		return nil, errors.New("failing before the headers")
	case "/short":
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain", "Content-Length", "1000", "X-App", "short")); err != nil {
			return nil, err
		}
		return &lateBody{}, nil
	case "/late":
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain", "X-App", "late")); err != nil {
			return nil, err
		}
		return &lateBody{}, nil
	}
	body, err := io.ReadAll(env.Input)
	if err != nil {
		return nil, err
	}
	out := []byte(echo(env.Get("REQUEST_METHOD"), env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"),
		env.Get("QUERY_STRING"), env.Get(wsgiref.URLSchemeKey), body))
	if _, err := start("201 Created", headers.New("Content-Type", "text/plain; charset=utf-8",
		"Content-Length", strconv.Itoa(len(out)), "X-App", "echo")); err != nil {
		return nil, err
	}
	return wsgiref.Blocks(out), nil
}

// echo is the echo page: what the application saw, then the body.
func echo(method, script, path, query, scheme string, body []byte) string {
	return "REQUEST_METHOD=" + method + "\nSCRIPT_NAME=" + script + "\nPATH_INFO=" + path +
		"\nQUERY_STRING=" + query + "\nwsgi.url_scheme=" + scheme +
		"\nbody=" + strconv.Itoa(len(body)) + "\n" + string(body)
}

// blocks is a body yielding b in blocks of n bytes.
func blocks(b []byte, n int) wsgiref.Body {
	var parts [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		parts = append(parts, b[:k])
		b = b[k:]
	}
	return wsgiref.Blocks(parts...)
}

// lateBody yields one block, then fails.
type lateBody struct{ sent bool }

func (l *lateBody) Next() ([]byte, error) {
	if !l.sent {
		l.sent = true
		return []byte(strings.Repeat("partial ", 100)), nil
	}
	return nil, errors.New("failing after the headers")
}
