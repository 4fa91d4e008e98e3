package handlers_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
)

func hello(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	return wsgiref.Strings("Hello, " + env.Get("PATH_INFO")[1:] + "!"), nil
}

// A CGI-style gateway: the response starts with a Status header, and a
// one-block body gets its Content-Length.
func ExampleNewBaseCGIHandler() {
	env := &wsgiref.Environ{}
	env.Set("REQUEST_METHOD", "GET")
	env.Set("PATH_INFO", "/world")
	var out bytes.Buffer
	h := handlers.NewBaseCGIHandler(strings.NewReader(""), &out, os.Stderr, env, false, true)
	h.Run(wsgiref.AppFunc(hello))
	fmt.Printf("%q\n", out.String())
	// Output: "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!"
}

// An application that fails before sending anything gets CPython's error
// page, and its error goes to wsgi.errors.
func ExampleHandler_Run_error() {
	env := &wsgiref.Environ{}
	var out, log bytes.Buffer
	h := handlers.NewBaseCGIHandler(strings.NewReader(""), &out, &log, env, false, true)
	h.Run(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		return nil, fmt.Errorf("database unavailable")
	}))
	fmt.Printf("%q\n%s", out.String(), log.String())
	// Output:
	// "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 59\r\n\r\nA server error occurred.  Please contact the administrator."
	// database unavailable
}

func ExampleFormatDateTime() {
	fmt.Println(handlers.FormatDateTime(time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)))
	// Output: Sun, 06 Nov 1994 08:49:37 GMT
}

// Mounting a WSGI application on net/http.
func ExampleHTTPHandler() {
	srv := httptest.NewServer(handlers.NewHTTPHandler(wsgiref.AppFunc(hello)))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/gopher")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, resp.Header.Get("Content-Length"), string(body))
	// Output: 200 OK 14 Hello, gopher!
}

// A LogError that counts application errors and still writes each one as
// the default does, with WriteError.
func ExampleWriteError() {
	var failures int
	env := wsgiref.NewEnviron("REQUEST_METHOD", "GET", "PATH_INFO", "/")
	var out, errs bytes.Buffer
	h := handlers.NewBaseCGIHandler(strings.NewReader(""), &out, &errs, env, false, true)
	h.LogError = func(env *wsgiref.Environ, err error) {
		failures++
		handlers.WriteError(env.Errors, err)
	}
	h.Run(wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) {
		return nil, errors.New("database unavailable")
	}))
	fmt.Print(failures, " failure: ", errs.String())
	fmt.Println(strings.SplitN(out.String(), "\r\n", 2)[0])
	// Output:
	// 1 failure: database unavailable
	// Status: 500 Internal Server Error
}

// A server that fills each request's environ in place: Reset, fill Env(),
// point Environ at it, and say with EnvironComplete that the scheme and
// SERVER_SOFTWARE are there, so that Run does not look them up again.
func ExampleHandler_Env() {
	var out bytes.Buffer
	h := handlers.NewSimpleHandler(strings.NewReader(""), &out, os.Stderr, nil, false, false)
	for _, path := range []string{"/world", "/again"} {
		out.Reset()
		h.Reset()
		env := h.Env()
		env.Set("SERVER_PROTOCOL", "HTTP/1.0")
		env.Set("SERVER_SOFTWARE", "Example/1")
		env.Set("REQUEST_METHOD", "GET")
		env.Set("PATH_INFO", path)
		env.Set(wsgiref.URLSchemeKey, "http")
		h.Environ, h.EnvironComplete = env, true
		h.Run(wsgiref.AppFunc(hello))
		body := out.String()[strings.Index(out.String(), "\r\n\r\n")+4:]
		fmt.Println(h.Status(), body)
	}
	// Output:
	// 200 OK Hello, world!
	// 200 OK Hello, again!
}
