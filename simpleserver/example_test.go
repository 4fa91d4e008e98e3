package simpleserver_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// The docs' hello world: make a server for an application, serve, ask.
func ExampleMakeServer() {
	hello := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if _, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}); err != nil {
			return nil, err
		}
		return wsgiref.Strings("Hello World"), nil
	})
	// Port 0: any free port. The access log is silenced for the example;
	// by default it goes to stderr in CPython's format.
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, hello,
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	go srv.ServeForever()

	resp, err := http.Get("http://" + srv.Addr().String() + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, resp.Header.Get("Server") == simpleserver.SoftwareVersion)
	fmt.Println(string(body))
	// Output:
	// 200 OK true
	// Hello World
}

// HandleRequest serves a single request, as the module's __main__ block
// does with demo_app.
func ExampleWSGIServer_HandleRequest() {
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, simpleserver.DemoApp,
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	done := make(chan error)
	go func() { done <- srv.HandleRequest() }()

	resp, err := http.Get("http://" + srv.Addr().String() + "/xyz?abc")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(<-done, resp.Close)
	fmt.Printf("%.14s\n", body)
	// Output:
	// <nil> true
	// Hello world!
}

// A request handler that adds a variable to every environ: embed
// WSGIRequestHandler and override GetEnviron, as a Python subclass would.
type tenantHandler struct {
	simpleserver.WSGIRequestHandler
}

func (h tenantHandler) GetEnviron(r *simpleserver.Request, env *wsgiref.Environ) {
	h.WSGIRequestHandler.GetEnviron(r, env)
	env.Set("TENANT", "blue")
}

func ExampleWithRequestHandler() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", nil)
		return wsgiref.Strings("tenant " + env.Get("TENANT")), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
		simpleserver.WithRequestHandler(tenantHandler{}),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	go srv.ServeForever()
	resp, err := http.Get("http://" + srv.Addr().String() + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: tenant blue
}

// A body limit: a declared length over it is refused before the
// application runs; a chunked body that grows past it fails wsgi.input,
// and the client is told 413 when the application passes the error on.
func ExampleWithMaxBodyBytes() {
	upload := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		body, err := io.ReadAll(env.Input)
		if err != nil {
			return nil, err // the server answers 413 for its own limit
		}
		if _, err := start("200 OK", nil); err != nil {
			return nil, err
		}
		return wsgiref.Strings(fmt.Sprintf("got %d bytes", len(body))), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, upload,
		simpleserver.WithMaxBodyBytes(1024),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)),
		simpleserver.WithErrors(io.Discard))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	go srv.ServeForever()

	url := "http://" + srv.Addr().String() + "/upload"
	for _, n := range []int{1000, 5000} {
		resp, err := http.Post(url, "application/octet-stream", strings.NewReader(strings.Repeat("x", n)))
		if err != nil {
			fmt.Println(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(n, resp.Status)
	}
	// Output:
	// 1000 200 OK
	// 5000 413 Content Too Large
}

// An application that handles the body limit itself: wsgi.input's error
// past WithMaxBodyBytes is a *MaxBytesError.
func ExampleMaxBytesError() {
	upload := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		_, err := io.ReadAll(env.Input)
		var tooLarge *simpleserver.MaxBytesError
		if errors.As(err, &tooLarge) {
			start("413 Content Too Large", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
			return wsgiref.Strings(fmt.Sprintf("at most %d bytes, please", tooLarge.Limit)), nil
		}
		if err != nil {
			return nil, err
		}
		start("200 OK", nil)
		return wsgiref.Strings("stored"), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, upload,
		simpleserver.WithMaxBodyBytes(4),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	go srv.ServeForever()
	// A body of unknown length goes chunked: the limit applies as it is read.
	resp, err := http.Post("http://"+srv.Addr().String()+"/", "text/plain", io.MultiReader(strings.NewReader("too long")))
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, string(body))
	// Output: 413 Content Too Large at most 4 bytes, please
}

// A field name with "_" is left out of the environ by default, since
// "X_User" would alias "X-User"; WithUnderscoreFields(true) keeps CPython's
// behaviour.
func ExampleWithUnderscoreFields() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", nil)
		return wsgiref.Strings(env.Get("HTTP_X_USER")), nil
	})
	for _, keep := range []bool{false, true} {
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
			simpleserver.WithUnderscoreFields(keep),
			simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			fmt.Println(err)
			return
		}
		go srv.ServeForever()
		req, _ := http.NewRequest("GET", "http://"+srv.Addr().String()+"/", nil)
		req.Header["X_User"] = []string{"admin"} // as sent, not canonicalised
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		fmt.Printf("keep=%v HTTP_X_USER=%q\n", keep, body)
	}
	// Output:
	// keep=false HTTP_X_USER=""
	// keep=true HTTP_X_USER="admin"
}

// fieldLister is a RequestHandler that adds the request's field names, in
// the order the client sent them, to the environ.
type fieldLister struct {
	simpleserver.WSGIRequestHandler
}

func (h fieldLister) GetEnviron(r *simpleserver.Request, env *wsgiref.Environ) {
	h.WSGIRequestHandler.GetEnviron(r, env)
	env.Set("FIELD_NAMES", strings.Join(r.Headers.Keys(), " "))
}

// A RequestHandler sees the request as CPython's WSGIRequestHandler holds
// it: the command, path, version, request line and the fields in wire order.
func ExampleRequest() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", nil)
		return wsgiref.Strings(env.Get("FIELD_NAMES")), nil
	})
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app,
		simpleserver.WithRequestHandler(fieldLister{}),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	go srv.ServeForever()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.0\r\nZ-Last: 1\r\nhost: h\r\nA-First: 2\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: Z-Last host A-First
}
