package handlers

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

var errPanicked = errors.New("app exploded")

// panickyApp panics with errPanicked: before start_response, after it,
// or after writing through the write callable, which it keeps in *kept.
func panickyApp(stage string, kept *wsgiref.Write) wsgiref.AppFunc {
	return func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if stage != "before start" {
			w, _ := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
			*kept = w
			if stage == "after a write" {
				w([]byte("partial"))
			}
		}
		panic(errPanicked)
	}
}

// TestRunRecoversAppPanic: a panic of the application, at any stage, is
// a *PanicError carrying the panic's own stack, logged, and answered with
// the error page while no header was sent; the write callable dies with
// the response; and the handler serves its next request cleanly.
func TestRunRecoversAppPanic(t *testing.T) {
	for _, tc := range []struct {
		stage    string
		wantPage bool
	}{
		{"before start", true},
		{"after start", true},
		{"after a write", false},
	} {
		h, out, _ := errorHandler()
		var logged []error
		h.LogError = func(_ *wsgiref.Environ, err error) { logged = append(logged, err) }
		var kept wsgiref.Write
		if err := h.Run(panickyApp(tc.stage, &kept)); err != nil {
			t.Fatalf("%s: Run = %v, want nil (the error is the application's)", tc.stage, err)
		}
		var pe *PanicError
		if len(logged) != 1 || !errors.As(logged[0], &pe) || !errors.Is(logged[0], errPanicked) {
			t.Fatalf("%s: logged %v, want one *PanicError of errPanicked", tc.stage, logged)
		}
		if !strings.Contains(string(pe.Stack), "panickyApp") {
			t.Errorf("%s: the stack does not show the panicking function:\n%s", tc.stage, pe.Stack)
		}
		if page := strings.Contains(out.String(), DefaultErrorBody); page != tc.wantPage {
			t.Errorf("%s: error page sent %v, want %v: %q", tc.stage, page, tc.wantPage, out)
		}
		if kept != nil {
			if err := kept([]byte("late")); !errors.Is(err, ErrWriteAfterClose) {
				t.Errorf("%s: write after Run = %v, want ErrWriteAfterClose", tc.stage, err)
			}
		}
		h.Reset()
		out.Reset()
		h.LogError = func(_ *wsgiref.Environ, err error) { t.Errorf("%s: next request logged %v", tc.stage, err) }
		if err := h.Run(bodyApp("next")); err != nil || !strings.HasSuffix(out.String(), "next") || h.Status() != "200 OK" {
			t.Errorf("%s: next request: %v, %q", tc.stage, err, out)
		}
	}
}

// TestRunErrorOutputPanics: a panic of the error page's application is
// recovered too; Run reports that the error output failed.
func TestRunErrorOutputPanics(t *testing.T) {
	h, _, _ := errorHandler()
	h.LogError = func(*wsgiref.Environ, error) {}
	h.ErrorOutput = wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) {
		panic("error page exploded")
	})
	var kept wsgiref.Write
	err := h.Run(panickyApp("before start", &kept))
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "error page exploded" || !errors.Is(err, errPanicked) {
		t.Errorf("Run = %v, want the error page's panic joined with the application's", err)
	}
}

// panickyWriter panics on Write: a fault of the server's writer, not of
// the application.
type panickyWriter struct{}

func (panickyWriter) Write([]byte) (int, error) { panic("writer exploded") }

// TestRunLeavesServerPanics: Run recovers the application's panics only;
// one of Stdout while the handler writes the body is the server's, and
// reaches the server (net/http's and simpleserver's connection guards).
func TestRunLeavesServerPanics(t *testing.T) {
	h := NewSimpleHandler(bytes.NewReader(nil), panickyWriter{}, io.Discard, wsgiref.NewEnviron("SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_METHOD", "GET"), true, false)
	h.LogError = func(_ *wsgiref.Environ, err error) { t.Errorf("logged %v", err) }
	defer func() {
		if r := recover(); r != "writer exploded" {
			t.Errorf("recovered %v, want the writer's panic", r)
		}
		if h.inApp {
			t.Error("inApp still set after Run")
		}
	}()
	h.Run(bodyApp("x"))
	t.Error("Run returned")
}
