package simpleserver

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// TestMaxBytesError: past WithMaxBodyBytes, wsgi.input fails with a
// *MaxBytesError that errors.As finds (carrying the limit) even wrapped;
// an application that handles it answers itself, one that passes it on
// gets the client a 413.
func TestMaxBytesError(t *testing.T) {
	got := make(chan error, 2)
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		_, err := io.ReadAll(env.Input)
		got <- err
		var mbe *MaxBytesError
		if env.Get("PATH_INFO") == "/handle" && errors.As(fmt.Errorf("reading: %w", err), &mbe) {
			start("400 Bad Request", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
			return wsgiref.Strings(fmt.Sprintf("limit %d", mbe.Limit)), nil
		}
		if err != nil {
			return nil, err
		}
		start("200 OK", nil)
		return wsgiref.Strings("ok"), nil
	})
	ts := startServer(t, app, WithMaxBodyBytes(8))
	for _, tc := range []struct {
		path, body string
		status     int
	}{
		{"/handle", "0123456789", 400},
		{"/pass", "0123456789", 413},
	} {
		// An io.Reader of unknown length: net/http sends it chunked.
		resp, err := http.Post(ts.url(tc.path), "text/plain", io.MultiReader(strings.NewReader(tc.body)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %q, want %d", tc.path, resp.StatusCode, body, tc.status)
		}
		err = <-got
		var mbe *MaxBytesError
		if !errors.As(err, &mbe) || mbe.Limit != 8 {
			t.Errorf("%s: wsgi.input error %v, want a *MaxBytesError of 8", tc.path, err)
		}
		if tc.path == "/handle" && string(body) != "limit 8" {
			t.Errorf("body %q", body)
		}
	}
}

// TestSoftwareVersionAgrees: the Server header and SERVER_SOFTWARE are the
// same value, read once when the server is made; changing SoftwareVersion
// later reaches servers made after the change, both places at once.
func TestSoftwareVersionAgrees(t *testing.T) {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", nil)
		return wsgiref.Strings(env.Get("SERVER_SOFTWARE")), nil
	})
	old := SoftwareVersion
	t.Cleanup(func() { SoftwareVersion = old })
	check := func(ts *testServer, want string) {
		t.Helper()
		resp, err := http.Get(ts.url("/"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if server := resp.Header.Get("Server"); server != want || string(body) != want {
			t.Errorf("Server %q, SERVER_SOFTWARE %q; want both %q", server, body, want)
		}
	}
	before := startServer(t, app)
	SoftwareVersion = "Custom/1.0"
	check(before, old)
	check(startServer(t, app), "Custom/1.0")
}
