package validate_test

import (
	"context"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
	"github.com/gowsgi/wsgiref/validate"
)

// TestValidatorKeepsContentLength: under the validator a one-block body
// still gets its Content-Length from the server, over HTTP/1.1 to a real
// client, and bodies of several or unknown blocks stay chunked, exactly as
// without the validator. Before the fix every validated response was
// chunked.
func TestValidatorKeepsContentLength(t *testing.T) {
	bodies := map[string]func() wsgiref.Body{
		"/one":     func() wsgiref.Body { return wsgiref.Strings("Hello, world!") },
		"/two":     func() wsgiref.Body { return wsgiref.Strings("Hello, ", "world!") },
		"/closing": func() wsgiref.Body { return &wsgiref.ClosingBody{Body: wsgiref.Strings("Hello, world!")} },
		"/seq": func() wsgiref.Body {
			return wsgiref.FromSeq(iter.Seq2[[]byte, error](func(yield func([]byte, error) bool) {
				yield([]byte("Hello, world!"), nil)
			}))
		},
	}
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
			return nil, err
		}
		return bodies[env.Get("PATH_INFO")](), nil
	})
	for _, tc := range []struct {
		path    string
		chunked bool // the server's framing without the validator
	}{
		{"/one", false},
		{"/closing", false},
		{"/two", true},
		{"/seq", true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			for _, validated := range []bool{false, true} {
				var served wsgiref.App = app
				if validated {
					served = validate.Validator(app)
				}
				resp := get(t, served, tc.path)
				wantLength := int64(-1)
				if !tc.chunked {
					wantLength = int64(len("Hello, world!"))
				}
				if resp.ContentLength != wantLength || (len(resp.TransferEncoding) > 0) != tc.chunked {
					t.Errorf("validated=%v: Content-Length %d, Transfer-Encoding %q; want %d (chunked %v)",
						validated, resp.ContentLength, resp.TransferEncoding, wantLength, tc.chunked)
				}
			}
		})
	}
}

// get serves app on a simple server over loopback for one HTTP/1.1
// request and returns the response with its body read.
func get(t *testing.T, app wsgiref.App, path string) *http.Response {
	t.Helper()
	srv, err := simpleserver.MakeServer("127.0.0.1", 0, app, simpleserver.WithErrors(io.Discard),
		simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeForever() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	})
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(srv.ServerPort()) + path)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "Hello, world!" {
		t.Fatalf("body %q, %v", body, err)
	}
	return resp
}
