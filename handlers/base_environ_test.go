package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// baseVars are the variables a test puts into a server's base environ.
var baseVars = []string{
	"SERVER_NAME", "custom.example",
	"REMOTE_HOST", "client.example",
	"GATEWAY_INTERFACE", "CGI/1.1",
	"SERVER_PORT", "8443",
	"SCRIPT_NAME", "/base",
	"X_SITE", "blue",
}

// baseApp reports the base variables as the application sees them.
var baseApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("200 OK", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	var b []byte
	for i := 0; i < len(baseVars); i += 2 {
		b = fmt.Appendf(b, "%s=%q\n", baseVars[i], env.Get(baseVars[i]))
	}
	b = fmt.Appendf(b, "PATH_INFO=%q CONTENT_LENGTH=%q\n", env.Get("PATH_INFO"), env.Get("CONTENT_LENGTH"))
	return wsgiref.Blocks(b), nil
})

// TestBaseEnvironKept: edits of a server's base environ reach the
// application, through the simple server (BaseEnviron) and through the
// net/http bridge (HTTPHandler.Base), as CPython's get_environ copies
// base_environ and leaves its keys alone. A request's Content-Length still
// replaces the base CONTENT_LENGTH, as in CPython. Before the fix
// RequestEnviron wrote SERVER_NAME, SERVER_PORT, REMOTE_HOST and
// SCRIPT_NAME a second time, over the base.
func TestBaseEnvironKept(t *testing.T) {
	want := func(pathInfo, contentLength string) string {
		var b []byte
		for i := 0; i < len(baseVars); i += 2 {
			b = fmt.Appendf(b, "%s=%q\n", baseVars[i], baseVars[i+1])
		}
		return string(fmt.Appendf(b, "PATH_INFO=%q CONTENT_LENGTH=%q\n", pathInfo, contentLength))
	}
	for _, tc := range []struct {
		name  string
		serve func(t *testing.T) (url string)
	}{
		{"simpleserver", func(t *testing.T) string {
			srv, err := simpleserver.MakeServer("127.0.0.1", 0, baseApp,
				simpleserver.WithErrors(io.Discard), simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(baseVars); i += 2 {
				srv.BaseEnviron().Set(baseVars[i], baseVars[i+1])
			}
			done := make(chan error, 1)
			go func() { done <- srv.ServeForever() }()
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				srv.Shutdown(ctx)
				<-done
			})
			return "http://127.0.0.1:" + strconv.Itoa(srv.ServerPort())
		}},
		{"bridge", func(t *testing.T) string {
			bridge := handlers.NewHTTPHandler(baseApp)
			bridge.Errors = io.Discard
			bridge.Base = &wsgiref.Environ{}
			for i := 0; i < len(baseVars); i += 2 {
				bridge.Base.Set(baseVars[i], baseVars[i+1])
			}
			srv := httptest.NewServer(bridge)
			t.Cleanup(srv.Close)
			return srv.URL
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.serve(t)
			client := &http.Client{Timeout: 5 * time.Second}
			for _, req := range []struct {
				method, body, contentLength string
			}{
				{"GET", "", ""},
				{"POST", "abc", "3"},
			} {
				var body io.Reader
				if req.body != "" {
					body = strings.NewReader(req.body)
				}
				r, err := http.NewRequest(req.method, url+"/x", body)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(r)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if w := want("/x", req.contentLength); string(got) != w {
					t.Errorf("%s: the app saw\n%s\nwant\n%s", req.method, got, w)
				}
			}
		})
	}
}
