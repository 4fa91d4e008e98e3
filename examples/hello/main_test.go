package main

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/simpleserver"
)

func TestHelloWorldApp(t *testing.T) {
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, wsgiref.AppFunc(helloWorldApp),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go srv.ServeForever()
	resp, err := http.Get("http://" + srv.Addr().String() + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "Hello World" ||
		resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || resp.ContentLength != 11 {
		t.Errorf("%d %q %v", resp.StatusCode, body, resp.Header)
	}
}
